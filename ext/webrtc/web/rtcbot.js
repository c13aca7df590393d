/*
 * rtcbot.js — browser client for gst-rtcbot's rtcbotwebrtcbin.
 *
 * Mirrors the JavaScript API of RTCBot (https://github.com/dkumor/rtcbot) so
 * pages written for RTCBot work unchanged against the GStreamer element, and
 * speaks the same wire protocol: non-trickle offer/answer as JSON
 * {type, sdp}, and an ordered data channel labelled "default" carrying JSON
 * text messages.
 *
 * Plain ES2017 with no dependencies and no external URLs, because the page is
 * served by the robot itself, often on a network without internet access.
 * Loading it defines the global `rtcbot`.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
(function (global) {
  "use strict";

  /* Bounds the wait for ICE gathering: a host with an unreachable interface
   * can keep gathering for tens of seconds, and the candidates found in the
   * first few seconds are the ones that matter on a local network. */
  const GATHERING_TIMEOUT_MS = 5000;

  const GAMEPAD_DEAD_ZONE = 0.1;

  /**
   * Calls every callback with the same arguments; a throwing subscriber is
   * reported but must not starve the others.
   * @private
   */
  class Subscribers {
    constructor() {
      this._callbacks = [];
    }

    add(callback) {
      if (typeof callback !== "function") {
        throw new TypeError("rtcbot: subscribe() needs a callback function");
      }
      this._callbacks.push(callback);
      return () => this.remove(callback);
    }

    remove(callback) {
      const i = this._callbacks.indexOf(callback);
      if (i >= 0) this._callbacks.splice(i, 1);
    }

    has(callback) {
      return this._callbacks.includes(callback);
    }

    get size() {
      return this._callbacks.length;
    }

    emit(...args) {
      /* Copy, so a callback may unsubscribe itself while being called. */
      for (const callback of this._callbacks.slice()) {
        try {
          callback(...args);
        } catch (err) {
          console.error("rtcbot: subscriber threw", err);
        }
      }
    }

    clear() {
      this._callbacks = [];
    }
  }

  function round2(value) {
    return Math.round(value * 100) / 100;
  }

  /**
   * Resolves once the connection has gathered all its ICE candidates (or
   * after `timeoutMs`), since the protocol is non-trickle: whatever is in the
   * local description when it is sent is all the peer will ever learn.
   * @private
   */
  function waitForGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      let timer = null;
      const finish = () => {
        clearTimeout(timer);
        pc.removeEventListener("icegatheringstatechange", onState);
        pc.removeEventListener("icecandidate", onCandidate);
        resolve();
      };
      const onState = () => {
        if (pc.iceGatheringState === "complete") finish();
      };
      /* A null candidate also marks the end of gathering, and some browsers
       * deliver it before the state change. */
      const onCandidate = (event) => {
        if (!event.candidate) finish();
      };
      pc.addEventListener("icegatheringstatechange", onState);
      pc.addEventListener("icecandidate", onCandidate);
      timer = setTimeout(finish, timeoutMs);
    });
  }

  /**
   * One media kind ("video" or "audio") of an RTCConnection: remote tracks of
   * that kind are delivered to subscribers, local tracks given to
   * putSubscription are sent to the peer. Reached as `conn.video` and
   * `conn.audio`.
   */
  class MediaHandler {
    /** @private */
    constructor(connection, kind) {
      this._connection = connection;
      this._kind = kind;
      this._subscribers = new Subscribers();
      this._localTracks = [];
      this._lastStream = null;
    }

    /**
     * Receives the remote media of this kind. A subscriber added after the
     * track arrived is called at once with it, so subscription order relative
     * to connecting does not matter.
     * @param {function(MediaStream): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    subscribe(callback) {
      const unsubscribe = this._subscribers.add(callback);
      if (this._lastStream) {
        const stream = this._lastStream;
        Promise.resolve().then(() => {
          if (this._subscribers.has(callback)) callback(stream);
        });
      }
      return unsubscribe;
    }

    /**
     * @param {function(MediaStream): void} callback
     */
    unsubscribe(callback) {
      this._subscribers.remove(callback);
    }

    /**
     * Sends local media of this kind to the peer. Call it before
     * getLocalDescription(): the track needs its own transceiver in the
     * offer (or answer). Afterwards it can only replace the track of a
     * transceiver that already sends, since there is no renegotiation.
     * @param {MediaStreamTrack|MediaStream} source a track of this kind, or a
     *   stream whose tracks of this kind are all sent
     * @returns {Promise<void>}
     */
    async putSubscription(source) {
      const entries = this._entriesFrom(source);
      const pc = this._connection.pc;
      if (!pc.localDescription) {
        this._localTracks.push(...entries);
        return;
      }
      const sending = pc.getTransceivers().find((t) =>
        !t.stopped && t.receiver.track && t.receiver.track.kind === this._kind &&
        (t.currentDirection === "sendrecv" || t.currentDirection === "sendonly" ||
         t.direction === "sendrecv" || t.direction === "sendonly"));
      if (!sending) {
        throw new Error(`rtcbot: ${this._kind}.putSubscription() must be called ` +
          "before getLocalDescription() when no " + this._kind +
          " is being sent yet");
      }
      await sending.sender.replaceTrack(entries[0].track);
    }

    /** @private */
    _entriesFrom(source) {
      const isStream = typeof MediaStream !== "undefined" && source instanceof MediaStream;
      const tracks = isStream
        ? source.getTracks().filter((t) => t.kind === this._kind)
        : [source];
      if (tracks.length === 0 || !tracks.every((t) => t && t.kind === this._kind)) {
        throw new TypeError(`rtcbot: ${this._kind}.putSubscription() needs a ` +
          `${this._kind} MediaStreamTrack or a MediaStream containing one`);
      }
      return tracks.map((track) => ({ track, stream: isStream ? source : null }));
    }

    /** @private */
    _deliver(stream) {
      this._lastStream = stream;
      this._subscribers.emit(stream);
    }

    /** @private */
    _close() {
      this._subscribers.clear();
      this._lastStream = null;
    }
  }

  /**
   * A WebRTC connection to an RTCBot peer (Python RTCBot or gst-rtcbot's
   * rtcbotwebrtcbin), with RTCBot's producer/consumer interface: the
   * connection consumes messages given to put_nowait() and produces the
   * messages the peer sends.
   */
  class RTCConnection {
    /**
     * @param {boolean} [defaultOrdered=true] whether the "default" data
     *   channel delivers messages in order
     * @param {RTCConfiguration} [options={}] passed to RTCPeerConnection;
     *   iceServers defaults to none, because the robot and its controller
     *   usually share a closed network where STUN servers are unreachable
     *   and would only slow gathering down
     */
    constructor(defaultOrdered = true, options = {}) {
      const config = Object.assign({}, options);
      config.iceServers = options.iceServers || [];
      // RTCBot's pages pass it around unbound: kb.subscribe(conn.put_nowait)
      this.put_nowait = this.put_nowait.bind(this);

      /** The underlying RTCPeerConnection, for state and statistics. */
      this.pc = new RTCPeerConnection(config);
      /** Remote and local video; see MediaHandler. */
      this.video = new MediaHandler(this, "video");
      /** Remote and local audio; see MediaHandler. */
      this.audio = new MediaHandler(this, "audio");
      /** True once the "default" data channel is open. */
      this.ready = false;

      this._messages = new Subscribers();
      this._readySubscribers = new Subscribers();
      this._closeSubscribers = new Subscribers();
      this._queue = [];
      this._closed = false;
      this._answering = false;
      this._mediaPrepared = false;
      this._channel = null;

      this._onChannelOpen = () => this._handleOpen();
      this._onChannelClose = () => this._handleClose();
      this._onChannelMessage = (event) => this._handleMessage(event);

      this._attachChannel(this.pc.createDataChannel("default", { ordered: defaultOrdered }));

      this.pc.addEventListener("datachannel", (event) => {
        /* Only the offerer's "default" channel counts; when answering we
         * dropped our own in favour of it. */
        if (event.channel.label === "default" && this._answering && !this.ready) {
          this._attachChannel(event.channel);
        }
      });
      this.pc.addEventListener("track", (event) => {
        const handler = event.track.kind === "video" ? this.video
          : event.track.kind === "audio" ? this.audio : null;
        if (!handler) return;
        /* Peers that omit a=msid give tracks without a stream. */
        const stream = event.streams && event.streams[0]
          ? event.streams[0] : new MediaStream([event.track]);
        handler._deliver(stream);
      });
      this.pc.addEventListener("connectionstatechange", () => {
        const state = this.pc.connectionState;
        if (state === "failed" || state === "closed") this._handleClose();
      });
    }

    /**
     * Sends a message to the peer as JSON. Messages put before the data
     * channel opens are kept and sent in order once it does, so callers need
     * not wait for onReady.
     * @param {*} message any JSON-serialisable value
     */
    put_nowait(message) {
      if (this._closed) return;
      const text = JSON.stringify(message);
      if (this.ready && this._channel.readyState === "open") {
        this._channel.send(text);
      } else {
        this._queue.push(text);
      }
    }

    /**
     * Receives the peer's messages, parsed from JSON (a message that is not
     * valid JSON is passed on as its raw text).
     * @param {function(*): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    subscribe(callback) {
      return this._messages.add(callback);
    }

    /**
     * @param {function(*): void} callback
     */
    unsubscribe(callback) {
      this._messages.remove(callback);
    }

    /**
     * Called once the data channel is open; immediately (asynchronously) if
     * it already is.
     * @param {function(): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    onReady(callback) {
      const unsubscribe = this._readySubscribers.add(callback);
      if (this.ready) {
        Promise.resolve().then(() => {
          if (this._readySubscribers.has(callback)) {
            this._readySubscribers.remove(callback);
            callback();
          }
        });
      }
      return unsubscribe;
    }

    /**
     * Called once, when the data channel closes, the connection fails or
     * close() is called.
     * @param {function(): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    onClose(callback) {
      return this._closeSubscribers.add(callback);
    }

    /**
     * Produces the local session description to send to the peer. Without
     * an argument it creates an offer; given the peer's offer it creates the
     * answer. Either way it waits for ICE gathering to finish, because the
     * protocol carries no candidates outside the SDP.
     * @param {{type: string, sdp: string}|null} [description=null] remote offer
     * @returns {Promise<{type: string, sdp: string}>}
     */
    async getLocalDescription(description = null) {
      if (description) {
        this._answering = true;
        /* The offerer owns "default"; keeping ours too would open a second
         * channel with the same label. */
        const own = this._channel;
        this._detachChannel(own);
        own.close();
        this._channel = null;

        await this.pc.setRemoteDescription({ type: description.type, sdp: description.sdp });
        await this._attachLocalTracksToOffer();
        await this.pc.setLocalDescription(await this.pc.createAnswer());
      } else {
        this._prepareOfferMedia();
        await this.pc.setLocalDescription(await this.pc.createOffer());
      }
      await waitForGathering(this.pc, GATHERING_TIMEOUT_MS);
      const local = this.pc.localDescription;
      return { type: local.type, sdp: local.sdp };
    }

    /**
     * Applies the peer's answer to our offer.
     * @param {{type: string, sdp: string}} description
     */
    async setRemoteDescription(description) {
      if (!description || typeof description.type !== "string" ||
          typeof description.sdp !== "string") {
        throw new TypeError("rtcbot: setRemoteDescription() needs {type, sdp}");
      }
      await this.pc.setRemoteDescription({ type: description.type, sdp: description.sdp });
    }

    /**
     * Closes the data channel and the peer connection.
     */
    close() {
      if (this._channel) this._channel.close();
      this.pc.close();
      /* RTCPeerConnection.close() fires no connectionstatechange. */
      this._handleClose();
    }

    /** @private */
    _prepareOfferMedia() {
      if (this._mediaPrepared) return;
      this._mediaPrepared = true;
      const kinds = [this.video, this.audio];
      for (const handler of kinds) {
        for (const { track, stream } of handler._localTracks) {
          this.pc.addTransceiver(track, { direction: "sendrecv", streams: stream ? [stream] : [] });
        }
      }
      const sendsNothing = kinds.every((h) => h._localTracks.length === 0);
      /* With nothing to send and nothing asked for, the usual case is a
       * remote-control page that wants to see the robot's camera. */
      if (this.video._localTracks.length === 0 &&
          (this.video._subscribers.size > 0 || sendsNothing)) {
        this.pc.addTransceiver("video", { direction: "recvonly" });
      }
      if (this.audio._localTracks.length === 0 && this.audio._subscribers.size > 0) {
        this.pc.addTransceiver("audio", { direction: "recvonly" });
      }
    }

    /**
     * When answering, transceivers come from the offer; transceivers added
     * beforehand would become extra, unanswerable m-lines, so local tracks
     * are put on the offered ones instead.
     * @private
     */
    async _attachLocalTracksToOffer() {
      if (this._mediaPrepared) return;
      this._mediaPrepared = true;
      const free = this.pc.getTransceivers().filter((t) => !t.sender.track);
      for (const handler of [this.video, this.audio]) {
        for (const { track, stream } of handler._localTracks) {
          const i = free.findIndex((t) => t.receiver.track.kind === handler._kind);
          if (i < 0) {
            console.warn(`rtcbot: the offer has no ${handler._kind} to send a local track on`);
            continue;
          }
          const transceiver = free.splice(i, 1)[0];
          await transceiver.sender.replaceTrack(track);
          if (stream && transceiver.sender.setStreams) transceiver.sender.setStreams(stream);
          transceiver.direction = "sendrecv";
        }
      }
    }

    /** @private */
    _attachChannel(channel) {
      this._channel = channel;
      channel.binaryType = "arraybuffer";
      channel.addEventListener("open", this._onChannelOpen);
      channel.addEventListener("close", this._onChannelClose);
      channel.addEventListener("message", this._onChannelMessage);
      if (channel.readyState === "open") this._handleOpen();
    }

    /** @private */
    _detachChannel(channel) {
      channel.removeEventListener("open", this._onChannelOpen);
      channel.removeEventListener("close", this._onChannelClose);
      channel.removeEventListener("message", this._onChannelMessage);
    }

    /** @private */
    _handleOpen() {
      if (this.ready || this._closed) return;
      for (const text of this._queue) this._channel.send(text);
      this._queue = [];
      this.ready = true;
      const subscribers = this._readySubscribers;
      this._readySubscribers = new Subscribers();
      subscribers.emit();
    }

    /** @private */
    _handleMessage(event) {
      let message = event.data;
      if (typeof message === "string") {
        try {
          message = JSON.parse(message);
        } catch (err) {
          /* RTCBot peers may send plain strings; hand them over unparsed. */
        }
      }
      this._messages.emit(message);
    }

    /** @private */
    _handleClose() {
      if (this._closed) return;
      this._closed = true;
      this.ready = false;
      this._queue = [];
      this._closeSubscribers.emit();
      this._closeSubscribers.clear();
      this.video._close();
      this.audio._close();
    }
  }

  /**
   * Produces RTCBot-style keyboard events, ready to be sent to the robot
   * with conn.put_nowait().
   */
  class Keyboard {
    /**
     * @param {EventTarget} [target=window] where key events are listened for
     */
    constructor(target = global) {
      this._target = target;
      this._subscribers = new Subscribers();
      this._held = new Map();

      this._onKey = (event) => {
        /* Auto-repeat would flood the channel with commands that change
         * nothing: the robot already knows the key is down. */
        if (event.type === "keydown" && event.repeat) return;
        if (event.type === "keydown") {
          this._held.set(event.code, event);
        } else {
          this._held.delete(event.code);
        }
        this._subscribers.emit(Keyboard._message(event.type, event, event.repeat));
      };
      /* Keys released while the page has no focus never reach us; without
       * synthetic keyups the robot would keep driving. */
      this._onBlur = () => {
        const held = Array.from(this._held.values());
        this._held.clear();
        for (const event of held) {
          this._subscribers.emit(Keyboard._message("keyup", event, false));
        }
      };

      target.addEventListener("keydown", this._onKey);
      target.addEventListener("keyup", this._onKey);
      target.addEventListener("blur", this._onBlur);
    }

    /** @private */
    static _message(type, event, repeat) {
      return {
        type,
        keyCode: event.keyCode,
        key: event.key,
        code: event.code,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        repeat: Boolean(repeat),
      };
    }

    /**
     * @param {function({type: string, keyCode: number, key: string,
     *   code: string, shiftKey: boolean, altKey: boolean, ctrlKey: boolean,
     *   metaKey: boolean, repeat: boolean}): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    subscribe(callback) {
      return this._subscribers.add(callback);
    }

    /**
     * @param {function(Object): void} callback
     */
    unsubscribe(callback) {
      this._subscribers.remove(callback);
    }

    /** Stops listening for keys. */
    close() {
      this._target.removeEventListener("keydown", this._onKey);
      this._target.removeEventListener("keyup", this._onKey);
      this._target.removeEventListener("blur", this._onBlur);
      this._held.clear();
      this._subscribers.clear();
    }
  }

  /**
   * Produces RTCBot-style gamepad events from the first connected gamepad:
   * {type: "btnN", value} and {type: "axisN", value}, emitted only on change.
   * The Gamepad API has no change events, hence the polling.
   */
  class Gamepad {
    constructor() {
      this._subscribers = new Subscribers();
      this._buttons = [];
      this._axes = [];
      this._frame = null;
      this._closed = false;
      this._raf = global.requestAnimationFrame
        ? global.requestAnimationFrame.bind(global)
        : (callback) => setTimeout(callback, 16);
      this._cancel = global.cancelAnimationFrame
        ? global.cancelAnimationFrame.bind(global)
        : clearTimeout;
      this._poll = () => {
        this._frame = null;
        if (this._closed) return;
        this._update();
        this._frame = this._raf(this._poll);
      };
      this._frame = this._raf(this._poll);
    }

    /** @private */
    _update() {
      const pads = navigator.getGamepads ? Array.from(navigator.getGamepads()) : [];
      const pad = pads.find((p) => p && p.connected);
      /* A pad unplugged mid-drive reports to rest, so the robot stops. */
      const buttons = pad ? pad.buttons.map((b) => {
        const value = round2(b.value);
        return b.pressed && value === 0 ? 1 : value;
      }) : this._buttons.map(() => 0);
      const axes = pad ? pad.axes.map((a) => {
        return Math.abs(a) < GAMEPAD_DEAD_ZONE ? 0 : round2(a);
      }) : this._axes.map(() => 0);

      buttons.forEach((value, i) => {
        if (this._buttons[i] === undefined ? value !== 0 : this._buttons[i] !== value) {
          this._subscribers.emit({ type: `btn${i}`, value });
        }
      });
      axes.forEach((value, i) => {
        if (this._axes[i] === undefined ? value !== 0 : this._axes[i] !== value) {
          this._subscribers.emit({ type: `axis${i}`, value });
        }
      });
      this._buttons = pad ? buttons : [];
      this._axes = pad ? axes : [];
    }

    /**
     * @param {function({type: string, value: number}): void} callback
     * @returns {function(): void} call it to unsubscribe
     */
    subscribe(callback) {
      return this._subscribers.add(callback);
    }

    /**
     * @param {function(Object): void} callback
     */
    unsubscribe(callback) {
      this._subscribers.remove(callback);
    }

    /** Stops polling. */
    close() {
      this._closed = true;
      if (this._frame !== null) this._cancel(this._frame);
      this._frame = null;
      this._subscribers.clear();
    }
  }

  /**
   * The `token` query parameter of the page's own URL, or null: the page of
   * a server with auth-token is opened as `http://robot:8080/?token=...`.
   * @returns {?string}
   */
  function pageToken() {
    try {
      return new URL(global.location.href).searchParams.get("token");
    } catch (err) {
      return null;
    }
  }

  /**
   * Connects `conn` to the server that served the page, the RTCBot way: POST
   * the offer as JSON to `url`, apply the JSON answer from the response.
   * @param {RTCConnection} conn
   * @param {string} [url="/connect"]
   * @param {?string} [token] the server's auth-token; by default the
   *   `token` query parameter of the page's URL
   * @returns {Promise<RTCConnection>} conn, once the answer is applied
   */
  async function connect(conn, url = "/connect", token = pageToken()) {
    const offer = await conn.getLocalDescription();
    /* No Content-Type: RTCBot's servers read the raw body, and a non-simple
     * content type would trigger a CORS preflight they do not answer. */
    const init = { method: "POST", body: JSON.stringify(offer) };
    let target = url;
    if (token) {
      const base = global.location ? global.location.href : undefined;
      const where = base ? new URL(url, base) : null;
      if (where && where.origin !== global.location.origin) {
        /* An Authorization header would need a CORS preflight too. */
        where.searchParams.set("token", token);
        target = where.href;
      } else {
        init.headers = { Authorization: `Bearer ${token}` };
      }
    }
    const response = await fetch(target, init);
    if (!response.ok) {
      let text = "";
      try {
        text = await response.text();
      } catch (err) {
        /* The status alone still explains the failure. */
      }
      throw new Error(`rtcbot: POST ${url} failed with HTTP ${response.status}` +
        (response.statusText ? ` ${response.statusText}` : "") +
        (text ? `: ${text}` : ""));
    }
    await conn.setRemoteDescription(await response.json());
    return conn;
  }

  global.rtcbot = { RTCConnection, MediaHandler, Keyboard, Gamepad, connect };
})(typeof window !== "undefined" ? window : globalThis);
