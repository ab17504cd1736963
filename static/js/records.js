// The service-record form: show only the participant field that the chosen "who took part" needs
// (one student, the group's students, or the rombel). Without JavaScript all three stay visible.
(function () {
  const form = document.querySelector("form[data-record-form]");
  if (!form) return;
  const groups = form.querySelectorAll("[data-scope-field]");
  function show() {
    const chosen = form.querySelector("input[name=scope]:checked");
    groups.forEach((group) => {
      group.hidden = chosen !== null && group.dataset.scopeField !== chosen.value;
    });
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "scope") show();
  });
  show();
})();
