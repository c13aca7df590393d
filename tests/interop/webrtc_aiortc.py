#!/usr/bin/python3
# GStreamer RTCBot elements
# Copyright (C) 2026 gst-rtcbot developers
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.

"""rtcbotwebrtcbin against an independent WebRTC implementation,
python3-aiortc, in both roles, speaking RTCBot's wire protocol: the offer
and the answer are JSON {"type": ..., "sdp": ...} exchanged by one HTTP
POST /connect, ICE is not trickled (every candidate is in the SDP), the
offerer creates an ordered data channel labelled "default" that carries
JSON text.

- aiortc as the browser-like offerer, the element serving POST /connect
  (listen-port=0) and sending video from videotestsrc: JSON both ways,
  decoded 320x240 frames, peer-connected/peer-closed, a second connection,
  malformed offers (HTTP 400 + a bus warning), max-peers (HTTP 503).
- aiortc as the answerer behind an aiohttp POST /connect, the element
  offering to it (connect-url) with a video_sink_%u: rtcbot-ready, JSON both
  ways, decoded frames.
- The Harness class runs the aiortc offerer against the aiortc answerer,
  so a failure of the element tests can be told from a broken harness.

The GStreamer side is driven only through gi: parse_launch, the action
signals (put-json, get), properties and the bus. aiortc and aiohttp run in
an asyncio loop on a background thread; every wait is bounded, HTTP is on
127.0.0.1 on ports the OS picks and no STUN/TURN server is used (ICE uses
the host candidates of the machine).

Run by meson with /usr/bin/python3 and GST_PLUGIN_PATH_1_0 pointing at the
build tree. Exits 77 (skip) when gi, aiohttp or aiortc cannot be imported;
the element tests skip when rtcbotwebrtcbin is not found.
"""

import asyncio
import collections
import io
import json
import queue
import sys
import threading
import time
import unittest

try:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
except (ImportError, ValueError) as e:
    print("SKIP: cannot import Gst from gi: %s" % e)
    sys.exit(77)
try:
    import aiohttp
    from aiohttp import web
except ImportError as e:
    print("SKIP: cannot import aiohttp (Debian: python3-aiohttp): %s" % e)
    sys.exit(77)
try:
    import av
    from aiortc import (RTCConfiguration, RTCPeerConnection,
                        RTCSessionDescription, VideoStreamTrack)
    from aiortc.mediastreams import MediaStreamError
except ImportError as e:
    print("SKIP: cannot import aiortc (Debian: python3-aiortc): %s" % e)
    sys.exit(77)

Gst.init(None)

from interop import (aio, caps_name, describe, log, message_text,  # noqa: E402
                      parse_launch, payload, stop_aio)

TIMEOUT_S = 5.0                 # a message, an HTTP answer
TIMEOUT = int(TIMEOUT_S * Gst.SECOND)
CONNECT_TIMEOUT_S = 20.0        # ICE + DTLS + SCTP up to an open channel
FRAMES_TIMEOUT_S = 20.0         # the first FRAMES decoded frames
CLOSE_TIMEOUT_S = 30.0          # a peer's close seen by the other side
FRAMES = 5
WIDTH, HEIGHT = 320, 240
MAX_BODY = 1024 * 1024          # POST /connect bodies above this: 400
WARNING_INTERVAL_S = 1.1        # refused /connect: one bus warning a second

HAVE_ELEMENT = Gst.ElementFactory.find("rtcbotwebrtcbin") is not None
VIDEO_CAPS = "video/x-raw,width=%d,height=%d,framerate=15/1" % (WIDTH, HEIGHT)


# ---------------------------------------------------------------------------
# the asyncio side

def new_pc():
    # no STUN/TURN: host candidates only, nothing leaves the machine
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def sdp_summary(sdp):
    """'m=video ... sendonly; m=application ...; 4 candidates' for the
    diagnostics."""
    parts, direction, cands = [], None, 0
    for line in sdp.splitlines():
        if line.startswith("m="):
            if parts and direction:
                parts[-1] += " " + direction
            parts.append(" ".join(line.split()[:3]))
            direction = None
        elif line in ("a=sendrecv", "a=sendonly", "a=recvonly",
                      "a=inactive"):
            direction = line[2:]
        elif line.startswith("a=candidate:"):
            cands += 1
    if parts and direction:
        parts[-1] += " " + direction
    return "%s; %d candidates" % ("; ".join(parts), cands)


