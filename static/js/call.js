/*
 * E-Konseling video and voice calls (templates/appointments/call.html; no build step, no CDN).
 *
 * The device check (camera, microphone level, a speaker tone, the connection's round trip to the
 * server), then the call: signalling over the counseling WebSocket (`call.*` frames,
 * docs/websocket.md "Calls"), media straight between the browsers (WebRTC, a mesh of at most six).
 * Whoever is already in the call offers to a newcomer, so two sides never offer at once.
 * Nothing is recorded. The chat beside a 1:1 call uses the socket's ordinary `subscribe`/`send`
 * frames, so it is stored as every chat is; a group session's chat travels as `call.chat` frames
 * and is stored with the session (appointments/group_chat.py). This script holds the tab's socket and hands every
 * frame to live.js (`ekonseling:frame`), as chat.js does.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-call]");
  if (!root) return;
  const APPOINTMENT = Number(root.dataset.appointment);
  const IS_HOST = root.dataset.role === "host";
  const CONVERSATION = root.dataset.conversation ? Number(root.dataset.conversation) : null;
  const GROUP_CHAT = root.dataset.groupChat === "1";
  const ME = Number(root.dataset.user);
  const T = JSON.parse(document.getElementById("call-strings").textContent);
  const $ = (selector) => root.querySelector(selector);
  const MODES = {
    video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } },
    low: { width: { ideal: 320 }, height: { ideal: 180 }, frameRate: { ideal: 12, max: 15 } },
  };
  const LOW_BITRATE = 150000; // bits/s of video in the low-bandwidth mode
  const STATS_MS = 3000;
  // Good checks in a row (15 s) after a fall back to audio before the video is offered back.
  const RECOVER_CHECKS = 5;

  let ws = null;
  let wsOpen = false;
  let joinWanted = false;
  let me = null; // {peer, role, admitted}
  let iceServers = [];
  let localStream = null;
  let mode = document.querySelector("input[name=call-mode]:checked")?.value || "video";
  let audioOnly = mode === "audio";
  let weakChecks = 0;
  let goodChecks = 0;
  let fellBack = false; // audio only because the connection was weak, not by the user's choice
  let statsTimer = null;
  let aliveTimer = null;
  let audioContext = null;
  let pingSent = [];
  const peers = new Map(); // peer id -> {pc, name, role, tile, video, pending: [candidates]}
  const seenSeq = new Set();

  function setState(state, text) {
    root.dataset.state = state;
    const status = $("[data-status]");
    if (status && text !== undefined) status.textContent = text;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? String(values[key]) : ""));
  }

  // --- the socket ---------------------------------------------------------------------------------------------

  function connect(delay) {
    setTimeout(() => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      ws = new WebSocket(`${scheme}://${location.host}${root.dataset.ws}`);
      ws.onopen = () => {
        wsOpen = true;
        measureConnection();
        if (CONVERSATION) send({ type: "subscribe", conversation: CONVERSATION, after: 0 });
        if (joinWanted) send({ type: "call.join", appointment: APPOINTMENT });
      };
      ws.onmessage = (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        onFrame(frame);
        document.dispatchEvent(new CustomEvent("ekonseling:frame", { detail: frame }));
      };
      ws.onclose = (event) => {
        wsOpen = false;
        if (event.code === 4401 || event.code === 4403) {
          setState("closed", T.quality_none);
          return;
        }
        // The call's media may still flow; the signalling comes back, and a reconnect re-joins.
        connect(Math.min(10000, (delay || 500) * 2));
      };
    }, delay || 0);
  }

  function send(frame) {
    if (ws && wsOpen) ws.send(JSON.stringify(frame));
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "pong":
        return onPong();
      case "messages":
        return (frame.messages || []).forEach(showMessage);
      case "message":
        return showMessage(frame);
      case "ack":
        return onAck(frame);
    }
    if (frame.appointment !== APPOINTMENT) return;
    switch (frame.type) {
      case "call.joined":
        return onJoined(frame);
      case "call.knock":
        return onKnock(frame);
      case "call.admitted":
        me.admitted = true;
        return enterRoom();
      case "call.peer":
        return offerTo(frame);
      case "call.signal":
        return onSignal(frame);
      case "call.peer-left":
        return dropPeer(frame.peer);
      case "call.chat":
        return showGroupMessage(frame);
      case "call.chat-history":
        return (frame.messages || []).forEach(showGroupMessage);
      case "call.ended":
        return onEnded(frame.reason);
      case "call.error":
        return setState(root.dataset.state, frame.message);
    }
  }

  // --- the device check ---------------------------------------------------------------------------------------

  function constraints() {
    const audioDevice = $("[data-device=audioinput]").value;
    const videoDevice = $("[data-device=videoinput]").value;
    const audio = { echoCancellation: true, noiseSuppression: true };
    if (audioDevice) audio.deviceId = { exact: audioDevice };
    if (audioOnly) return { audio, video: false };
    const video = Object.assign({}, MODES[mode] || MODES.video);
    if (videoDevice) video.deviceId = { exact: videoDevice };
    return { audio, video };
  }

  async function startPreview() {
    if (localStream) localStream.getTracks().forEach((t) => t.stop());
    try {
      localStream = await navigator.mediaDevices.getUserMedia(constraints());
    } catch (error) {
      localStream = null;
      $("[data-check=camera]").textContent = format(T.no_devices, { error: error.name || String(error) });
      return;
    }
    $("[data-preview]").srcObject = audioOnly ? null : localStream;
    $("[data-check=camera]").textContent = audioOnly ? T.audio_only : localStream.getVideoTracks().length ? "✓" : "–";
    $("[data-check=microphone]").textContent = localStream.getAudioTracks().length ? "✓" : "–";
    meterMicrophone();
    await listDevices();
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    for (const kind of ["videoinput", "audioinput", "audiooutput"]) {
      const select = $(`[data-device=${kind}]`);
      if (!select) continue;
      const chosen = select.value;
      select.replaceChildren();
      devices
        .filter((d) => d.kind === kind)
        .forEach((d, i) => {
          const option = document.createElement("option");
          option.value = d.deviceId;
          option.textContent = d.label || `${kind} ${i + 1}`;
          select.append(option);
        });
      if (chosen) select.value = chosen;
    }
  }

  function meterMicrophone() {
    if (!localStream || !localStream.getAudioTracks().length) return;
    try {
      audioContext = audioContext || new AudioContext();
      const source = audioContext.createMediaStreamSource(new MediaStream(localStream.getAudioTracks()));
      const analyser = audioContext.createAnalyser();
      analyser.fftSize = 256;
      source.connect(analyser);
      const data = new Uint8Array(analyser.fftSize);
      const meter = $("[data-mic-level]");
      const tick = () => {
        analyser.getByteTimeDomainData(data);
        let peak = 0;
        for (const v of data) peak = Math.max(peak, Math.abs(v - 128) / 128);
        meter.value = peak;
        if (root.dataset.state === "check") requestAnimationFrame(tick);
      };
      tick();
    } catch (e) {
      /* no Web Audio: the level stays empty */
    }
  }

  async function speakerTest() {
    audioContext = audioContext || new AudioContext();
    const sink = $("[data-device=audiooutput]").value;
    if (sink && audioContext.setSinkId) {
      try {
        await audioContext.setSinkId(sink);
      } catch (e) {
        /* the default speaker then */
      }
    }
    const oscillator = audioContext.createOscillator();
    oscillator.frequency.value = 440;
    oscillator.connect(audioContext.destination);
    oscillator.start();
    oscillator.stop(audioContext.currentTime + 0.6);
    $("[data-check=speaker]").textContent = T.speaker_test;
  }

  function measureConnection() {
    pingSent = [];
    for (let i = 0; i < 5; i++) {
      setTimeout(() => {
        pingSent.push(performance.now());
        send({ type: "ping" });
      }, i * 200);
    }
  }

  const rtts = [];
  function onPong() {
    const sent = pingSent.shift();
    if (sent === undefined) return;
    rtts.push(performance.now() - sent);
    if (rtts.length < 3) return;
    const sorted = rtts.slice().sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const out = $("[data-check=connection]");
    out.dataset.rtt = String(Math.round(median));
    if (median < 150) {
      out.textContent = `${T.quality_good} (${Math.round(median)} ms)`;
      out.dataset.quality = "good";
    } else if (median < 400) {
      out.textContent = `${T.quality_fair} (${Math.round(median)} ms)`;
      out.dataset.quality = "fair";
    } else {
      out.textContent = `${T.quality_poor} (${Math.round(median)} ms)`;
      out.dataset.quality = "poor";
    }
  }

  // --- joining, the waiting room ------------------------------------------------------------------------------

  async function join() {
    if (!localStream) await startPreview();
    joinWanted = true;
    setState("joining", T.connecting);
    $("[data-join]").disabled = true;
    send({ type: "call.join", appointment: APPOINTMENT });
  }

  function onJoined(frame) {
    const rejoin = me !== null;
    me = { peer: frame.peer, role: frame.role, admitted: frame.admitted };
    iceServers = frame.ice_servers || [];
    if (rejoin) peers.forEach((_, id) => dropPeer(id));
    clearInterval(aliveTimer);
    aliveTimer = setInterval(() => send({ type: "call.alive", appointment: APPOINTMENT }), 60000);
    if (me.admitted) enterRoom();
    else {
      setState("waiting", T.waiting);
      $("[data-waiting]").hidden = false;
    }
  }

  function onKnock(frame) {
    const list = $("[data-lobby-list]");
    if (!list || list.querySelector(`[data-peer="${CSS.escape(frame.peer)}"]`)) return;
    const item = document.createElement("li");
    item.dataset.peer = frame.peer;
    const name = document.createElement("span");
    name.textContent = format(T.knocking, { name: frame.name }) + " ";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.dataset.admit = frame.peer;
    button.textContent = T.admit;
    button.addEventListener("click", () => {
      send({ type: "call.admit", appointment: APPOINTMENT, peer: frame.peer });
      item.remove();
      lobbyEmpty();
    });
    item.append(name, button);
    list.append(item);
    lobbyEmpty();
  }

  function lobbyEmpty() {
    const list = $("[data-lobby-list]");
    if (list) $("[data-lobby-empty]").hidden = list.children.length > 0;
  }

  function enterRoom() {
    $("[data-waiting]").hidden = true;
    $(".call-check").hidden = true;
    $("[data-room]").hidden = false;
    if (IS_HOST) $("[data-lobby]").hidden = false;
    const self = $("[data-self]");
    self.srcObject = audioOnly ? null : localStream;
    if (audioOnly) self.closest(".call-tile").classList.add("audio-only");
    setState("in-call", T.in_call);
    clearInterval(statsTimer);
    statsTimer = setInterval(watchQuality, STATS_MS);
  }

  // --- the peer connections -----------------------------------------------------------------------------------

  function peerFor(id, name, role) {
    let peer = peers.get(id);
    if (peer) return peer;
    const pc = new RTCPeerConnection({ iceServers });
    const tile = document.createElement("figure");
    tile.className = "call-tile";
    tile.dataset.peer = id;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.dataset.peer = id;
    const caption = document.createElement("figcaption");
    caption.textContent = name || "";
    tile.append(video, caption);
    $("[data-grid]").append(tile);
    peer = { pc, name, role, tile, video, pending: [], stream: new MediaStream() };
    video.srcObject = peer.stream;
    const sink = $("[data-device=audiooutput]").value;
    if (sink && video.setSinkId) video.setSinkId(sink).catch(() => {});
    peers.set(id, peer);
    if (localStream) localStream.getTracks().forEach((track) => pc.addTrack(track, localStream));
    if (audioOnly || !localStream || !localStream.getVideoTracks().length) {
      // Still receive the other side's picture.
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    pc.ontrack = (event) => {
      peer.stream.addTrack(event.track);
      video.play().catch(() => {});
      event.track.onmute = () => tile.classList.toggle("audio-only", !hasLiveVideo(peer));
      event.track.onunmute = () => tile.classList.toggle("audio-only", !hasLiveVideo(peer));
    };
    pc.onicecandidate = (event) => {
      send({
        type: "call.signal",
        appointment: APPOINTMENT,
        to: id,
        candidate: event.candidate ? event.candidate.toJSON() : null,
      });
    };
    pc.onconnectionstatechange = () => {
      tile.dataset.connection = pc.connectionState;
      if (pc.connectionState === "failed") pc.restartIce && pc.restartIce();
    };
    if (mode === "low") limitBitrate(pc);
    setState("in-call", format(T.joined, { name }));
    return peer;
  }

  function hasLiveVideo(peer) {
    return peer.stream.getVideoTracks().some((t) => !t.muted && t.readyState === "live");
  }

  async function offerTo(frame) {
    const peer = peerFor(frame.peer, frame.name, frame.role);
    const offer = await peer.pc.createOffer();
    await peer.pc.setLocalDescription(offer);
    send({ type: "call.signal", appointment: APPOINTMENT, to: frame.peer, description: peer.pc.localDescription.toJSON() });
  }

  async function onSignal(frame) {
    const peer = peerFor(frame.from, frame.name, frame.role);
    const pc = peer.pc;
    if (frame.description) {
      await pc.setRemoteDescription(frame.description);
      if (frame.description.type === "offer") {
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: "call.signal", appointment: APPOINTMENT, to: frame.from, description: pc.localDescription.toJSON() });
      }
      for (const candidate of peer.pending.splice(0)) await pc.addIceCandidate(candidate).catch(() => {});
    } else if ("candidate" in frame) {
      const candidate = frame.candidate || undefined;
      if (!pc.remoteDescription) peer.pending.push(candidate);
      else await pc.addIceCandidate(candidate).catch(() => {});
    }
  }

  function dropPeer(id) {
    const peer = peers.get(id);
    const waiting = root.querySelector(`[data-lobby-list] [data-peer="${CSS.escape(id)}"]`);
    if (waiting) {
      waiting.remove();
      lobbyEmpty();
    }
    if (!peer) return;
    peer.pc.close();
    peer.tile.remove();
    peers.delete(id);
    setState("in-call", T.peer_left);
  }

  function onEnded(reason) {
    peers.forEach((_, id) => dropPeer(id));
    clearInterval(statsTimer);
    clearInterval(aliveTimer);
    joinWanted = false;
    if (localStream) localStream.getTracks().forEach((t) => t.stop());
    $("[data-room]").hidden = true;
    $("[data-waiting]").hidden = true;
    if ($("[data-lobby]")) $("[data-lobby]").hidden = true;
    $("[data-ended]").hidden = false;
    if (GROUP_CHAT && $("[data-chat-form]")) $("[data-chat-form]").hidden = true; // the chat is the call's
    $("[data-ended-text]").textContent = reason === "replaced" ? T.replaced : reason === "removed" ? T.removed : reason === "left" ? T.left : T.ended;
    setState("ended");
  }

  // --- quality: low bandwidth, and the fall back to audio -----------------------------------------------------

  function limitBitrate(pc) {
    pc.getSenders()
      .filter((s) => s.track && s.track.kind === "video")
      .forEach((sender) => {
        const params = sender.getParameters();
        params.encodings = params.encodings && params.encodings.length ? params.encodings : [{}];
        params.encodings[0].maxBitrate = LOW_BITRATE;
        params.encodings[0].maxFramerate = 12;
        sender.setParameters(params).catch(() => {});
      });
  }

  function switchToAudio(notice, fallback) {
    if (audioOnly) return;
    audioOnly = true;
    fellBack = Boolean(fallback);
    goodChecks = 0;
    if (localStream) localStream.getVideoTracks().forEach((track) => track.stop());
    peers.forEach((peer) =>
      peer.pc.getSenders().forEach((s) => {
        if (s.track && s.track.kind === "video") s.replaceTrack(null);
      }),
    );
    $("[data-self]").srcObject = null;
    $("[data-self]").closest(".call-tile").classList.add("audio-only");
    root.dataset.audioOnly = "1";
    if ($("[data-video-back]")) $("[data-video-back]").hidden = true;
    if (notice) setState("in-call", notice);
  }

  // One quality check's verdict: two weak ones in a row fall back to audio; after such a fall back
  // (never after the user's own choice of audio only) a sustained good connection offers the video back.
  function judge(weak) {
    weakChecks = weak ? weakChecks + 1 : 0;
    goodChecks = weak ? 0 : goodChecks + 1;
    if (weakChecks >= 2 && !audioOnly) switchToAudio(T.fallback, true);
    else if (fellBack && audioOnly && goodChecks >= RECOVER_CHECKS) offerVideoBack();
  }

  function offerVideoBack() {
    const button = $("[data-video-back]");
    if (!button || !button.hidden) return;
    button.hidden = false;
    setState("in-call", T.recovered);
  }

  async function returnToVideo() {
    const button = $("[data-video-back]");
    if (button) button.hidden = true;
    if (!audioOnly) return;
    audioOnly = false;
    let track;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: constraints().video });
      track = stream.getVideoTracks()[0];
    } catch (error) {
      track = null;
    }
    if (!track) {
      audioOnly = true;
      setState("in-call", format(T.no_devices, { error: "video" }));
      return;
    }
    fellBack = false;
    weakChecks = 0;
    goodChecks = 0;
    localStream.getVideoTracks().forEach((old) => localStream.removeTrack(old));
    localStream.addTrack(track);
    for (const [id, peer] of peers) {
      const transceiver = peer.pc
        .getTransceivers()
        .find((t) => t.receiver && t.receiver.track && t.receiver.track.kind === "video" && !t.stopped);
      if (!transceiver) continue;
      await transceiver.sender.replaceTrack(track);
      if (transceiver.direction === "recvonly" || transceiver.direction === "inactive") {
        // A connection made while on audio only never sent a picture: it is negotiated again.
        transceiver.direction = "sendrecv";
        if (transceiver.sender.setStreams) transceiver.sender.setStreams(localStream);
        await offerTo({ peer: id, name: peer.name, role: peer.role });
      }
      if (mode === "low") limitBitrate(peer.pc);
    }
    const self = $("[data-self]");
    self.srcObject = localStream;
    self.closest(".call-tile").classList.remove("audio-only");
    delete root.dataset.audioOnly;
    setState("in-call", T.video_back);
  }

  async function watchQuality() {
    let weak = false;
    for (const peer of peers.values()) {
      let stats;
      try {
        stats = await peer.pc.getStats();
      } catch (e) {
        continue;
      }
      stats.forEach((report) => {
        if (report.type === "candidate-pair" && report.nominated && report.state === "succeeded") {
          if (report.currentRoundTripTime > 1.0) weak = true;
          if (report.availableOutgoingBitrate && report.availableOutgoingBitrate < 80000) weak = true;
        }
        if (report.type === "remote-inbound-rtp" && report.kind === "video" && report.fractionLost > 0.15) weak = true;
      });
    }
    judge(weak);
  }

  // --- the chat beside the call -------------------------------------------------------------------------------

  const pendingMessages = new Map();

  function showMessage(message) {
    if (!CONVERSATION || message.conversation !== undefined && message.conversation !== CONVERSATION) return;
    if (message.seq !== undefined) {
      if (seenSeq.has(message.seq)) return;
      seenSeq.add(message.seq);
    }
    if (message.client_key && pendingMessages.has(message.client_key)) {
      pendingMessages.get(message.client_key).remove();
      pendingMessages.delete(message.client_key);
    }
    const item = document.createElement("li");
    item.className = message.sender_role === (IS_HOST ? "counselor" : "student") ? "mine" : "theirs";
    item.textContent = message.body || "";
    if (message.seq !== undefined) item.dataset.seq = String(message.seq);
    $("[data-messages]").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function showGroupMessage(message) {
    if (!GROUP_CHAT || seenSeq.has(message.seq)) return;
    seenSeq.add(message.seq);
    const pending = pendingMessages.get(message.client_key);
    if (pending) pendingMessages.delete(message.client_key);
    const item = pending || document.createElement("li");
    item.className = message.sender === ME ? "mine" : "theirs";
    item.textContent = message.sender === ME ? message.body : `${message.name}: ${message.body}`;
    item.dataset.seq = String(message.seq);
    if (!pending) $("[data-messages]").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function onAck(frame) {
    const item = pendingMessages.get(frame.client_key);
    if (!item) return;
    pendingMessages.delete(frame.client_key);
    item.dataset.seq = String(frame.seq);
    seenSeq.add(frame.seq);
    item.classList.remove("pending");
  }

  function sendMessage(event) {
    event.preventDefault();
    const field = event.target.querySelector("textarea");
    const body = field.value.trim();
    if (!body) return;
    const key = crypto.randomUUID();
    const item = document.createElement("li");
    item.className = "mine pending";
    item.textContent = body;
    $("[data-messages]").append(item);
    pendingMessages.set(key, item);
    if (GROUP_CHAT) send({ type: "call.chat", appointment: APPOINTMENT, client_key: key, body });
    else send({ type: "send", conversation: CONVERSATION, client_key: key, body });
    field.value = "";
  }

  // --- wiring -------------------------------------------------------------------------------------------------

  document.querySelectorAll("input[name=call-mode]").forEach((input) =>
    input.addEventListener("change", () => {
      mode = input.value;
      audioOnly = mode === "audio";
      startPreview();
    }),
  );
  ["videoinput", "audioinput"].forEach((kind) => {
    const select = $(`[data-device=${kind}]`);
    if (select) select.addEventListener("change", startPreview);
  });
  $("[data-speaker-test]").addEventListener("click", speakerTest);
  if ($("[data-join]")) $("[data-join]").addEventListener("click", join);
  $("[data-toggle-mic]").addEventListener("click", (event) => {
    const tracks = localStream ? localStream.getAudioTracks() : [];
    const muted = tracks.some((t) => t.enabled);
    tracks.forEach((t) => (t.enabled = !muted));
    event.target.textContent = muted ? T.unmute : T.mute;
  });
  if ($("[data-toggle-camera]")) {
    $("[data-toggle-camera]").addEventListener("click", (event) => {
      const tracks = localStream ? localStream.getVideoTracks() : [];
      const off = tracks.some((t) => t.enabled);
      tracks.forEach((t) => (t.enabled = !off));
      event.target.textContent = off ? T.camera_on : T.camera_off;
    });
  }
  if ($("[data-audio-only]")) $("[data-audio-only]").addEventListener("click", () => switchToAudio(T.audio_only));
  if ($("[data-video-back]")) $("[data-video-back]").addEventListener("click", returnToVideo);
  $("[data-leave]").addEventListener("click", () => send({ type: "call.leave", appointment: APPOINTMENT }));
  if ($("[data-end]")) $("[data-end]").addEventListener("click", () => send({ type: "call.end", appointment: APPOINTMENT }));
  if ($("[data-chat-form]")) $("[data-chat-form]").addEventListener("submit", sendMessage);
  window.addEventListener("pagehide", () => send({ type: "call.leave", appointment: APPOINTMENT }));

  // For the browser tests and the bench: what each remote tile receives.
  window.ekonselingCall = {
    async remote() {
      const out = [];
      for (const [id, peer] of peers) {
        let audioBytes = 0;
        let videoBytes = 0;
        const stats = await peer.pc.getStats();
        stats.forEach((r) => {
          if (r.type === "inbound-rtp" && r.kind === "audio") audioBytes += r.bytesReceived || 0;
          if (r.type === "inbound-rtp" && r.kind === "video") videoBytes += r.bytesReceived || 0;
        });
        out.push({ peer: id, name: peer.name, videoWidth: peer.video.videoWidth, audioBytes, videoBytes });
      }
      return out;
    },
    switchToAudio: () => switchToAudio(T.fallback, true),
    // Drive the quality checks' verdicts (what getStats reports on a real network).
    quality: (weak) => judge(Boolean(weak)),
  };

  startPreview();
  connect(0);
})();
