/*
 * Present mode (information/present.html): one slide at a time on the class projector.
 * Keys: → ↓ Space PageDown next; ← ↑ PageUp previous; Home/End first/last; F full screen.
 * A #poll in the address opens the live poll's slide. No inline script (strict CSP).
 */
(function () {
  "use strict";
  const root = document.querySelector("[data-present]");
  if (!root) return;
  const slides = Array.from(root.querySelectorAll("[data-slide]"));
  const number = root.querySelector("[data-slide-number]");
  const total = root.querySelector("[data-slide-total]");
  let current = 0;

  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) { slide.hidden = i !== current; });
    if (number) number.textContent = String(current + 1);
    root.dataset.current = String(current);
  }

  if (total) total.textContent = String(slides.length);
  document.addEventListener("keydown", function (event) {
    const tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    const key = event.key;
    if (key === "ArrowRight" || key === "ArrowDown" || key === " " || key === "PageDown") show(current + 1);
    else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") show(current - 1);
    else if (key === "Home") show(0);
    else if (key === "End") show(slides.length - 1);
    else if (key === "f" || key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
    } else return;
    event.preventDefault();
  });
  root.addEventListener("click", function (event) {
    if (event.target.closest("video, a, button")) return;
    show(current + 1);
  });
  show(location.hash === "#poll" ? slides.length - 1 : 0);
  root.focus();
})();
