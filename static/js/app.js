// Signing out on a shared school computer must not leave unsent counseling messages behind:
// the chat keeps its outbox in localStorage until the server acknowledges it.
document.addEventListener("submit", (event) => {
  if (!event.target.matches("form[data-sign-out]")) return;
  try {
    Object.keys(localStorage)
      .filter((key) => key.startsWith("ekonseling."))
      .forEach((key) => localStorage.removeItem(key));
  } catch (e) {
    /* storage disabled: nothing was kept */
  }
});

// A box that scrolls sideways (a wide table on a phone) must be reachable from the keyboard, or its
// hidden columns are out of reach without a pointer: it gets a tab stop while it overflows.
function focusableScrollers() {
  document.querySelectorAll("main div, main section, main pre, main figure").forEach((el) => {
    const overflowX = getComputedStyle(el).overflowX;
    const scrolls = (overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.tabIndex = 0;
      el.dataset.scrollStop = "";
    } else if (!scrolls && el.hasAttribute("data-scroll-stop")) {
      el.removeAttribute("tabindex");
      el.removeAttribute("data-scroll-stop");
    }
  });
}
let scrollersTimer;
function focusableScrollersSoon() {
  clearTimeout(scrollersTimer);
  scrollersTimer = setTimeout(focusableScrollers, 150);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusableScrollers);
else focusableScrollers();
window.addEventListener("resize", focusableScrollersSoon);
document.addEventListener("htmx:afterSwap", focusableScrollersSoon);

// The service worker (core/views_pwa.py): static files from the phone after the first visit, the
// offline page when there is no connection. It stores no page of the app.
if ("serviceWorker" in navigator) {
  const manifest = document.querySelector("link[rel=manifest][data-service-worker]");
  if (manifest) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register(manifest.dataset.serviceWorker, { scope: "/" }).catch(() => {});
    });
  }
}
