/*
 * The live poll (information/present.html on the projector, information/poll.html on a phone):
 * counts arrive on /ws/polling/<id>/ as `results` frames; a phone sends its answer as
 * {"type": "answer", "choice": n}. Without a socket the page polls the results URL and the
 * answer buttons post their form. Counts only: no frame names anyone.
 */
(function () {
  "use strict";
  const root = document.querySelector("[data-poll]");
  if (!root) return;
  const choices = root.querySelector("[data-poll-choices]");
  const done = root.querySelector("[data-poll-done]");
  let socket = null;
  let live = false;
  let retries = 0;

  function render(results) {
    if (!results || results.type !== "results") return;
    results.options.forEach(function (option, i) {
      const count = root.querySelector('[data-count="' + i + '"]');
      const bar = root.querySelector('[data-bar="' + i + '"]');
      if (count) count.textContent = String(option.count);
      if (bar) bar.value = option.percent;
    });
    const answered = root.querySelector("[data-poll-answered]");
    if (answered) answered.textContent = String(results.answered);
    const state = root.querySelector("[data-poll-state]");
    if (state && !results.open) state.textContent = state.dataset.closedText || "✕";
    if (!results.open && choices && done) { choices.hidden = true; done.hidden = false; }
    root.dataset.answeredCount = String(results.answered);
  }

  async function fetchResults() {
    try {
      const response = await fetch(root.dataset.pollResults, { credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch (e) { /* the next round */ }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.pollWs);
    socket.addEventListener("open", function () { live = true; retries = 0; root.dataset.live = "1"; });
    socket.addEventListener("message", function (event) {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "results") render(frame);
      else if (frame.type === "answered" && choices && done) { choices.hidden = true; done.hidden = false; }
    });
    socket.addEventListener("close", function (event) {
      live = false;
      root.dataset.live = "";
      // The session ended (signed out, expired, account closed): the page itself goes to sign in.
      if (event.code === 4401) { location.reload(); return; }
      if (event.code === 4403) return;
      retries += 1;
      setTimeout(connect, Math.min(30000, 1000 * 2 ** retries));
    });
  }

  if (choices) {
    choices.addEventListener("click", function (event) {
      const button = event.target.closest("[data-choice]");
      if (!button || !live) return; // no socket: the form posts
      event.preventDefault();
      socket.send(JSON.stringify({ type: "answer", choice: Number(button.dataset.choice) }));
    });
  }
  if ("WebSocket" in window) connect();
  setInterval(function () { if (!live) fetchResults(); }, 5000);
})();
