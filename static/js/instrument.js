/*
 * Filling an instrument on a phone with patchy data: every change is saved at once.
 *
 * A change (one tick, one radio, a text answer) goes into a queue kept in localStorage under the
 * sheet's id before anything is sent, so a dropped connection, a closed tab or a reload loses
 * nothing. The queue is sent in order, merged into one request ({"items", "heavy", "open"}: the
 * later value of a key wins, as it would if the changes were sent one by one); the server's merge
 * is idempotent, so a resend after a lost reply is harmless. When the network is back ("online"
 * event, or the retry with backoff) the queue is flushed. A reload re-applies the queued answers
 * to the page before flushing them.
 *
 * Without this script the page still works: the Next/Previous buttons post the page's answers.
 * With it, those buttons wait until the queue is empty, so a page is never left half-saved.
 */
(function () {
  "use strict";

  const form = document.getElementById("sheet-form");
  if (!form || !form.dataset.autosave) return;

  const url = form.dataset.autosave;
  const storeKey = "ekonseling.instrument." + form.dataset.sheet;
  const statusEl = document.getElementById("save-status");
  const csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  const csrf = csrfInput ? csrfInput.value : "";
  const submitForm = document.getElementById("submit-form");
  const PARTS = ["items", "heavy", "open"];
  const TEXT_DELAY_MS = 800;

  let queue = load();
  let running = null; // the drain in progress (a promise), or null
  let timer = null; // the next retry
  let textTimer = null;
  let fails = 0;
  let solo = false; // after a refused batch: send one change at a time to find the bad one
  let blocked = false; // the window closed or the sheet is locked: stop sending

  function message(name) {
    return form.dataset["msg" + name] || "";
  }

  function setStatus(state, text) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function load() {
    try {
      const items = JSON.parse(window.localStorage.getItem(storeKey) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function store() {
    try {
      if (queue.length) window.localStorage.setItem(storeKey, JSON.stringify(queue));
      else window.localStorage.removeItem(storeKey);
    } catch (e) {
      /* storage full or disabled: the queue still lives in memory until the page closes */
    }
  }

  function combine(changes) {
    const out = {};
    for (const change of changes) {
      for (const part of PARTS) {
        if (change[part]) out[part] = Object.assign(out[part] || {}, change[part]);
      }
    }
    return out;
  }

  // --- reading the page --------------------------------------------------------------------------

  function byName(name) {
    return Array.from(form.querySelectorAll('[name="' + name + '"]'));
  }

  function syncHeavy(number) {
    const tick = byName("item-" + number)[0];
    const heavy = byName("heavy-" + number)[0];
    if (!tick || !heavy) return;
    const label = heavy.closest("label");
    if (label) label.hidden = !tick.checked;
    if (!tick.checked) heavy.checked = false;
  }

  function changeFor(input) {
    const name = input.name || "";
    let match = /^item-(\d+)$/.exec(name);
    if (match) {
      const number = match[1];
      if (input.type === "checkbox") {
        const change = { items: { [number]: input.checked } };
        if (!input.checked && byName("heavy-" + number).length) change.heavy = { [number]: false };
        syncHeavy(number);
        return change;
      }
      return input.checked ? { items: { [number]: input.value } } : null;
    }
    match = /^heavy-(\d+)$/.exec(name);
    if (match) {
      const number = match[1];
      const tick = byName("item-" + number)[0];
      if (input.checked && tick && !tick.checked) {
        tick.checked = true;
        syncHeavy(number);
        return { items: { [number]: true }, heavy: { [number]: true } };
      }
      return { heavy: { [number]: input.checked } };
    }
    match = /^open-(.+)$/.exec(name);
    if (match) {
      const code = match[1];
      if (input.type === "checkbox") {
        const chosen = byName(name)
          .filter((el) => el.checked)
          .map((el) => el.value);
        return { open: { [code]: chosen.length ? chosen : null } };
      }
      if (input.type === "radio") return input.checked ? { open: { [code]: input.value } } : null;
      return { open: { [code]: input.value === "" ? null : input.value } };
    }
    return null;
  }

  // Put queued (not yet saved) answers back on the page after a reload.
  function apply(change) {
    Object.entries(change.items || {}).forEach(([number, value]) => {
      byName("item-" + number).forEach((input) => {
        input.checked = input.type === "checkbox" ? value === true : value !== null && input.value === value;
      });
      syncHeavy(number);
    });
    Object.entries(change.heavy || {}).forEach(([number, value]) => {
      byName("heavy-" + number).forEach((input) => {
        input.checked = value === true;
      });
      syncHeavy(number);
    });
    Object.entries(change.open || {}).forEach(([code, value]) => {
      byName("open-" + code).forEach((input) => {
        if (input.type === "checkbox") input.checked = Array.isArray(value) && value.includes(input.value);
        else if (input.type === "radio") input.checked = input.value === value;
        else input.value = value === null ? "" : value;
      });
    });
  }

  // --- sending -----------------------------------------------------------------------------------

  function enqueue(change, delay) {
    const last = queue[queue.length - 1];
    const sameText =
      last &&
      change.open &&
      !change.items &&
      !change.heavy &&
      last.open &&
      !last.items &&
      !last.heavy &&
      Object.keys(last.open).join() === Object.keys(change.open).join() &&
      !running;
    if (sameText) queue[queue.length - 1] = change; // typing: keep only the latest text
    else queue.push(change);
    store();
    clearTimeout(textTimer);
    if (delay) textTimer = setTimeout(flush, delay);
    else flush();
  }

  function schedule() {
    clearTimeout(timer);
    const base = Math.min(60000, 1000 * Math.pow(2, Math.min(fails, 6)));
    timer = setTimeout(flush, base * (0.75 + Math.random() * 0.5));
  }

  function updateProgress(data) {
    const answered = document.querySelector("[data-answered]");
    const total = document.querySelector("[data-total]");
    if (answered && typeof data.answered === "number") answered.textContent = data.answered;
    if (total && typeof data.total === "number") total.textContent = data.total;
    if (typeof data.revision === "number") form.dataset.revision = data.revision;
  }

  // One request: "ok", "retry" (network, session, server trouble) or "stop".
  async function sendOnce() {
    const count = solo ? 1 : queue.length;
    const batch = combine(queue.slice(0, count));
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: JSON.stringify(batch),
      });
    } catch (e) {
      return "offline";
    }
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      try {
        data = await response.json();
      } catch (e) {
        data = null;
      }
    }
    if (response.ok && data && !response.redirected) {
      queue.splice(0, count);
      store();
      fails = 0;
      if (!queue.length) solo = false;
      updateProgress(data);
      return "ok";
    }
    if (response.status === 400 && data && data.error) {
      if (count > 1) {
        solo = true; // find the one change the server refuses, keep the others
        return "ok";
      }
      queue.splice(0, 1); // this value can never be saved: say so, and go on with the rest
      store();
      setStatus("error", data.error);
      return "refused";
    }
    if ((response.status === 403 || response.status === 409) && data && data.error) {
      blocked = true; // the window closed or the sheet was sent: keep the answers, stop trying
      setStatus("error", data.error);
      return "stop";
    }
    if (response.redirected || (response.ok && !data) || (response.status === 403 && !data)) {
      return "signin"; // the session ended (or its CSRF token is stale): a reload, after signing in, sends them
    }
    return "retry"; // a server error: keep everything and try again later
  }

  async function drain() {
    let refused = false;
    while (queue.length && !blocked) {
      if (!refused) setStatus("saving", message("Saving"));
      const outcome = await sendOnce();
      if (outcome === "refused") refused = true;
      if (outcome === "stop") return false;
      if (outcome === "offline" || outcome === "retry" || outcome === "signin") {
        fails += 1;
        const name = { offline: "Offline", retry: "Retry", signin: "Signin" }[outcome];
        setStatus(outcome === "signin" ? "error" : outcome, message(name));
        schedule();
        return false;
      }
    }
    if (!queue.length && !refused && !blocked) setStatus("saved", message("Saved"));
    return !queue.length;
  }

  function flush() {
    clearTimeout(timer);
    if (blocked) return Promise.resolve(false);
    if (!running) {
      running = drain().finally(() => {
        running = null;
      });
    }
    return running;
  }

  // --- events ------------------------------------------------------------------------------------

  form.addEventListener("change", (event) => {
    const change = changeFor(event.target);
    if (change) enqueue(change, 0);
  });

  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") return;
    const change = changeFor(event.target);
    if (change) enqueue(change, TEXT_DELAY_MS);
  });

  // Leaving the page (Next, Previous, Send) waits for the queue: nothing is left behind unsaved.
  function guard(target) {
    target.addEventListener("submit", async (event) => {
      if (target.dataset.flushed === "1") return;
      if (!queue.length && !running && navigator.onLine) return; // nothing pending: a plain post
      event.preventDefault();
      const submitter = event.submitter || null;
      const done = await flush();
      if (!done || !navigator.onLine) {
        setStatus(navigator.onLine ? "retry" : "offline", message("Wait"));
        return;
      }
      target.dataset.flushed = "1";
      // Outside the submit event: a form ignores requestSubmit() while it is firing one.
      setTimeout(() => {
        if (typeof target.requestSubmit === "function") target.requestSubmit(submitter);
        else target.submit();
      }, 0);
    });
  }
  guard(form);
  if (submitForm) guard(submitForm);

  window.addEventListener("online", () => {
    fails = 0;
    flush();
  });
  window.addEventListener("offline", () => {
    if (queue.length) setStatus("offline", message("Offline"));
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      form.dataset.flushed = "";
      if (submitForm) submitForm.dataset.flushed = "";
    }
  });

  // Heavy marks only for ticked items; queued answers from before a reload go back on the page.
  form.querySelectorAll('input[name^="item-"][type=checkbox]').forEach((input) => syncHeavy(input.name.slice(5)));
  queue.forEach(apply);
  if (queue.length) flush();
})();
