/*
 * E-Konseling live badges and home cards (no build step, no inline script: strict CSP).
 *
 * The menu's badges (`[data-menu-badge]`, counted by /beranda/lencana/) and the home page's live cards
 * (`[data-live-card]`, each re-fetched from its URL) are refreshed when the server says something
 * changed — a `live.refresh` frame on the counseling WebSocket (docs/websocket.md) — and on an
 * interval, in case a frame was lost or the network blocks WebSockets. The frame carries nothing:
 * the page asks the server, which answers through the access policy.
 *
 * On the chat and inbox pages, static/js/chat.js already holds the tab's socket; it hands every
 * frame to this script as an `ekonseling:frame` event, so a tab never opens two sockets.
 */
(function () {
  "use strict";

  const body = document.body;
  if (!body || !body.dataset.liveBadges) return;

  const BADGES_URL = body.dataset.liveBadges;
  const WS_PATH = body.dataset.liveWs || "/ws/konseling/";
  const POLL_LIVE_MS = 60000; // a socket is open: the interval only covers a lost frame
  const POLL_BLOCKED_MS = 15000; // no socket on this network: the interval is the only news
  const DEBOUNCE_MS = 300;
  const BACKOFF_MAX_MS = 30000;

  let socketOpen = false;
  let everOpened = false;
  let stopped = false;
  let pollTimer = null;
  let debounceTimer = null;

  function show(element, count) {
    if (!element) return;
    const n = Number(count) || 0;
    element.textContent = n > 99 ? "99+" : String(n);
    element.hidden = n <= 0;
  }

  async function refreshBadges() {
    let response;
    try {
      response = await fetch(BADGES_URL, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
    } catch (e) {
      return; // offline: the next tick tries again
    }
    const type = response.headers.get("content-type") || "";
    if (!response.ok || response.redirected || !type.includes("json")) {
      if (response.status === 403 || response.redirected) stopped = true; // signed out
      return;
    }
    const data = await response.json();
    const badges = data.badges || {};
    body.dataset.liveBadgesAt = String(Date.now()); // when the badges were last counted (tests wait on it)
    document.querySelectorAll("[data-menu-badge]").forEach((el) => show(el, badges[el.dataset.menuBadge]));
    show(document.querySelector("[data-menu-badge-total]"), data.total);
  }

  async function refreshCard(holder) {
    // A counselor typing in a card's form keeps what they typed.
    if (holder.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) return;
    let response;
    try {
      response = await fetch(holder.dataset.liveCard, { credentials: "same-origin", cache: "no-store" });
    } catch (e) {
      return;
    }
    if (response.redirected) return;
    if (response.status === 404) {
      holder.replaceChildren(); // nothing to show any more
      return;
    }
    if (!response.ok) return;
    const html = await response.text();
    holder.innerHTML = html;
    if (window.htmx) window.htmx.process(holder);
    holder.dispatchEvent(new CustomEvent("ekonseling:card-refreshed", { bubbles: true }));
  }

  function refreshNow() {
    if (stopped) return;
    refreshBadges();
    document.querySelectorAll("[data-live-card]").forEach(refreshCard);
  }

  function refreshSoon() {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(refreshNow, DEBOUNCE_MS);
  }

  let pollEvery = 0;

  function schedulePoll() {
    const every = socketOpen ? POLL_LIVE_MS : POLL_BLOCKED_MS;
    if (every === pollEvery) return; // a failed reconnect must not push the next check back
    pollEvery = every;
    clearInterval(pollTimer);
    pollTimer = setInterval(() => {
      if (document.visibilityState === "visible") refreshNow();
    }, every);
  }

  function onFrame(frame) {
    if (!frame || typeof frame !== "object") return;
    // `inbox` frames (counselors) say the same thing for the inbox list; either refreshes the counts.
    if (frame.type === "live.refresh" || frame.type === "inbox") refreshSoon();
  }

  // --- the socket -------------------------------------------------------------------------------------

  function connect(attempt) {
    if (stopped || !("WebSocket" in window)) return;
    const url = (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + WS_PATH;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      return;
    }
    ws.onopen = () => {
      attempt = 0;
      socketOpen = true;
      body.dataset.liveMode = "live";
      schedulePoll();
      // After a reconnect something may have changed while it was closed; the first open follows
      // the page's own rendering by a moment, so only the badges (not yet counted) are fetched.
      if (everOpened) refreshSoon();
      everOpened = true;
    };
    ws.onmessage = (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch (e) {
        /* not JSON: ignored */
      }
    };
    ws.onclose = (event) => {
      const wasOpen = socketOpen;
      socketOpen = false;
      body.dataset.liveMode = "polling";
      schedulePoll();
      if (event.code === 4401 || event.code === 4403) return; // signed out, or no socket for this account
      const next = wasOpen ? 1 : attempt + 1;
      const delay = Math.min(BACKOFF_MAX_MS, 1000 * Math.pow(2, next - 1));
      setTimeout(() => connect(next), delay / 2 + Math.random() * (delay / 2));
    };
  }

  function start() {
    refreshBadges(); // the page was rendered without counts; its cards are fresh
    schedulePoll();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") refreshSoon();
    });
    document.addEventListener("ekonseling:frame", (event) => onFrame(event.detail));
    document.addEventListener("ekonseling:socket", (event) => {
      socketOpen = Boolean(event.detail && event.detail.open);
      body.dataset.liveMode = socketOpen ? "live" : "polling";
      schedulePoll();
    });
    // The chat and inbox pages have their socket already (chat.js); every other page opens one.
    if (!document.querySelector("[data-chat], [data-inbox], [data-call]")) connect(0);
  }

  window.EKonselingLive = { refresh: refreshNow };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
