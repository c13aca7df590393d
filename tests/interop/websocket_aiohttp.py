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

"""rtcbotwebsocketbin against an independent websocket implementation,
python3-aiohttp, in both roles (issue 3, item 5).

The GStreamer side is driven only through gi: parse_launch, the action
signals (put, put-string, put-json, get), properties and the bus. aiohttp
runs in an asyncio loop on a background thread; every wait is bounded and
everything listens on 127.0.0.1, on ports the OS picks.

Run by meson with /usr/bin/python3 and GST_PLUGIN_PATH_1_0 pointing at the
build tree. Exits 77 (skip) when gi or aiohttp cannot be imported.
"""

import asyncio
import json
import os
import queue
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
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

Gst.init(None)

from interop import (aio, caps_name, describe, message_text,  # noqa: E402
                      parse_launch, payload, stop_aio)

TIMEOUT_S = 5.0
TIMEOUT = int(TIMEOUT_S * Gst.SECOND)


# ---------------------------------------------------------------------------
# the asyncio side

class AioServer:
    """An aiohttp websocket server at /ws on 127.0.0.1. Received messages
    (aiohttp WSMessage) go to self.received; self.peers holds the open
    WebSocketResponse objects. accept_delay: seconds before the handshake
    is answered."""

    def __init__(self, port=0, accept_delay=0.0, max_msg_size=4 * 1024 * 1024,
                 ssl_context=None):
        self.ssl_context = ssl_context
        self.received = queue.Queue()
        self.closed = queue.Queue()     # (close_code) per connection
        self.peers = []
        self.accept_delay = accept_delay
        self.max_msg_size = max_msg_size
        self.connected = threading.Event()
        aio().run(self._start(port))

    async def _handler(self, request):
        if self.accept_delay:
            await asyncio.sleep(self.accept_delay)
        ws = web.WebSocketResponse(max_msg_size=self.max_msg_size)
        await ws.prepare(request)
        self.peers.append(ws)
        self.connected.set()
        async for msg in ws:
            self.received.put(msg)
        # close_peer() breaks the loop above from another task, then sends
        # its close frame: returning first would make aiohttp close with
        # 1000 instead
        for _ in range(500):
            if ws.closed:
                break
            await asyncio.sleep(0.01)
        self.closed.put(ws.close_code)
        if ws in self.peers:
            self.peers.remove(ws)
        return ws

    async def _start(self, port):
        app = web.Application()
        app.router.add_get("/ws", self._handler)
        self.runner = web.AppRunner(app, handle_signals=False)
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, "127.0.0.1", port,
                                ssl_context=self.ssl_context)
        await self.site.start()
        self.port = self.site._server.sockets[0].getsockname()[1]
        self.url = "%s://127.0.0.1:%d/ws" % (
            "wss" if self.ssl_context else "ws", self.port)

    def send_str(self, text, peer=0):
        aio().run(self.peers[peer].send_str(text))

    def send_bytes(self, data, peer=0):
        aio().run(self.peers[peer].send_bytes(data))

    def close_peer(self, code=1000, message=b"bye", peer=0):
        aio().run(self.peers[peer].close(code=code, message=message))

    def recv(self, timeout=TIMEOUT_S):
        return self.received.get(timeout=timeout)

    def stop(self):
        async def _stop():
            for ws in list(self.peers):
                await ws.close()
            await self.runner.cleanup()
        aio().run(_stop(), timeout=10)


class AioClient:
    """An aiohttp websocket client connected to url."""

    def __init__(self, url, max_msg_size=4 * 1024 * 1024):
        async def _connect():
            self.session = aiohttp.ClientSession()
            try:
                self.ws = await self.session.ws_connect(
                    url, max_msg_size=max_msg_size, autoping=True)
            except BaseException:
                await self.session.close()
                raise
        aio().run(_connect())

    def send_str(self, text):
        aio().run(self.ws.send_str(text))

    def send_bytes(self, data):
        aio().run(self.ws.send_bytes(data))

    def recv(self, timeout=TIMEOUT_S):
        return aio().run(self.ws.receive(timeout=timeout), timeout + 1)

    def close(self):
        async def _close():
            await self.ws.close()
            await self.session.close()
        aio().run(_close())


