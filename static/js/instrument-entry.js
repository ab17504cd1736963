// Paper sheet entry: count the answers typed so far against the number the area expects, so a
// skipped item shows before the counselor presses Enter.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-expected]").forEach((input) => {
    const expected = Number(input.dataset.expected);
    const out = document.querySelector(`[data-count-for="${input.id}"]`);
    if (!expected || !out) return;
    const update = () => {
      const n = input.value.split(/[\s,;]+/).filter(Boolean).length;
      out.textContent = `${n}/${expected}`;
      out.classList.toggle("off", n > expected || (n > 0 && n !== expected && document.activeElement !== input));
    };
    input.addEventListener("input", update);
    input.addEventListener("blur", update);
    update();
  });
});
