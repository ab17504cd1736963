/*
 * E-Konseling live counseling client: the chat page and the counselors' inbox.
 *
 * Speaks the protocol of docs/websocket.md over one WebSocket per tab, and falls back to HTTP
 * polling on the same message store when a school network blocks WebSockets. A message exists
 * once the server acknowledges it; until then it waits in an outbox kept in localStorage, so a
 * reload, a dropped connection or a switch between socket and polling loses nothing, and a resend
 * carries the same client_key, so nothing is stored twice.
 *
 * Message text is only ever put into the page with textContent: it is plain text, never HTML.
 * Vanilla JS, no build step; the page gives everything through data-* attributes.
 */
(function () {
  "use strict";

  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const OPEN_TIMEOUT_MS = 5000; // a socket that has not opened by then is treated as blocked
  const FAILS_BEFORE_POLLING = 3;
  const SOCKET_RETRY_WHILE_POLLING_MS = 60000;
  const PING_EVERY_MS = 25000; // keeps proxies from closing an idle socket, and finds dead ones
  const POLL_MS = 3000;
  const POLL_FAST_MS = 1000;
  const FAST_AFTER_SEND_MS = 10000;
  const INBOX_POLL_WHILE_BLOCKED_MS = 5000;
  const TYPING_SEND_EVERY_MS = 3000;
  const TYPING_SHOW_MS = 5000;
  const RECEIPT_DEBOUNCE_MS = 400;
  const SYMBOLS = { pending: "🕓", stored: "✓", delivered: "✓✓", read: "✓✓", failed: "!" };
  const NON_RETRYABLE = new Set(["empty", "too_long", "bad_key", "forbidden", "not_found", "bad_frame", "bad_attachment"]);
  const DEFAULT_ATTACHMENT_MAX = 5 * 1024 * 1024;

  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID(); // only in secure contexts (https, localhost)
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  function characters(text) {
    return Array.from(text).length; // code points, as the server counts them (emoji are one)
  }

  function fileSize(bytes) {
    const size = Number(bytes) || 0;
    if (size >= 1024 * 1024) return (size / (1024 * 1024)).toFixed(1).replace(/\.0$/, "") + " MB";
    if (size >= 1024) return Math.round(size / 1024) + " KB";
    return size + " B";
  }

  function readJSON(value, fallback) {
    try {
      return value ? JSON.parse(value) : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function backoff(attempt) {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, Math.max(0, attempt - 1)));
    return base / 2 + Math.random() * (base / 2); // jitter: a school's tabs do not all return at once
  }

  /*
   * Link: one WebSocket with reconnection, and the decision to poll instead.
   * mode: "connecting" → "live" (socket open) | "polling" (socket blocked; the page polls over HTTP)
   *       | "ended" (the session is gone). While polling, the socket is retried every 60 s.
   */
  class Link {
    constructor(path, handlers) {
      this.url = (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + path;
      this.handlers = handlers;
      this.mode = "connecting";
      this.fails = 0;
      this.ws = null;
      this.retryTimer = null;
      this.pingTimer = null;
      this.lastFrameAt = 0;
      this.generation = 0; // which socket a frame came through, to resend the outbox once per socket
      window.addEventListener("online", () => this.retryNow());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible" && this.mode !== "live") this.retryNow();
      });
      // Not from inside the constructor: the handlers may use the Link the caller is still assigning.
      this.retryTimer = setTimeout(() => this.connect(), 0);
    }

    setMode(mode) {
      if (this.mode === mode) return;
      this.mode = mode;
      document.dispatchEvent(new CustomEvent("ekonseling:socket", { detail: { open: mode === "live" } }));
      if (this.handlers.onMode) this.handlers.onMode(mode);
    }

    retryNow() {
      if (this.mode === "ended" || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
      clearTimeout(this.retryTimer);
      this.connect();
    }

    connect() {
      this.retryTimer = null;
      if (!("WebSocket" in window)) {
        this.setMode("polling");
        return;
      }
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        this.failed(false);
        return;
      }
      this.ws = ws;
      let opened = false;
      const openTimer = setTimeout(() => {
        if (opened || this.ws !== ws) return;
        this.ws = null;
        ws.onclose = null;
        ws.close();
        this.failed(true); // never opened within 5 s: something in between holds it; poll now
      }, OPEN_TIMEOUT_MS);
      ws.onopen = () => {
        opened = true;
        clearTimeout(openTimer);
        this.fails = 0;
        this.generation += 1;
        this.lastFrameAt = Date.now();
        this.startPing();
        this.setMode("live");
        if (this.handlers.onOpen) this.handlers.onOpen();
      };
      ws.onmessage = (event) => {
        this.lastFrameAt = Date.now();
        const frame = readJSON(event.data, null);
        if (!frame || typeof frame !== "object" || frame.type === "pong") return;
        // static/js/live.js refreshes the menu's badges from the same socket (one per tab).
        document.dispatchEvent(new CustomEvent("ekonseling:frame", { detail: frame }));
        if (frame.type === "live.refresh") return;
        this.handlers.onFrame(frame);
      };
      ws.onclose = (event) => {
        clearTimeout(openTimer);
        this.stopPing();
        if (this.ws !== ws) return;
        this.ws = null;
        if (event.code === 4401 || event.code === 4403) {
          // Signed out, second factor owed, or no counseling for this role: the HTTP side says which.
          this.setMode("polling");
          return;
        }
        if (opened) {
          this.fails = 0;
          this.setMode(this.mode === "polling" ? "polling" : "connecting");
          this.schedule(backoff(1));
        } else {
          this.failed(false);
        }
      };
    }

    failed(blocked) {
      this.fails += 1;
      if (blocked || this.fails >= FAILS_BEFORE_POLLING || this.mode === "polling") {
        this.setMode("polling");
        this.schedule(SOCKET_RETRY_WHILE_POLLING_MS);
      } else {
        this.schedule(backoff(this.fails));
      }
    }

    schedule(delay) {
      clearTimeout(this.retryTimer);
      if (this.mode !== "ended") this.retryTimer = setTimeout(() => this.connect(), delay);
    }

    startPing() {
      this.stopPing();
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastFrameAt > 2 * PING_EVERY_MS + 5000 && this.ws) {
          this.ws.close(); // no pong for two rounds: a dead connection the browser has not noticed
          return;
        }
        this.send({ type: "ping" });
      }, PING_EVERY_MS);
    }

    stopPing() {
      clearInterval(this.pingTimer);
      this.pingTimer = null;
    }

    send(frame) {
      if (this.mode !== "live" || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
      this.ws.send(JSON.stringify(frame));
      return true;
    }

    end() {
      this.setMode("ended");
      clearTimeout(this.retryTimer);
      this.stopPing();
      if (this.ws) {
        const ws = this.ws;
        this.ws = null;
        ws.onclose = null;
        ws.close();
      }
    }
  }

  /* Chat: one conversation page. */
  class Chat {
    constructor(root) {
      const data = root.dataset;
      this.root = root;
      this.id = Number(data.conversation);
      this.role = data.role;
      this.messagesUrl = data.messagesUrl;
      this.readUrl = data.readUrl;
      this.csrf = data.csrf;
      this.maxBody = Number(data.maxBody) || 4000;
      this.attachmentUrl = data.attachmentUrl || "";
      this.attachmentMax = Number(data.attachmentMax) || DEFAULT_ATTACHMENT_MAX;
      this.timeZone = data.timeZone || undefined;
      this.t = readJSON(data.i18n, {});
      this.receipt = readJSON(data.receipt, { delivered_seq: 0, read_seq: 0 });
      this.lastSeq = Number(data.lastSeq) || 0; // every message up to here is held
      this.held = new Set(); // seqs above lastSeq already shown (after a gap)
      this.storeKey = "ekonseling.outbox." + (data.user || "0") + "." + this.id;
      this.log = root.querySelector("[data-log]");
      this.form = root.querySelector("[data-composer]");
      this.body = root.querySelector("[data-body]");
      this.counter = root.querySelector("[data-counter]");
      this.composerError = root.querySelector("[data-composer-error]");
      this.attachInput = root.querySelector("[data-attach]");
      this.typingEl = root.querySelector("[data-typing]");
      this.connectionEl = root.querySelector("[data-connection]");
      this.crisis = root.querySelector("[data-crisis]");
      this.baseTitle = document.title;
      this.unseen = 0;
      this.theirHighest = 0;
      this.readSent = 0;
      this.deliveredSent = 0;
      this.typingSentAt = 0;
      this.fastUntil = 0;
      this.draining = false; // the polling outbox is being posted (one message at a time)
      this.sentOn = new Map(); // client_key -> socket generation it was last sent on
      this.pollTimer = null;
      this.polling = false;
      this.pollBusy = false;
      this.pollAgain = false;
      this.markTimers = {};

      this.log.querySelectorAll("li.msg[data-seq]").forEach((li) => {
        const time = li.querySelector("time");
        if (time) this.setTime(li, time.dateTime); // the same clock format as messages added later
        if (li.classList.contains("theirs")) this.theirHighest = Math.max(this.theirHighest, Number(li.dataset.seq));
      });
      this.outbox = this.loadOutbox().filter((item) => !this.bubbleStored(item.client_key));
      this.saveOutbox();
      this.outbox.forEach((item) => this.appendPending(item));
      this.bindComposer();
      document.addEventListener("visibilitychange", () => this.onVisibility());
      this.applyReceipt(this.receipt);
      this.scrollToEnd(true);
      this.link = new Link(data.wsPath || "/ws/konseling/", {
        onOpen: () => this.onOpen(),
        onFrame: (frame) => this.onFrame(frame),
        onMode: (mode) => this.onMode(mode),
      });
      this.onMode(this.link.mode);
      this.scheduleRead();
    }

    // --- the outbox -----------------------------------------------------------------------------

    loadOutbox() {
      try {
        const items = readJSON(window.localStorage.getItem(this.storeKey), []);
        return Array.isArray(items) ? items.filter((i) => i && i.client_key && typeof i.body === "string") : [];
      } catch (e) {
        return []; // storage disabled: the outbox lives as long as the page
      }
    }

    saveOutbox() {
      try {
        if (this.outbox.length) window.localStorage.setItem(this.storeKey, JSON.stringify(this.outbox));
        else window.localStorage.removeItem(this.storeKey);
      } catch (e) {
        /* storage full or disabled: keep going in memory */
      }
    }

    forget(key) {
      this.outbox = this.outbox.filter((item) => item.client_key !== key);
      this.sentOn.delete(key);
      this.saveOutbox();
    }

    flush() {
      if (this.link.mode === "live") {
        for (const item of this.outbox) {
          if (this.sentOn.get(item.client_key) === this.link.generation) continue;
          const frame = { type: "send", conversation: this.id, client_key: item.client_key, body: item.body };
          if (this.link.send(frame)) this.sentOn.set(item.client_key, this.link.generation);
        }
      } else if (this.link.mode === "polling") {
        this.drainOverHttp();
      }
    }

    async drainOverHttp() {
      // One message at a time, in the order typed: the server numbers messages as they arrive, so
      // posting the whole outbox at once stored them in whatever order the requests landed. The
      // first failure stops the drain (the next poll starts again from that message); a resend
      // carries the same client_key, so a message whose answer was lost is not stored twice.
      if (this.draining) return;
      this.draining = true;
      try {
        while (this.link.mode === "polling" && this.outbox.length) {
          const item = this.outbox[0];
          let answer;
          try {
            answer = await this.request(this.messagesUrl, { client_key: item.client_key, body: item.body });
          } catch (e) {
            this.showConnection("retry"); // kept in the outbox; the next poll tries again
            break;
          }
          if (answer) this.onFrame(answer);
          if (this.outbox[0] === item) break; // not settled (rate limited, or an answer not understood)
        }
      } finally {
        this.draining = false;
      }
    }

    // --- HTTP ---------------------------------------------------------------------------------------

    async request(url, fields) {
      const options = { credentials: "same-origin", headers: { Accept: "application/json" } };
      if (fields) {
        options.method = "POST";
        options.headers["X-CSRFToken"] = this.csrf;
        options.body = fields instanceof FormData ? fields : new URLSearchParams(fields);
      }
      const response = await fetch(url, options);
      const type = response.headers.get("Content-Type") || "";
      if (response.redirected || !type.includes("application/json")) {
        // The sign-in page instead of JSON: the session is over. A 403/404 page: the conversation
        // is no longer this user's (transferred, or access withdrawn). Either way, stop asking.
        if (response.redirected) this.stop("session");
        else if (response.status === 403 || response.status === 404) this.stop("gone");
        throw new Error("not json: " + response.status);
      }
      return response.json();
    }

    stop(reason) {
      this.link.end();
      this.stopPolling();
      this.showConnection(reason);
      if (this.form) this.form.querySelector("[data-send]").disabled = true;
    }

    startPolling() {
      if (this.polling) return;
      this.polling = true;
      this.poll();
    }

    stopPolling() {
      this.polling = false;
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
    }

    async poll() {
      if (!this.polling) return;
      if (this.pollBusy) {
        this.pollAgain = true; // one request at a time; ask again as soon as this one is answered
        return;
      }
      clearTimeout(this.pollTimer);
      this.pollBusy = true;
      let again = false;
      try {
        this.flush();
        const data = await this.request(this.messagesUrl + "?after=" + encodeURIComponent(this.lastSeq));
        (data.messages || []).forEach((m) => this.addMessage(m));
        this.checkGap();
        if (data.receipt) this.onReceipt(data.receipt);
        again = data.complete === false;
        this.showConnection("polling");
      } catch (e) {
        if (this.link.mode !== "ended") this.showConnection("offline");
      } finally {
        this.pollBusy = false;
      }
      if (!this.polling) return;
      if (this.pollAgain) {
        this.pollAgain = false;
        again = true;
      }
      const delay = again ? 0 : Date.now() < this.fastUntil ? POLL_FAST_MS : POLL_MS;
      this.pollTimer = setTimeout(() => this.poll(), delay);
    }

    // --- the socket ----------------------------------------------------------------------------------

    onMode(mode) {
      this.root.dataset.mode = mode;
      if (mode === "polling") {
        this.startPolling();
        this.showConnection("polling");
      } else if (mode === "live") {
        this.stopPolling();
        this.showConnection(null);
      } else if (mode === "connecting") {
        this.showConnection("connecting");
      }
    }

    onOpen() {
      this.link.send({ type: "subscribe", conversation: this.id, after: this.lastSeq });
      this.flush();
    }

    onFrame(frame) {
      if (frame.conversation !== undefined && Number(frame.conversation) !== this.id) return;
      switch (frame.type) {
        case "hello":
          if (frame.max_body) this.maxBody = Number(frame.max_body);
          break;
        case "messages":
          (frame.messages || []).forEach((m) => this.addMessage(m));
          if (frame.complete === false) this.sync();
          else this.checkGap();
          break;
        case "message": {
          const gap = Number(frame.seq) > this.lastSeq + 1;
          this.addMessage(frame);
          if (gap) this.sync();
          break;
        }
        case "ack":
          this.onAck(frame);
          break;
        case "error":
          this.onError(frame);
          break;
        case "receipt":
          this.onReceipt(frame);
          break;
        case "typing":
          if (frame.role !== this.role) this.showTyping();
          break;
        case "inbox": {
          // Counselors only: a risk alert on this very conversation (the message itself is not marked live).
          const event = frame.event || {};
          const banner = this.root.querySelector("[data-new-alert]");
          if (event.type === "alert" && Number(event.conversation) === this.id && banner) {
            banner.textContent = this.t.alert || "";
            banner.hidden = false;
          }
          break;
        }
        default:
          break; // anything newer than this page
      }
    }

    sync() {
      if (!this.link.send({ type: "sync", conversation: this.id, after: this.lastSeq }) && this.polling) this.poll();
    }

    checkGap() {
      if (this.held.size && !this.held.has(this.lastSeq + 1)) this.sync();
    }

    // --- messages ---------------------------------------------------------------------------------------

    bubbleStored(key) {
      return Boolean(key && this.log.querySelector('li.msg[data-seq][data-client-key="' + CSS.escape(key) + '"]'));
    }

    pendingBubble(key) {
      return key ? this.log.querySelector('li.msg:not([data-seq])[data-client-key="' + CSS.escape(key) + '"]') : null;
    }

    build(message, mine) {
      const li = document.createElement("li");
      li.className = "msg " + (mine ? "mine" : "theirs");
      li.dataset.role = message.sender_role || this.role;
      if (message.client_key) li.dataset.clientKey = message.client_key;
      const who = document.createElement("span");
      who.className = "visually-hidden msg-who";
      who.textContent = (mine ? this.t.you : this.t.other) + ": ";
      const body = document.createElement("div");
      body.className = "msg-body";
      body.textContent = message.body; // plain text, never HTML
      const meta = document.createElement("div");
      meta.className = "msg-meta";
      const time = document.createElement("time");
      meta.appendChild(time);
      li.append(who, body, meta);
      if (message.attachment) this.showAttachment(li, message.attachment);
      this.setTime(li, message.created_at);
      if (mine) {
        meta.appendChild(document.createTextNode(" "));
        const status = document.createElement("span");
        status.className = "msg-status";
        meta.appendChild(status);
      }
      return li;
    }

    showAttachment(li, attachment) {
      // The URL comes from the server (counseling:attachment); it is set through DOM properties only.
      if (!attachment || !attachment.url || li.querySelector(".msg-attachment")) return;
      const box = document.createElement("div");
      box.className = "msg-attachment";
      const link = document.createElement("a");
      link.href = attachment.url;
      if (String(attachment.content_type || "").startsWith("image/")) {
        link.target = "_blank";
        link.rel = "noopener";
        const img = document.createElement("img");
        img.loading = "lazy";
        img.alt = this.t.photo || "";
        img.style.maxWidth = "100%";
        img.src = attachment.url;
        link.appendChild(img);
      } else {
        link.textContent = format(this.t.pdf || "PDF ({size})", { size: fileSize(attachment.size) });
      }
      box.appendChild(link);
      li.querySelector(".msg-body").after(box);
    }

    setTime(li, iso) {
      const time = li.querySelector("time");
      if (!time || !iso) return;
      time.dateTime = iso;
      const when = new Date(iso);
      try {
        time.textContent = when.toLocaleTimeString(document.documentElement.lang || undefined, {
          hour: "2-digit",
          minute: "2-digit",
          hour12: false,
          timeZone: this.timeZone,
        });
      } catch (e) {
        time.textContent = when.toTimeString().slice(0, 5);
      }
    }

    setStatus(li, status) {
      const mark = li.querySelector(".msg-status");
      if (!mark || mark.dataset.status === status) return;
      mark.dataset.status = status;
      mark.textContent = SYMBOLS[status] || "";
      mark.title = this.t[status] || status;
      mark.setAttribute("aria-label", this.t[status] || status);
    }

    insert(li, seq) {
      // In seq order; messages still waiting for their seq stay at the end.
      for (const other of this.log.children) {
        if (!other.dataset.seq || Number(other.dataset.seq) > seq) {
          this.log.insertBefore(li, other);
          return;
        }
      }
      this.log.appendChild(li);
    }

    hold(seq) {
      if (seq <= this.lastSeq) return;
      this.held.add(seq);
      while (this.held.has(this.lastSeq + 1)) {
        this.held.delete(this.lastSeq + 1);
        this.lastSeq += 1;
      }
    }

    addMessage(message) {
      const seq = Number(message.seq);
      if (!seq) return;
      const mine = message.sender_role === this.role;
      const nearEnd = this.nearEnd();
      let li = this.log.querySelector('li.msg[data-seq="' + seq + '"]');
      if (!li) {
        li = mine ? this.pendingBubble(message.client_key) : null;
        if (li) {
          li.remove();
          this.forget(message.client_key);
        } else {
          li = this.build(message, mine);
        }
        li.dataset.seq = String(seq);
        this.setTime(li, message.created_at);
        this.insert(li, seq);
        if (mine) this.setStatus(li, this.statusOf(seq));
        else this.onTheirs(seq);
        if (nearEnd || mine) this.scrollToEnd(false);
      }
      // Also for a bubble already shown without it (the pending bubble of an upload).
      if (message.attachment) this.showAttachment(li, message.attachment);
      this.hold(seq);
    }

    appendPending(item) {
      const li = this.build({ body: item.body, client_key: item.client_key, created_at: item.created }, true);
      this.setStatus(li, "pending");
      this.log.appendChild(li);
      return li;
    }

    onAck(ack) {
      const seq = Number(ack.seq);
      this.forget(ack.client_key);
      const li = this.pendingBubble(ack.client_key);
      if (li) {
        li.remove();
        li.dataset.seq = String(seq);
        this.setTime(li, ack.created_at);
        if (!this.log.querySelector('li.msg[data-seq="' + seq + '"]')) this.insert(li, seq);
        this.setStatus(li, this.statusOf(seq));
      }
      this.hold(seq);
      if (this.held.size) this.sync(); // something before our message has not arrived yet
      if (Array.isArray(ack.crisis_contacts) && ack.crisis_contacts.length) this.showCrisis(ack.crisis_contacts);
    }

    onError(error) {
      if (!error.client_key) {
        this.showComposerError(error.message || error.code);
        return;
      }
      const li = this.pendingBubble(error.client_key);
      if (!NON_RETRYABLE.has(error.code)) {
        // rate_limited or a server hiccup: keep it, send it again in a moment.
        this.sentOn.delete(error.client_key);
        setTimeout(() => this.flush(), 3000);
        return;
      }
      this.forget(error.client_key);
      if (li) {
        this.setStatus(li, "failed");
        const note = document.createElement("div");
        note.className = "msg-error";
        note.dataset.errorCode = error.code || "";
        note.textContent = error.message || this.t.failed;
        li.appendChild(note);
      }
      this.showComposerError(error.message || this.t.failed);
    }

    // --- receipts, typing, title ---------------------------------------------------------------------------

    statusOf(seq) {
      if (seq <= (this.receipt.read_seq || 0)) return "read";
      if (seq <= (this.receipt.delivered_seq || 0)) return "delivered";
      return "stored";
    }

    onReceipt(receipt) {
      if (!receipt || receipt.role === this.role) return; // our own marks, echoed by the server
      this.receipt = {
        delivered_seq: Math.max(this.receipt.delivered_seq || 0, Number(receipt.delivered_seq) || 0),
        read_seq: Math.max(this.receipt.read_seq || 0, Number(receipt.read_seq) || 0),
      };
      this.applyReceipt();
    }

    applyReceipt() {
      this.log.querySelectorAll("li.msg.mine[data-seq]").forEach((li) => {
        this.setStatus(li, this.statusOf(Number(li.dataset.seq)));
      });
    }

    onTheirs(seq) {
      this.theirHighest = Math.max(this.theirHighest, seq);
      this.hideTyping();
      if (document.visibilityState === "visible") {
        this.scheduleRead();
      } else {
        this.unseen += 1;
        this.updateTitle();
        this.scheduleMark("delivered");
      }
    }

    scheduleRead() {
      this.scheduleMark("read");
    }

    scheduleMark(kind) {
      clearTimeout(this.markTimers[kind]);
      this.markTimers[kind] = setTimeout(() => this.sendMark(kind), RECEIPT_DEBOUNCE_MS);
    }

    sendMark(kind) {
      const seq = this.theirHighest;
      if (kind === "read" && (document.visibilityState !== "visible" || seq <= this.readSent)) return;
      if (kind === "delivered" && seq <= Math.max(this.deliveredSent, this.readSent)) return;
      if (kind === "read") this.readSent = seq;
      else this.deliveredSent = seq;
      if (this.link.send({ type: kind, conversation: this.id, seq: seq })) return;
      if (this.link.mode === "ended") return;
      const fields = kind === "read" ? { seq: seq } : { delivered: seq };
      this.request(this.readUrl, fields).catch(() => {
        if (kind === "read") this.readSent = 0; // try again with the next message or visit
      });
    }

    onVisibility() {
      if (document.visibilityState !== "visible") return;
      this.unseen = 0;
      this.updateTitle();
      this.scheduleRead();
    }

    updateTitle() {
      document.title = this.unseen ? "(" + this.unseen + ") " + this.baseTitle : this.baseTitle;
    }

    showTyping() {
      if (!this.typingEl) return;
      this.typingEl.textContent = this.t.typing || "…";
      this.typingEl.hidden = false;
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_SHOW_MS);
    }

    hideTyping() {
      if (this.typingEl) this.typingEl.hidden = true;
    }

    showCrisis(lines) {
      if (!this.crisis) return;
      const list = this.crisis.querySelector("[data-crisis-list]");
      list.replaceChildren(
        ...lines.map((line) => {
          const item = document.createElement("li");
          item.textContent = line;
          return item;
        })
      );
      this.crisis.hidden = false;
      this.crisis.scrollIntoView({ block: "nearest" });
    }

    showConnection(state) {
      if (!this.connectionEl) return;
      this.connectionEl.dataset.state = state || "live";
      this.connectionEl.textContent = state ? this.t[state] || "" : "";
      this.connectionEl.hidden = !state;
    }

    // --- the composer -------------------------------------------------------------------------------------

    bindComposer() {
      if (!this.form) return;
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submit();
      });
      this.body.addEventListener("input", () => {
        this.updateCounter();
        this.sendTyping();
      });
      this.body.addEventListener("keydown", (event) => {
        // Enter sends on a keyboard; Shift+Enter (and every phone's return key) makes a new line.
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing && window.matchMedia("(pointer: fine)").matches) {
          event.preventDefault();
          this.submit();
        }
      });
      if (this.attachInput) {
        this.attachInput.addEventListener("change", () => {
          const file = this.attachInput.files && this.attachInput.files[0];
          this.attachInput.value = ""; // choosing the same file again fires change again
          if (file) this.upload(file);
        });
      }
      this.updateCounter();
    }

    async upload(file) {
      // Checked here only to spare a useless upload; the server checks size and content itself.
      if (file.size > this.attachmentMax) {
        this.showComposerError(format(this.t.too_big, { limit: fileSize(this.attachmentMax) }));
        return;
      }
      const caption = this.body.value;
      const length = characters(caption);
      if (length > this.maxBody) {
        this.showComposerError(format(this.t.too_long, { length: length, limit: this.maxBody }));
        return;
      }
      if (!this.attachmentUrl) return;
      // Not in the outbox: a file cannot wait in localStorage. A failed upload is marked failed.
      const item = { client_key: uuid4(), body: caption.trim() ? caption : "[" + file.name + "]", created: new Date().toISOString() };
      const fields = new FormData();
      fields.append("file", file);
      fields.append("body", caption);
      fields.append("client_key", item.client_key);
      this.body.value = "";
      this.updateCounter();
      this.appendPending(item);
      this.scrollToEnd(false);
      let answer;
      try {
        answer = await this.request(this.attachmentUrl, fields);
      } catch (e) {
        answer = { type: "error", client_key: item.client_key, code: "bad_frame", message: this.t.retry };
      }
      if (answer && answer.type === "ack") {
        this.onAck(answer);
        this.fetchMessage(Number(answer.seq));
        return;
      }
      const error = Object.assign({}, answer || {}, { client_key: item.client_key });
      if (!NON_RETRYABLE.has(error.code)) error.code = "bad_frame"; // shown as failed, not retried
      this.onError(error);
    }

    async fetchMessage(seq) {
      // The ack carries no attachment: ask for the stored message once (the socket's broadcast
      // may bring it too; addMessage takes whichever arrives first).
      if (!seq) return;
      try {
        const data = await this.request(this.messagesUrl + "?after=" + encodeURIComponent(seq - 1));
        const message = (data.messages || []).find((m) => Number(m.seq) === seq);
        if (message) {
          const li = this.log.querySelector('li.msg[data-seq="' + seq + '"]');
          if (li) li.querySelector(".msg-body").textContent = message.body;
          this.addMessage(message);
        }
      } catch (e) {
        /* shown on the next page load */
      }
    }

    updateCounter() {
      const length = characters(this.body.value);
      this.counter.textContent = format(this.t.counter || "{length}/{limit}", { length: length, limit: this.maxBody });
      const over = length > this.maxBody;
      this.counter.classList.toggle("over", over);
      if (over) this.showComposerError(format(this.t.too_long, { length: length, limit: this.maxBody }));
      else this.showComposerError(null);
    }

    showComposerError(text) {
      if (!this.composerError) return;
      this.composerError.textContent = text || "";
      this.composerError.hidden = !text;
    }

    sendTyping() {
      const now = Date.now();
      if (now - this.typingSentAt < TYPING_SEND_EVERY_MS || !this.body.value.trim()) return;
      if (this.link.send({ type: "typing", conversation: this.id })) this.typingSentAt = now;
    }

    submit() {
      const text = this.body.value;
      if (!text.trim()) {
        this.showComposerError(this.t.empty);
        return;
      }
      const length = characters(text);
      if (length > this.maxBody) {
        this.showComposerError(format(this.t.too_long, { length: length, limit: this.maxBody }));
        return;
      }
      const item = { client_key: uuid4(), body: text, created: new Date().toISOString() };
      this.outbox.push(item);
      this.saveOutbox();
      this.body.value = "";
      this.updateCounter();
      this.appendPending(item);
      this.scrollToEnd(false);
      this.fastUntil = Date.now() + FAST_AFTER_SEND_MS;
      this.flush();
      if (this.polling) this.poll();
    }

    // --- scrolling -------------------------------------------------------------------------------------------

    nearEnd() {
      const doc = document.documentElement;
      return window.innerHeight + window.scrollY >= doc.scrollHeight - 160;
    }

    scrollToEnd(initial) {
      const last = this.log.lastElementChild;
      if (!last || (initial && this.log.children.length < 3)) return;
      last.scrollIntoView({ block: "nearest" });
    }
  }

  /* Inbox: reload the list (an HTMX partial) whenever the socket says a conversation changed. */
  class Inbox {
    constructor(root) {
      this.root = root;
      this.status = document.querySelector("[data-connection]");
      this.fallbackTimer = null;
      this.link = new Link(root.dataset.wsPath || "/ws/konseling/", {
        onOpen: () => this.refreshSoon(), // events may have been missed while disconnected
        onFrame: (frame) => {
          if (frame.type === "inbox") this.refreshSoon();
        },
        onMode: (mode) => this.onMode(mode),
      });
    }

    onMode(mode) {
      this.root.dataset.mode = mode;
      clearInterval(this.fallbackTimer);
      this.fallbackTimer = null;
      if (mode === "polling") {
        // No push on this network: check more often than the 20 s safety poll of the page.
        this.fallbackTimer = setInterval(() => this.refreshSoon(), INBOX_POLL_WHILE_BLOCKED_MS);
      }
      if (this.status) {
        const text = mode === "polling" ? this.root.dataset.i18nPolling || "" : "";
        this.status.textContent = text;
        this.status.hidden = !text;
      }
    }

    refreshSoon() {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => {
        if (window.htmx) window.htmx.trigger(this.root, "inbox-refresh");
      }, 250);
    }
  }

  const EKonselingChat = { Link, Chat, Inbox, uuid4, format, chats: [], inboxes: [] };
  window.EKonselingChat = EKonselingChat;

  function start() {
    document.querySelectorAll("[data-chat]").forEach((root) => EKonselingChat.chats.push(new Chat(root)));
    document.querySelectorAll("[data-inbox]").forEach((root) => EKonselingChat.inboxes.push(new Inbox(root)));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
