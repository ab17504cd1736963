// The sociometry sheet: search classmates by name, and give each rank once (a rank chosen for one
// classmate is taken from the others' menus). Works without it: the server checks everything.
(function () {
  "use strict";
  function sync(sheet) {
    var selects = sheet.querySelectorAll("select");
    var used = {};
    selects.forEach(function (s) { if (s.value) used[s.value] = s; });
    selects.forEach(function (s) {
      Array.prototype.forEach.call(s.options, function (o) {
        o.disabled = !!(o.value && used[o.value] && used[o.value] !== s);
      });
      s.closest("li").classList.toggle("picked", !!s.value);
    });
  }
  document.querySelectorAll("[data-sheet]").forEach(function (sheet) {
    var search = sheet.querySelector("[data-sheet-search]");
    if (search) {
      search.hidden = false;
      search.addEventListener("input", function () {
        var q = search.value.trim().toLowerCase();
        sheet.querySelectorAll(".classmates li").forEach(function (li) {
          li.hidden = q !== "" && li.getAttribute("data-name").indexOf(q) === -1;
        });
      });
    }
    sheet.addEventListener("change", function () { sync(sheet); });
    sync(sheet);
  });
})();
