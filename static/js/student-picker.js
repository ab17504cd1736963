// The student picker of the new-administration form: the matches follow the search as it is typed
// (and the rombel filter, and the page buttons) without reloading the form. The chosen students
// travel with each search and come back ticked. Without JavaScript the buttons post the form with
// `find`, which shows it again with the matches and creates nothing.
(function () {
  const picker = document.querySelector("[data-student-picker]");
  if (!picker) return;
  const results = picker.querySelector("#student-picker-results");
  const search = picker.querySelector("input[name=q]");
  const rombel = picker.querySelector("select[name=in_rombel]");
  if (!results || !search || !rombel) return;
  let timer = null;
  let controller = null;

  function load(page) {
    // A search still waiting for the typing to pause would come after this one and undo it (a page
    // button pressed within 300 ms of a keystroke showed page 1 again): this load has the same fields.
    clearTimeout(timer);
    const params = new URLSearchParams({ picker: "1", q: search.value, in_rombel: rombel.value, page: page || "1" });
    results.querySelectorAll("input[name=students]:checked").forEach((box) => params.append("students", box.value));
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(picker.dataset.studentPicker + "?" + params, { signal: controller.signal, credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        results.innerHTML = html;
      })
      .catch(() => {}); // an aborted or failed search leaves the list as it was; the button still works
  }

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => load("1"), 300);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter searches; it never opens the administration
      clearTimeout(timer);
      load("1");
    }
  });
  rombel.addEventListener("change", () => load("1"));
  picker.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-picker-page]");
    if (!button) return;
    event.preventDefault();
    load(button.dataset.pickerPage);
  });
})();