# ---------------------------------------------------------------------------
# the GStreamer side

def fd_count():
    return len(os.listdir("/proc/self/fd"))


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def free_port():
    """A port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WsTestCase(unittest.TestCase):

    def setUp(self):
        self.pipelines = []
        self.cleanups = []

    def tearDown(self):
        for p in self.pipelines:
            p.set_state(Gst.State.NULL)
        for c in reversed(self.cleanups):
            try:
                c()
            except Exception as e:       # pragma: no cover - best effort
                print("cleanup failed: %s" % e)

    def launch(self, description, play=True):
        pipeline = parse_launch(description)
        self.pipelines.append(pipeline)
        if play:
            self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING),
                                Gst.StateChangeReturn.FAILURE)
        return pipeline, pipeline.get_by_name("ws")

    def server_bin(self, extra=""):
        pipeline, ws = self.launch(
            "rtcbotwebsocketbin name=ws mode=server listen-port=0 " + extra)
        port = ws.get_property("bound-port")
        self.assertGreater(port, 0)
        ws.emit("get", 0)                 # the default subscription
        return pipeline, ws, "ws://127.0.0.1:%d/ws" % port

    def aio_server(self, **kw):
        server = AioServer(**kw)
        self.cleanups.append(server.stop)
        return server

    def aio_client(self, url, **kw):
        client = AioClient(url, **kw)
        self.cleanups.append(client.close)
        return client

    def wait_message(self, pipeline, predicate, timeout_s=TIMEOUT_S,
                     types=Gst.MessageType.ANY):
        """Pops bus messages until predicate(msg) is true; returns that
        message and every message popped before it."""
        bus = pipeline.get_bus()
        deadline = time.monotonic() + timeout_s
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("no matching bus message within %.1f s; saw %s" % (
                    timeout_s, [describe(m) for m in seen]))
            msg = bus.timed_pop_filtered(int(left * Gst.SECOND), types)
            if msg is None:
                continue
            seen.append(msg)
            if predicate(msg):
                return msg, seen

    def wait_element_message(self, pipeline, name, timeout_s=TIMEOUT_S):
        def match(m):
            return (m.type == Gst.MessageType.ELEMENT
                    and m.get_structure().get_name() == name)
        msg, _ = self.wait_message(pipeline, match, timeout_s)
        return msg.get_structure()

    def wait_ready(self, pipeline):
        s = self.wait_element_message(pipeline, "rtcbot-ready")
        self.assertTrue(s.get_value("ready"))

    def get(self, ws, timeout=TIMEOUT):
        sample = ws.emit("get", timeout)
        self.assertIsNotNone(sample, "no message within the timeout")
        return sample

    def client_bin(self, url, extra="", play=True):
        pipeline, ws = self.launch(
            "rtcbotwebsocketbin name=ws url=%s %s" % (url, extra), play)
        return pipeline, ws


# ---------------------------------------------------------------------------

class JsonRoundTrip(WsTestCase):

    DICT = '{"name": "rtcbot", "values": [1, 2.5, true, null], "nested": {"k": "v\\u00e9"}}'
    STRING = '"just a JSON string"'

    def test_bin_client_aiohttp_server(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url)
        self.wait_ready(pipeline)
        self.assertEqual(ws.emit("put-json", self.DICT), Gst.FlowReturn.OK)
        self.assertEqual(ws.emit("put-string", self.STRING), Gst.FlowReturn.OK)
        for expected in (self.DICT, self.STRING):
            msg = server.recv()
            self.assertEqual(msg.type, aiohttp.WSMsgType.TEXT)
            self.assertEqual(msg.data, expected)

        ws.emit("get", 0)
        server.send_str(self.DICT)
        server.send_str(self.STRING)
        for expected in (self.DICT, self.STRING):
            sample = self.get(ws)
            self.assertEqual(caps_name(sample), "application/x-json")
            self.assertEqual(payload(sample).decode(), expected)

    def test_bin_server_aiohttp_client(self):
        pipeline, ws, url = self.server_bin()
        client = self.aio_client(url)
        s = self.wait_element_message(pipeline, "rtcbot-peer-connected")
        self.assertTrue(s.get_value("address").startswith("127.0.0.1:"))

        client.send_str(self.DICT)
        client.send_str(self.STRING)
        for expected in (self.DICT, self.STRING):
            sample = self.get(ws)
            self.assertEqual(caps_name(sample), "application/x-json")
            self.assertEqual(payload(sample).decode(), expected)

        self.assertEqual(ws.emit("put-json", self.DICT), Gst.FlowReturn.OK)
        self.assertEqual(ws.emit("put-string", self.STRING), Gst.FlowReturn.OK)
        for expected in (self.DICT, self.STRING):
            msg = client.recv()
            self.assertEqual(msg.type, aiohttp.WSMsgType.TEXT)
            self.assertEqual(msg.data, expected)

        client.close()
        self.wait_element_message(pipeline, "rtcbot-peer-closed")


BINARY = bytes(range(256)) * 64 + b"\x00\xff"       # 16 KiB + 2, every byte
TEXT = "plain text, not JSON: h\u00e9llo \u4e16\u754c \U0001F600 {"


class RawLossless(WsTestCase):

    def check_incoming(self, ws):
        sample = self.get(ws)
        self.assertEqual(caps_name(sample), "text/x-raw")
        self.assertEqual(sample.get_caps().get_structure(0)
                         .get_value("format"), "utf8")
        self.assertEqual(payload(sample).decode("utf-8"), TEXT)
        sample = self.get(ws)
        self.assertEqual(caps_name(sample), "application/octet-stream")
        self.assertEqual(payload(sample), BINARY)

    def put_outgoing(self, ws):
        self.assertEqual(ws.emit("put-string", TEXT), Gst.FlowReturn.OK)
        self.assertEqual(ws.emit("put", Gst.Buffer.new_wrapped(BINARY)),
                         Gst.FlowReturn.OK)

    def check_received(self, recv):
        msg = recv()
        self.assertEqual(msg.type, aiohttp.WSMsgType.TEXT)
        self.assertEqual(msg.data, TEXT)
        msg = recv()
        self.assertEqual(msg.type, aiohttp.WSMsgType.BINARY)
        self.assertEqual(msg.data, BINARY)

    def test_bin_server_aiohttp_client(self):
        pipeline, ws, url = self.server_bin("json=false")
        client = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")
        client.send_str(TEXT)
        client.send_bytes(BINARY)
        self.check_incoming(ws)
        self.put_outgoing(ws)
        self.check_received(client.recv)
        self.assertEqual(ws.get_property("invalid-messages"), 0)

    def test_bin_client_aiohttp_server(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url, "json=false")
        ws.emit("get", 0)
        self.wait_ready(pipeline)
        self.put_outgoing(ws)
        self.check_received(server.recv)
        server.send_str(TEXT)
        server.send_bytes(BINARY)
        self.check_incoming(ws)


class SendBeforeConnect(WsTestCase):

    def test_put_before_the_server_accepts(self):
        # the server answers the handshake only after 0.5 s
        server = self.aio_server(accept_delay=0.5)
        pipeline, ws = self.client_bin(server.url, play=False)
        # NULL state: nothing runs yet
        self.assertEqual(ws.emit("put-json", '{"n": 0}'), Gst.FlowReturn.OK)
        self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING),
                            Gst.StateChangeReturn.FAILURE)
        # PLAYING, handshake under way
        self.assertFalse(ws.get_property("ready"))
        self.assertEqual(ws.emit("put-json", '{"n": 1}'), Gst.FlowReturn.OK)
        self.assertEqual(ws.emit("put-string", '{"n": 2}'), Gst.FlowReturn.OK)
        self.assertFalse(server.connected.is_set())
        for n in range(3):
            msg = server.recv()
            self.assertEqual(msg.data, '{"n": %d}' % n)
        self.assertTrue(ws.get_property("ready"))


class InvalidJson(WsTestCase):

    def check(self, pipeline, ws, send):
        send("{not json")
        msg, _ = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.WARNING)
        text = message_text(msg)
        self.assertIn("{not json", text)
        self.assertIn("invalid JSON", text)
        send('{"still": "connected"}')
        sample = self.get(ws)
        self.assertEqual(payload(sample), b'{"still": "connected"}')
        self.assertEqual(ws.get_property("invalid-messages"), 1)

    def test_from_aiohttp_client(self):
        pipeline, ws, url = self.server_bin()
        client = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")
        self.check(pipeline, ws, client.send_str)
        # and the connection is still there in the other direction
        ws.emit("put-json", '{"back": 1}')
        self.assertEqual(client.recv().data, '{"back": 1}')
        # outgoing: put-json refuses invalid JSON, put-string's is dropped
        # on the way out and counted; neither reaches the peer
        self.assertEqual(ws.emit("put-json", "{nope"), Gst.FlowReturn.ERROR)
        ws.emit("put-string", "{nope either")
        ws.emit("put-json", '{"back": 2}')
        self.assertEqual(client.recv().data, '{"back": 2}')
        self.assertEqual(ws.get_property("invalid-messages"), 2)

    def test_from_aiohttp_server(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url)
        ws.emit("get", 0)
        self.wait_ready(pipeline)
        self.assertTrue(server.connected.wait(TIMEOUT_S))
        self.check(pipeline, ws, server.send_str)
        self.assertTrue(ws.get_property("ready"))
        self.assertFalse(ws.get_property("closed"))


class Oversize(WsTestCase):
    """An oversize frame closes only that peer with code 1009
    and a warning naming the limit.  Beyond libsoup's own cut-off (four
    times max-message-size, at least 1 MiB above it) libsoup 3.2 drops the
    connection without a close frame, which a peer sees as 1006."""

    LIMIT = 1024

    def test_bin_server_closes_only_that_client(self):
        pipeline, ws, url = self.server_bin(
            "max-message-size=%d" % self.LIMIT)
        big = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")
        small = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")

        big.send_str('"%s"' % ("x" * (2 * self.LIMIT)))
        msg = big.recv()
        self.assertIn(msg.type, (aiohttp.WSMsgType.CLOSE,
                                 aiohttp.WSMsgType.CLOSED,
                                 aiohttp.WSMsgType.CLOSING,
                                 aiohttp.WSMsgType.ERROR))
        code = big.ws.close_code
        print("aiohttp client saw %s, close code %s" % (msg.type, code),
              file=sys.stderr)
        self.assertEqual(code, 1009)

        msg, seen = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.WARNING)
        self.assertIn(str(self.LIMIT), message_text(msg))
        self.wait_element_message(pipeline, "rtcbot-peer-closed")

        # the other client is not affected, both ways
        small.send_str('{"small": true}')
        self.assertEqual(payload(self.get(ws)), b'{"small": true}')
        ws.emit("put-json", '{"to": "small"}')
        self.assertEqual(small.recv().data, '{"to": "small"}')

    def test_bin_client_oversize_from_aiohttp_server(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url,
                                       "max-message-size=%d" % self.LIMIT)
        self.wait_ready(pipeline)
        self.assertTrue(server.connected.wait(TIMEOUT_S))
        server.send_str('"%s"' % ("y" * (2 * self.LIMIT)))
        s = self.wait_element_message(pipeline, "rtcbot-closed")
        reason = s.get_value("reason")
        self.assertIn("1009", reason)
        self.assertTrue(ws.get_property("closed"))

    def test_bin_server_far_beyond_the_limit(self):
        pipeline, ws, url = self.server_bin(
            "max-message-size=%d" % self.LIMIT)
        big = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")
        try:
            big.send_str('"%s"' % ("z" * (3 * 1024 * 1024)))
        except aiohttp.ClientOSError:
            pass    # the server may reset before the whole frame is out
        msg, seen = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.WARNING)
        self.assertIn(str(self.LIMIT), message_text(msg))
        self.wait_element_message(pipeline, "rtcbot-peer-closed")
        self.assertFalse(ws.get_property("closed"))


class Burst(WsTestCase):
    """A burst faster than the application reads: the default fifo of 64
    drops the oldest; raising incoming::max-buffers through the child proxy
    keeps all of it, in order."""

    N = 2000

    def burst(self, extra):
        pipeline, ws, url = self.server_bin(extra)
        client = self.aio_client(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")

        async def _send():
            for i in range(self.N):
                await client.ws.send_str('{"n": %d}' % i)
        aio().run(_send())
        # the last message tells when the burst has arrived
        client.send_str('"end"')
        got = []
        while True:
            data = payload(self.get(ws))
            if data == b'"end"':
                return got
            got.append(json.loads(data)["n"])

    def test_unbounded_incoming_keeps_every_message(self):
        got = self.burst("incoming::max-buffers=0")
        self.assertEqual(got, list(range(self.N)))

    def test_default_fifo_keeps_order(self):
        got = self.burst("")
        self.assertEqual(got, sorted(got))
        self.assertTrue(got, "nothing arrived")


class PeerClose(WsTestCase):

    def test_aiohttp_server_closes(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url)
        ws.emit("get", 0)
        self.wait_ready(pipeline)
        self.assertTrue(server.connected.wait(TIMEOUT_S))
        server.close_peer(code=1000, message=b"bye")
        s = self.wait_element_message(pipeline, "rtcbot-closed")
        reason = s.get_value("reason")
        self.assertIn("1000", reason)
        self.assertIn("bye", reason)
        self.wait_message(pipeline, lambda m: m.type == Gst.MessageType.EOS)
        self.assertTrue(ws.get_property("closed"))
        self.assertIsNone(ws.emit("get", Gst.SECOND))

    def test_aiohttp_server_closes_with_code_4000(self):
        server = self.aio_server()
        pipeline, ws = self.client_bin(server.url)
        self.wait_ready(pipeline)
        self.assertTrue(server.connected.wait(TIMEOUT_S))
        server.close_peer(code=4000, message=b"app-specific")
        s = self.wait_element_message(pipeline, "rtcbot-closed")
        self.assertIn("4000", s.get_value("reason"))
        self.assertIn("app-specific", s.get_value("reason"))
        self.wait_message(pipeline, lambda m: m.type == Gst.MessageType.EOS)


class Errors(WsTestCase):

    def test_connection_refused(self):
        url = "ws://127.0.0.1:%d/ws" % free_port()
        pipeline, ws = self.client_bin(url)
        msg, _ = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.ERROR)
        err, dbg = msg.parse_error()
        self.assertIn(url, err.message)
        self.assertIn("refused", (err.message + (dbg or "")).lower())

    def test_port_in_use(self):
        server = self.aio_server()
        pipeline = parse_launch(
            "rtcbotwebsocketbin name=ws mode=server listen-port=%d" % server.port)
        self.pipelines.append(pipeline)
        self.assertEqual(pipeline.set_state(Gst.State.PLAYING),
                         Gst.StateChangeReturn.FAILURE)
        msg, _ = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.ERROR)
        err, _ = msg.parse_error()
        self.assertIn(str(server.port), err.message)
        self.assertIn("127.0.0.1", err.message)
        # aiohttp still serves
        client = self.aio_client(server.url)
        client.send_str('{"ok": 1}')
        self.assertEqual(server.recv().data, '{"ok": 1}')


def self_signed_context(directory):
    """An ssl.SSLContext serving a fresh self-signed certificate for
    CN/SAN 127.0.0.1, generated with the openssl CLI in directory."""
    key = os.path.join(directory, "key.pem")
    cert = os.path.join(directory, "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1",
         "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-addext", "basicConstraints=critical,CA:FALSE"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        timeout=10)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


@unittest.skipIf(shutil.which("openssl") is None,
                 "needs the openssl CLI (Debian: openssl)")
class Tls(WsTestCase):
    """wss:// against an aiohttp server with a self-signed certificate
    (docs: tls-validation, "TLS (client)")."""

    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory(prefix="rtcbot-tls-")
        cls.ssl_context = self_signed_context(cls.tmpdir.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmpdir.cleanup()

    def tls_server(self):
        server = self.aio_server(ssl_context=self.ssl_context)
        self.assertTrue(server.url.startswith("wss://127.0.0.1:"))
        return server

    def round_trip(self, pipeline, ws, server):
        ws.emit("get", 0)
        self.wait_ready(pipeline)
        self.assertTrue(ws.get_property("ready"))
        self.assertTrue(server.connected.wait(TIMEOUT_S))
        self.assertEqual(ws.emit("put-json", JsonRoundTrip.DICT),
                         Gst.FlowReturn.OK)
        msg = server.recv()
        self.assertEqual(msg.type, aiohttp.WSMsgType.TEXT)
        self.assertEqual(msg.data, JsonRoundTrip.DICT)
        server.send_str(JsonRoundTrip.STRING)
        sample = self.get(ws)
        self.assertEqual(caps_name(sample), "application/x-json")
        self.assertEqual(payload(sample).decode(), JsonRoundTrip.STRING)

    def test_wss_self_signed_without_validation(self):
        server = self.tls_server()
        pipeline, ws = self.client_bin(server.url, "tls-validation=false")
        self.round_trip(pipeline, ws, server)

    def test_https_url_is_wss(self):
        server = self.tls_server()
        url = "https://127.0.0.1:%d/ws" % server.port
        pipeline, ws = self.client_bin(url, "tls-validation=false")
        self.round_trip(pipeline, ws, server)

    def test_wss_self_signed_untrusted_by_default(self):
        server = self.tls_server()
        pipeline, ws = self.client_bin(server.url)
        self.assertTrue(ws.get_property("tls-validation"))     # the default
        msg, seen = self.wait_message(
            pipeline, lambda m: m.type == Gst.MessageType.ERROR)
        err, dbg = msg.parse_error()
        print("untrusted certificate: %s / %s" % (err.message, dbg),
              file=sys.stderr)
        self.assertIn(server.url, err.message)
        self.assertIn("certificate is not trusted", err.message)
        self.assertNotIn("rtcbot-ready",
                         [m.get_structure().get_name() for m in seen
                          if m.type == Gst.MessageType.ELEMENT])
        self.assertFalse(ws.get_property("ready"))
        self.assertFalse(server.connected.is_set())


class ConnectCycles(WsTestCase):

    CYCLES = 100

    def cycle(self, pipeline, ws, url, i):
        client = AioClient(url)
        self.wait_element_message(pipeline, "rtcbot-peer-connected")
        client.send_str('{"cycle": %d}' % i)
        self.assertEqual(payload(self.get(ws)), b'{"cycle": %d}' % i)
        ws.emit("put-json", '{"ack": %d}' % i)
        self.assertEqual(client.recv().data, '{"ack": %d}' % i)
        client.close()
        self.wait_element_message(pipeline, "rtcbot-peer-closed")

    def test_no_fd_or_memory_growth(self):
        pipeline, ws, url = self.server_bin()
        for i in range(10):               # warm-up: lazy allocations
            self.cycle(pipeline, ws, url, i)
        fds, rss = fd_count(), rss_kib()
        start = time.monotonic()
        for i in range(self.CYCLES):
            self.cycle(pipeline, ws, url, i)
        elapsed = time.monotonic() - start
        fds_after, rss_after = fd_count(), rss_kib()
        print("%d cycles in %.2f s: fds %d -> %d, RSS %d -> %d KiB" % (
            self.CYCLES, elapsed, fds, fds_after, rss, rss_after),
            file=sys.stderr)
        self.assertLessEqual(fds_after, fds + 5)
        # generous: libsoup 3.2 leaks one small GSocket per accepted
        # connection (see the docs), Python's allocator keeps arenas
        self.assertLess(rss_after - rss, 8 * 1024)


if __name__ == "__main__":
    try:
        result = unittest.main(exit=False, verbosity=2).result
    finally:
        stop_aio()
    sys.exit(0 if result.wasSuccessful() else 1)