class TestVideoTrack(VideoStreamTrack):
    """320x240 frames at aiortc's 30 fps, a grey level that moves."""

    def __init__(self):
        super().__init__()
        self.n = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        level = (self.n * 7) % 256
        for i, p in enumerate(frame.planes):
            p.update(bytes([level if i == 0 else 128]) * p.buffer_size)
        self.n += 1
        frame.pts = pts
        frame.time_base = time_base
        return frame


class FrameCounter:
    """Reads a remote aiortc track until it ends, counting decoded frames
    by size."""

    def __init__(self):
        self.sizes = collections.Counter()
        self.kinds = []
        self.first_at = None
        self.started = time.monotonic()
        self.task = None

    def consume(self, track):
        self.kinds.append(track.kind)
        if track.kind != "video":
            return
        self.task = asyncio.ensure_future(self._run(track))

    async def _run(self, track):
        try:
            while True:
                frame = await track.recv()
                if self.first_at is None:
                    self.first_at = time.monotonic()
                self.sizes[(frame.width, frame.height)] += 1
        except MediaStreamError:
            pass

    def count(self, size=(WIDTH, HEIGHT)):
        return self.sizes[size]

    def wait(self, n=FRAMES, size=(WIDTH, HEIGHT), timeout=FRAMES_TIMEOUT_S):
        """True when n frames of size were decoded within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sizes[size] >= n:
                log("decoded %s after %.2f s (first frame after %s)",
                    dict(self.sizes), time.monotonic() - self.started,
                    "%.2f s" % (self.first_at - self.started)
                    if self.first_at else "-")
                return True
            time.sleep(0.05)
        log("decoded only %s in %.1f s (remote tracks: %s)",
            dict(self.sizes), timeout, self.kinds)
        return False


class AioPeer:
    """What both aiortc roles share: the peer connection, its "default"
    channel, received messages, decoded frames, the state history."""

    def _init_common(self):
        self.messages = queue.Queue()
        self.opened = threading.Event()
        self.channel_closed = threading.Event()
        self.frames = FrameCounter()
        self.states = []            # connectionState changes
        self.channel = None

    def _watch(self, pc):
        @pc.on("connectionstatechange")
        def on_state():
            self.states.append(pc.connectionState)

        @pc.on("track")
        def on_track(track):
            self.frames.consume(track)

    def _watch_channel(self, channel):
        self.channel = channel

        @channel.on("open")
        def on_open():
            self.opened.set()

        @channel.on("message")
        def on_message(message):
            self.messages.put(message)
            self.on_message(message)

        @channel.on("close")
        def on_close():
            self.channel_closed.set()

        if channel.readyState == "open":
            self.opened.set()

    def on_message(self, message):
        pass

    def wait_open(self, timeout=CONNECT_TIMEOUT_S):
        ok = self.opened.wait(timeout)
        if not ok:
            log("channel not open within %.1f s; connection states %s, "
                "channel %s", timeout, self.states,
                self.channel.readyState if self.channel else None)
        return ok

    def send(self, text):
        async def _send():
            self.channel.send(text)
        aio().run(_send())

    def recv(self, timeout=TIMEOUT_S):
        return self.messages.get(timeout=timeout)

    def close(self):
        aio().run(self.pc.close(), timeout=10)


class AioOfferer(AioPeer):
    """aiortc as RTCBot's browser-like client: creates the ordered "default"
    data channel, optionally a recvonly video transceiver or a sending video
    track, and offers by POST /connect."""

    def __init__(self, recv_video=True, send_video=False):
        self._init_common()

        async def _setup():
            self.pc = new_pc()
            self._watch(self.pc)
            self._watch_channel(
                self.pc.createDataChannel("default", ordered=True))
            if recv_video:
                self.pc.addTransceiver("video", direction="recvonly")
            if send_video:
                self.pc.addTrack(TestVideoTrack())
        aio().run(_setup())

    def offer(self):
        """The complete offer (aiortc gathers before returning) as RTCBot's
        JSON."""
        async def _offer():
            await self.pc.setLocalDescription(await self.pc.createOffer())
            d = self.pc.localDescription
            return json.dumps({"sdp": d.sdp, "type": d.type})
        return aio().run(_offer(), timeout=10)

    def accept(self, answer):
        async def _accept():
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
        aio().run(_accept(), timeout=10)

    def connect(self, url, content_type="text/plain;charset=UTF-8"):
        """Offers to url; returns (status, content type, body text) of the
        response and, on 200, applies the answer."""
        offer = self.offer()
        log("offer: %s", sdp_summary(json.loads(offer)["sdp"]))
        status, ctype, text = http_post(url, offer, content_type)
        log("POST %s -> %d %s", url, status, ctype)
        if status == 200:
            answer = json.loads(text)
            log("answer: %s", sdp_summary(answer.get("sdp", "")))
            self.answer = answer
            self.accept(answer)
        return status, ctype, text


def http_post(url, body, content_type=None, timeout=10):
    """POST body (str or bytes) to url with aiohttp; content_type None sends
    no Content-Type header at all. Returns (status, content type, text)."""
    if isinstance(body, str):
        body = body.encode()

    async def _post():
        headers = {}
        skip = ()
        if content_type is None:
            skip = ("Content-Type",)
        else:
            headers["Content-Type"] = content_type
        async with aiohttp.ClientSession(skip_auto_headers=skip) as session:
            # BytesIO: aiohttp warns about large bytes bodies
            async with session.post(url, data=io.BytesIO(body),
                                    headers=headers) as r:
                return (r.status, r.headers.get("Content-Type"),
                        await r.text(errors="replace"))
    return aio().run(_post(), timeout)


class AioAnswerPeer(AioPeer):
    """One connection of AioAnswerServer."""

    def __init__(self, echo):
        self._init_common()
        self.echo = echo
        self.channel_info = None        # (label, ordered, protocol)
        self.pc = new_pc()
        self._watch(self.pc)

        @self.pc.on("datachannel")
        def on_datachannel(channel):
            self.channel_info = (channel.label, channel.ordered,
                                 channel.protocol)
            self._watch_channel(channel)

    def on_message(self, message):
        if self.echo and isinstance(message, str):
            self.channel.send(message)


class AioAnswerServer:
    """RTCBot's server side with aiortc: POST /connect takes an offer as
    JSON, answers as JSON. send_video adds a 320x240 track; echo sends every
    text message back on "default". Malformed bodies get 400, like the
    element should. self.peers: AioAnswerPeer per accepted offer;
    self.requests: (content type, body length, status) per POST."""

    def __init__(self, send_video=False, echo=True):
        self.send_video = send_video
        self.echo = echo
        self.peers = []
        self.new_peers = queue.Queue()
        self.requests = queue.Queue()
        self.offers = []
        aio().run(self._start())

    async def _handler(self, request):
        body = await request.read()
        ctype = request.headers.get("Content-Type")
        status, text = 400, None
        try:
            if len(body) > MAX_BODY:
                text = "body of %d bytes, more than %d" % (len(body),
                                                          MAX_BODY)
                return web.Response(status=400, text=text)
            try:
                offer = json.loads(body)
            except ValueError as e:
                text = "not JSON: %s" % e
                return web.Response(status=400, text=text)
            if not isinstance(offer, dict) or not isinstance(
                    offer.get("sdp"), str):
                text = "no \"sdp\" string in the offer"
                return web.Response(status=400, text=text)
            self.offers.append(offer)
            # aiortc itself takes nearly anything as an SDP
            if (not offer["sdp"].startswith("v=0")
                    or "\nm=" not in offer["sdp"]):
                text = "bad SDP: no v=0 line or no m= section"
                return web.Response(status=400, text=text)
            peer = AioAnswerPeer(self.echo)
            try:
                await peer.pc.setRemoteDescription(RTCSessionDescription(
                    sdp=offer["sdp"], type=offer.get("type", "offer")))
            except Exception as e:
                await peer.pc.close()
                text = "bad SDP: %r" % e
                return web.Response(status=400, text=text)
            if self.send_video:
                peer.pc.addTrack(TestVideoTrack())
            await peer.pc.setLocalDescription(await peer.pc.createAnswer())
            self.peers.append(peer)
            self.new_peers.put(peer)
            d = peer.pc.localDescription
            status = 200
            return web.json_response({"sdp": d.sdp, "type": d.type})
        finally:
            self.requests.put((ctype, len(body), status, text))

    async def _start(self):
        # bigger than MAX_BODY, so the handler itself answers 400
        app = web.Application(client_max_size=4 * MAX_BODY)
        app.router.add_post("/connect", self._handler)
        self.runner = web.AppRunner(app, handle_signals=False)
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await self.site.start()
        self.port = self.site._server.sockets[0].getsockname()[1]
        self.url = "http://127.0.0.1:%d/connect" % self.port

    def wait_peer(self, timeout=CONNECT_TIMEOUT_S):
        return self.new_peers.get(timeout=timeout)

    def stop(self):
        async def _stop():
            for peer in self.peers:
                await peer.pc.close()
            await self.runner.cleanup()
        aio().run(_stop(), timeout=15)


# ---------------------------------------------------------------------------
# the GStreamer side

NOISE = (Gst.MessageType.STATE_CHANGED, Gst.MessageType.STREAM_STATUS,
         Gst.MessageType.LATENCY, Gst.MessageType.NEW_CLOCK,
         Gst.MessageType.ASYNC_DONE, Gst.MessageType.STREAM_START,
         Gst.MessageType.QOS, Gst.MessageType.TAG)


def describe_all(messages):
    return "\n  ".join(describe(m) for m in messages
                       if m.type not in NOISE) or "nothing"


class Bus:
    """Every message of a pipeline's bus, kept: wait() looks first at the
    messages not matched yet, in order, then pops more. So the order in
    which the element posts e.g. peer-connected and ready does not matter,
    and a message is matched once."""

    def __init__(self, pipeline):
        self.bus = pipeline.get_bus()
        self.history = []
        self.used = set()

    def _pop(self, timeout_s):
        msg = self.bus.timed_pop(int(max(timeout_s, 0) * Gst.SECOND))
        if msg is not None:
            self.history.append(msg)
        return msg

    def wait(self, predicate, timeout_s=TIMEOUT_S, what="message"):
        """The first message not matched yet for which predicate is true.
        An ERROR that does not match fails at once."""
        deadline = time.monotonic() + timeout_s
        i = 0
        while True:
            while i < len(self.history):
                msg = self.history[i]
                if i not in self.used and predicate(msg):
                    self.used.add(i)
                    return msg
                if i not in self.used and msg.type == Gst.MessageType.ERROR:
                    self.used.add(i)
                    raise AssertionError(
                        "ERROR on the bus while waiting for %s: %s" % (
                            what, describe(msg)))
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    "no %s on the bus within %.1f s; the bus had:\n  %s" % (
                        what, timeout_s, describe_all(self.history)))
            self._pop(left)

    def element(self, name, timeout_s=TIMEOUT_S):
        msg = self.wait(lambda m: m.type == Gst.MessageType.ELEMENT
                        and m.get_structure().get_name() == name,
                        timeout_s, name)
        log("bus: %s", describe(msg))
        return msg.get_structure()

    def warning(self, timeout_s=TIMEOUT_S):
        msg = self.wait(lambda m: m.type == Gst.MessageType.WARNING,
                        timeout_s, "WARNING")
        log("bus: %s", describe(msg))
        return message_text(msg)

    def drain(self):
        while self._pop(0) is not None:
            pass

    def of_type(self, t):
        return [m for m in self.history if m.type == t]

    def dump(self):
        self.drain()
        log("bus history:\n  %s", describe_all(self.history))


class WebRtcTestCase(unittest.TestCase):

    def setUp(self):
        self.pipelines = []
        self.buses = []
        self.cleanups = []
        log("")

    def tearDown(self):
        for bus in self.buses:
            bus.dump()
        for p in self.pipelines:
            p.set_state(Gst.State.NULL)
        for c in reversed(self.cleanups):
            try:
                c()
            except Exception as e:       # pragma: no cover - best effort
                log("cleanup failed: %r", e)

    def launch(self, description):
        log("pipeline: %s", description)
        pipeline = parse_launch(description)
        self.pipelines.append(pipeline)
        bus = Bus(pipeline)
        self.buses.append(bus)
        self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING),
                            Gst.StateChangeReturn.FAILURE,
                            "pipeline does not start")
        ret, _, _ = pipeline.get_state(int(TIMEOUT_S * Gst.SECOND))
        self.assertNotEqual(ret, Gst.StateChangeReturn.FAILURE)
        return pipeline, pipeline.get_by_name("w"), bus

    def server_element(self, extra=""):
        """rtcbotwebrtcbin serving POST /connect on a free port, sending
        videotestsrc. Returns pipeline, element, bus, /connect URL."""
        pipeline, w, bus = self.launch(
            "rtcbotwebrtcbin name=w listen-port=0 %s "
            "videotestsrc is-live=true pattern=ball ! %s ! w.video_sink_%%u"
            % (extra, VIDEO_CAPS))
        port = w.get_property("bound-port")
        log("bound-port %d", port)
        self.assertGreater(port, 0, "bound-port once PLAYING")
        w.emit("get", 0)                  # the default subscription
        return pipeline, w, bus, "http://127.0.0.1:%d/connect" % port

    def offerer(self, **kw):
        peer = AioOfferer(**kw)
        self.cleanups.append(peer.close)
        return peer

    def answer_server(self, **kw):
        server = AioAnswerServer(**kw)
        self.cleanups.append(server.stop)
        return server

    def get(self, w, timeout=TIMEOUT):
        sample = w.emit("get", timeout)
        self.assertIsNotNone(sample, "get: no message within %.1f s" % (
            timeout / Gst.SECOND))
        return sample

    def assert_json_sample(self, sample, expected):
        data = payload(sample)
        log("get: %s %r", sample.get_caps().to_string(), data)
        self.assertEqual(caps_name(sample), "application/x-json")
        self.assertEqual(json.loads(data), json.loads(expected))

    def assert_received(self, peer, expected):
        try:
            message = peer.recv()
        except queue.Empty:
            self.fail("aiortc received nothing on \"default\" within %.1f s"
                      % TIMEOUT_S)
        log("aiortc received %r", message)
        self.assertIsInstance(message, str,
                              "sent as a binary data channel message, not "
                              "text")
        self.assertEqual(json.loads(message), json.loads(expected))

    def assert_answer(self, status, ctype, text):
        self.assertEqual(status, 200, "POST /connect: %d %s" % (status,
                                                                text[:500]))
        answer = json.loads(text)
        self.assertEqual(answer.get("type"), "answer")
        self.assertIn("a=candidate:", answer.get("sdp", ""),
                      "answer without candidates (RTCBot does not trickle)")

    def peer_connects(self, bus, w, url, content_type, n):
        """One aiortc offerer connected to the element serving url: data
        both ways and FRAMES decoded frames. Returns (offerer, peer id)."""
        start = time.monotonic()
        peer = self.offerer()
        self.assert_answer(*peer.connect(url, content_type))
        self.assertTrue(peer.wait_open(), "aiortc's \"default\" channel "
                        "did not open")
        log("channel open after %.2f s", time.monotonic() - start)
        s = bus.element("rtcbot-peer-connected", CONNECT_TIMEOUT_S)
        peer_id = s.get_value("peer")
        log("peer %s address %r, element peers=%r ready=%r", peer_id,
            s.get_value("address"), w.get_property("peers"),
            w.get_property("ready"))

        hello = '{"hello": %d}' % n
        peer.send(hello)
        self.assert_json_sample(self.get(w), hello)
        to = '{"to":"aiortc"}'
        self.assertEqual(w.emit("put-json", to), Gst.FlowReturn.OK)
        self.assert_received(peer, to)
        self.assertTrue(peer.frames.wait(),
                        "aiortc decoded fewer than %d %dx%d frames: %s" % (
                            FRAMES, WIDTH, HEIGHT, dict(peer.frames.sizes)))
        return peer, peer_id

    def peer_closes(self, bus, peer, peer_id):
        start = time.monotonic()
        peer.close()
        s = bus.element("rtcbot-peer-closed", CLOSE_TIMEOUT_S)
        log("peer-closed %.2f s after aiortc closed", time.monotonic() - start)
        self.assertEqual(s.get_value("peer"), peer_id)


# ---------------------------------------------------------------------------
# the harness alone: aiortc offerer <-> aiortc answerer

class Harness(WebRtcTestCase):
    """The aiortc halves against each other, without GStreamer."""

    def test_offerer_receives_video_and_json(self):
        server = self.answer_server(send_video=True)
        peer = self.offerer()
        self.assert_answer(*peer.connect(server.url))
        self.assertTrue(peer.wait_open())
        remote = server.wait_peer()
        self.assertTrue(remote.wait_open())
        self.assertEqual(remote.channel_info, ("default", True, ""))
        peer.send('{"hello": 1}')
        self.assertEqual(remote.recv(), '{"hello": 1}')
        self.assertEqual(peer.recv(), '{"hello": 1}')       # the echo
        remote.send('{"to":"aiortc"}')
        self.assert_received(peer, '{"to":"aiortc"}')
        self.assertTrue(peer.frames.wait())
        start = time.monotonic()
        peer.close()
        closed = remote.channel_closed.wait(CLOSE_TIMEOUT_S)
        log("answerer saw the close after %.2f s: channel closed %s, "
            "states %s", time.monotonic() - start, closed, remote.states)
        self.assertTrue(closed)

    def test_answerer_receives_video(self):
        server = self.answer_server()
        peer = self.offerer(recv_video=False, send_video=True)
        self.assert_answer(*peer.connect(server.url, None))
        self.assertEqual(server.requests.get(timeout=1)[0], None,
                         "a Content-Type was sent")
        remote = server.wait_peer()
        self.assertTrue(remote.wait_open())
        self.assertTrue(remote.frames.wait())

    def test_malformed_offers_get_400(self):
        server = self.answer_server()
        for what, body in MALFORMED:
            with self.subTest(what):
                status, ctype, text = http_post(server.url, body)
                log("%s: %d %s %r", what, status, ctype, text[:200])
                self.assertEqual(status, 400)
                self.assertTrue(text.strip())
        self.assert_answer(*self.offerer().connect(server.url,
                                                   "application/json"))


MALFORMED = [
    ("not JSON", b"this is not JSON {"),
    ("no sdp", json.dumps({"type": "offer"})),
    ("bad SDP", json.dumps({"type": "offer", "sdp": "this is not an SDP"})),
    ("over 1 MiB", json.dumps({"type": "offer", "sdp": "v=0\r\na=x-pad:"
                               + "x" * MAX_BODY + "\r\n"})),
]


# ---------------------------------------------------------------------------
# the element

@unittest.skipUnless(HAVE_ELEMENT, "rtcbotwebrtcbin not found "
                     "(GST_PLUGIN_PATH_1_0 should hold ext/webrtc)")
class ElementAnswers(WebRtcTestCase):
    """aiortc offers like RTCBot's browser client; the element answers on
    POST /connect and sends videotestsrc.

    aiortc 1.4 (which is also what RTCBot's own Python client runs) offers
    one ICE/DTLS transport per m-section, each with its own ice-ufrag, yet
    lists them all in an a=group:BUNDLE line; it then brings its transports
    up one after the other, so every m-section's transport has to complete
    DTLS for the data channel to open. After pc.close() (SCTP ABORT, DTLS
    close_notify) it sends nothing more."""

    def test_json_video_and_close(self):
        pipeline, w, bus, url = self.server_element()
        peer, peer_id = self.peer_connects(bus, w, url,
                                           "text/plain;charset=UTF-8", 1)
        self.peer_closes(bus, peer, peer_id)

    def test_second_connection(self):
        pipeline, w, bus, url = self.server_element()
        peer, peer_id = self.peer_connects(bus, w, url,
                                           "text/plain;charset=UTF-8", 1)
        self.peer_closes(bus, peer, peer_id)
        # RTCBot's python client posts without a Content-Type here
        peer2, peer_id2 = self.peer_connects(bus, w, url, None, 2)
        self.assertNotEqual(peer_id2, peer_id)
        self.peer_closes(bus, peer2, peer_id2)

    def test_malformed_offers(self):
        pipeline, w, bus, url = self.server_element()
        for i, (what, body) in enumerate(MALFORMED):
            if i:
                # the element posts at most one such warning a second
                time.sleep(WARNING_INTERVAL_S)
            with self.subTest(what):
                try:
                    status, ctype, text = http_post(url, body)
                except aiohttp.ClientError as e:
                    self.fail("%s: no HTTP response: %r" % (what, e))
                log("%s (%d bytes): %d %s %r", what, len(body), status,
                    ctype, text[:200])
                # an oversize body is refused from its Content-Length
                self.assertEqual(status,
                                 413 if what == "over 1 MiB" else 400)
                self.assertTrue(text.strip(), "refusal with an empty body")
                bus.warning()
        bus.drain()
        self.assertEqual(bus.of_type(Gst.MessageType.ERROR), [])
        peer, peer_id = self.peer_connects(bus, w, url, "application/json", 1)
        self.assertFalse(w.get_property("closed"))

    def test_max_peers(self):
        pipeline, w, bus, url = self.server_element("max-peers=1")
        peer, peer_id = self.peer_connects(bus, w, url, "application/json",
                                           1)
        second = self.offerer()
        status, ctype, text = second.connect(url, "application/json")
        log("second POST: %d %s %r", status, ctype, text[:200])
        self.assertEqual(status, 503)
        # the first peer is not affected
        peer.send('{"still": 1}')
        self.assert_json_sample(self.get(w), '{"still": 1}')
        self.assertEqual(w.emit("put-json", '{"back": 1}'), Gst.FlowReturn.OK)
        self.assert_received(peer, '{"back": 1}')

    def test_autolinked_video_sink(self):
        # the pipeline of the issue, linked by caps: the raw video must end
        # on a video_sink_%u pad, not on a message sink_%u
        pipeline, w, bus = self.launch(
            "videotestsrc is-live=true pattern=ball ! %s ! "
            "rtcbotwebrtcbin name=w listen-port=0" % VIDEO_CAPS)
        pads = [p.get_name() for p in w.sinkpads]
        log("sink pads: %s", pads)
        self.assertTrue(any(p.startswith("video_sink_") for p in pads), pads)


@unittest.skipUnless(HAVE_ELEMENT, "rtcbotwebrtcbin not found "
                     "(GST_PLUGIN_PATH_1_0 should hold ext/webrtc)")
class ElementOffers(WebRtcTestCase):
    """The element offers (connect-url) to an RTCBot-style server answering
    with aiortc."""

    def test_json_and_video(self):
        server = self.answer_server()
        start = time.monotonic()
        pipeline, w, bus = self.launch(
            "rtcbotwebrtcbin name=w connect-url=%s "
            "videotestsrc is-live=true pattern=ball ! %s ! w.video_sink_%%u"
            % (server.url, VIDEO_CAPS))
        w.emit("get", 0)                  # the default subscription
        s = bus.element("rtcbot-ready", CONNECT_TIMEOUT_S)
        log("ready after %.2f s", time.monotonic() - start)
        self.assertTrue(s.get_value("ready"))
        self.assertTrue(w.get_property("ready"))
        ctype, size, status, text = server.requests.get(timeout=1)
        log("the element posted %d bytes, Content-Type %r -> %d %s",
            size, ctype, status, text or "")
        offer = server.offers[0]
        self.assertEqual(offer.get("type"), "offer")
        log("offer: %s", sdp_summary(offer["sdp"]))
        self.assertIn("a=candidate:", offer["sdp"],
                      "offer without candidates (RTCBot does not trickle)")
        remote = server.wait_peer()
        self.assertTrue(remote.wait_open())
        self.assertEqual(remote.channel_info[:2], ("default", True),
                         "the element's channel: (label, ordered)")

        to = '{"to":"aiortc"}'
        self.assertEqual(w.emit("put-json", to), Gst.FlowReturn.OK)
        self.assert_received(remote, to)
        self.assert_json_sample(self.get(w), to)            # the echo
        remote.send('{"from": "aiortc"}')
        self.assert_json_sample(self.get(w), '{"from": "aiortc"}')
        self.assertTrue(remote.frames.wait(),
                        "aiortc decoded fewer than %d %dx%d frames: %s" % (
                            FRAMES, WIDTH, HEIGHT, dict(remote.frames.sizes)))


if __name__ == "__main__":
    try:
        result = unittest.main(exit=False, verbosity=2).result
    finally:
        stop_aio()
    sys.exit(0 if result.wasSuccessful() else 1)
