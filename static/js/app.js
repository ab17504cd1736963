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
