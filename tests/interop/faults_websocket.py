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

"""Fault tests of rtcbotwebsocketbin, rtcbotsrc and rtcbotsink (issue 7):

- an aiohttp peer in its own process SIGKILLed mid-stream, in both roles
  (server: that peer's rtcbot-peer-closed, the next client is served;
  client: rtcbot-closed + EOS, or with reconnect=true a warning and a new
  connection once a server is back on the same port);
- 1000 websocket connect/disconnect cycles against a server bin: this
  process's fds, threads and RSS before and after;
- 100 NULL->PLAYING->NULL cycles of each element while data flows, and
  request/release of the message pads while data flows;
- idle, half-open and trickling (slowloris) HTTP connections to the server
  bin closed after request-timeout, an upgraded client answering no ping
  closed after three keepalive-intervals, and max-peers.

Every peer listens or connects on 127.0.0.1 only; every wait is bounded and
a watchdog ends a deadlocked test. G_DEBUG=fatal-criticals (set by
faults_gst) turns any GLib critical into a crash. Exits 77 (skip) when gi
or aiohttp cannot be imported.
"""

import sys
import time

try:
    import faults_gst
    from faults_gst import (FaultTestCase, Gst, Putter, churn_pads,
                            assert_idle_connections_closed, free_port,
                            half_open, read_until_closed,
                            run_main)
except (ImportError, ValueError) as e:
    print("SKIP: cannot import Gst from gi: %s" % e)
    sys.exit(77)
try:
    from faults_peers import process_figures
except ImportError as e:
    print("SKIP: cannot import aiohttp (Debian: python3-aiohttp): %s" % e)
    sys.exit(77)

from interop import describe, log  # noqa: E402

KILL_NOTICE_S = 10.0            # a SIGKILLed peer's socket is closed by
                                # its kernel: seen at once on 127.0.0.1


def ws_url(port):
    return "ws://127.0.0.1:%d/ws" % port


class WsFaultTestCase(FaultTestCase):

    def server_bin(self, extra=""):
        return self.serve(
            "rtcbotwebsocketbin name=ws mode=server listen-port=0 " + extra, "ws")

    def client_bin(self, url, extra=""):
        pipeline, bus = self.launch(
            "rtcbotwebsocketbin name=ws url=%s %s" % (url, extra))
        return pipeline, bus, pipeline.get_by_name("ws")


TIMEOUT = faults_gst.TIMEOUT_S


class PeerKilled(WsFaultTestCase):

    def test_server_client_killed(self):
        pipeline, bus, ws, port = self.server_bin()
        ws.emit("get", 0)
        client = self.peer("ws-client", ws_url(port))
        client.expect("open")
        peer = bus.element("rtcbot-peer-connected").get_value("peer")
        self.get(ws)
        start = time.monotonic()
        client.kill()
        s = bus.element("rtcbot-peer-closed", KILL_NOTICE_S)
        log("server: rtcbot-peer-closed %.3f s after SIGKILL (%s)",
            time.monotonic() - start, s.to_string())
        self.assertEqual(s.get_value("peer"), peer)
        bus.drain()
        warnings = bus.of_type(Gst.MessageType.WARNING)
        log("warnings: %s", [describe(m) for m in warnings])
        self.assertLessEqual(len(warnings), 1)
        self.assert_no_error(bus)
        self.assertFalse(ws.get_property("closed"))
        self.assertTrue(ws.get_property("ready"))

        # the pipeline still serves a new client, both ways
        client2 = self.peer("ws-client", ws_url(port))
        client2.expect("open")
        bus.element("rtcbot-peer-connected")
        self.get(ws)
        self.assertEqual(ws.emit("put-json", '{"to": "client2"}'),
                         Gst.FlowReturn.OK)
        self.assertEqual(pipeline.get_state(0)[1], Gst.State.PLAYING)
        self.assert_no_error(bus)

    def test_client_server_killed(self):
        server = self.peer("ws-server", 0)
        port = int(server.expect("port")[1])
        pipeline, bus, ws = self.client_bin(ws_url(port))
        ws.emit("get", 0)
        bus.element("rtcbot-ready")
        self.get(ws)
        start = time.monotonic()
        server.kill()
        s = bus.element("rtcbot-closed", KILL_NOTICE_S)
        log("client: rtcbot-closed %.3f s after SIGKILL, reason %r",
            time.monotonic() - start, s.get_value("reason"))
        bus.must(lambda m: m.type == Gst.MessageType.EOS, TIMEOUT, "EOS")
        log("client: EOS %.3f s after SIGKILL", time.monotonic() - start)
        self.assertTrue(ws.get_property("closed"))
        self.assertFalse(ws.get_property("ready"))
        bus.drain()
        log("bus: %s", bus.text())
        self.assert_no_error(bus)

    def test_client_reconnects_after_server_killed(self):
        server = self.peer("ws-server", 0)
        port = int(server.expect("port")[1])
        pipeline, bus, ws = self.client_bin(
            ws_url(port), "reconnect=true reconnect-min=100 "
            "reconnect-max=400")
        ws.emit("get", 0)
        s = bus.element("rtcbot-ready")
        self.assertTrue(s.get_value("ready"))
        self.get(ws)
        start = time.monotonic()
        server.kill()
        warning = bus.must(lambda m: m.type == Gst.MessageType.WARNING,
                           KILL_NOTICE_S, "WARNING")
        log("client: %s %.3f s after SIGKILL", describe(warning),
            time.monotonic() - start)
        s = bus.element("rtcbot-ready", KILL_NOTICE_S)
        self.assertFalse(s.get_value("ready"))
        self.assertFalse(ws.get_property("ready"))
        # a few failed attempts while nothing listens
        time.sleep(1.0)
        self.assertEqual(ws.emit("put-json", '{"queued": 1}'),
                         Gst.FlowReturn.OK)

        server2 = self.peer("ws-server", port)
        self.assertEqual(int(server2.expect("port")[1]), port)
        restarted = time.monotonic()
        s = bus.element("rtcbot-ready", 10)
        log("client: ready again %.3f s after the new server listened",
            time.monotonic() - restarted)
        self.assertTrue(s.get_value("ready"))
        server2.expect("open")
        # data from the new server: drop what the old one sent before
        while True:
            sample = self.get(ws)
            buf = sample.get_buffer()
            if buf.extract_dup(0, buf.get_size()) == b'{"n": 0}':
                break
        bus.drain()
        log("bus: %s", bus.text())
        self.assertEqual(bus.count(Gst.MessageType.EOS), 0)
        self.assertEqual(bus.count(Gst.MessageType.ELEMENT, "rtcbot-closed"),
                         0)
        self.assertFalse(ws.get_property("closed"))
        self.assert_no_error(bus)


class Cycles(WsFaultTestCase):

    WARMUP = 20
    CYCLES = 1000

    def run_cycles(self, bus, port, n):
        client = self.peer("ws-cycles", ws_url(port), n)
        took = float(client.expect("done", 120)[1])
        # every peer-closed posted; count this run's
        deadline = time.monotonic() + 30
        while bus.count(Gst.MessageType.ELEMENT, "rtcbot-peer-closed") < \
                self.closed + n and time.monotonic() < deadline:
            bus.pop(0.1)
        self.closed += n
        self.assertEqual(bus.count(Gst.MessageType.ELEMENT,
                                   "rtcbot-peer-closed"), self.closed)
        return took

    def test_connect_disconnect_cycles(self):
        pipeline, bus, ws, port = self.server_bin()
        self.closed = 0
        self.run_cycles(bus, port, self.WARMUP)
        before = process_figures()
        took = self.run_cycles(bus, port, self.CYCLES)
        after = process_figures()
        print("websocket server, %d connect/send/close cycles in %.2f s: "
              "fds %d -> %d, threads %d -> %d, RSS %d -> %d KiB" % (
                  self.CYCLES, took, before[0], after[0], before[1],
                  after[1], before[2], after[2]), file=sys.stderr)
        self.assertLessEqual(after[0], before[0] + 10)
        self.assertLessEqual(after[1], before[1] + 5)
        self.assertLessEqual(after[2], before[2] + 30 * 1024)
        self.assertEqual(bus.count(Gst.MessageType.ELEMENT,
                                   "rtcbot-peer-connected"),
                         self.WARMUP + self.CYCLES)
        self.assert_no_error(bus)


class StateCycles(WsFaultTestCase):
    """Every element survives NULL->PLAYING->NULL 100 times, here
    while data is put and a peer connects."""

    CYCLES = 100

    def report(self, what, took, putter):
        took, seen = took
        print("%s: %d NULL->PLAYING->NULL cycles in %.2f s, %d puts%s" % (
            what, self.CYCLES, took, putter.puts,
            ", a peer connected in %d cycles" % seen if seen else ""),
            file=sys.stderr)
        return seen

    def test_rtcbotsrc_rtcbotsink(self):
        pipeline, bus = self.launch(
            "rtcbotsrc name=s ! rtcbotsink name=k", play=False)
        src = pipeline.get_by_name("s")
        sink = pipeline.get_by_name("k")
        putter = Putter(src)
        getter = Putter(sink)       # direct puts into the consumer too
        took = self.state_cycles(pipeline, bus, self.CYCLES, 0.005)
        putter.stop()
        getter.stop()
        self.report("rtcbotsrc ! rtcbotsink", took, putter)

    def test_websocket_server(self):
        port = free_port()
        pipeline, bus = self.launch(
            "rtcbotwebsocketbin name=ws mode=server listen-port=%d" % port,
            play=False)
        ws = pipeline.get_by_name("ws")
        self.peer("ws-hammer", ws_url(port))
        putter = Putter(ws)
        took = self.state_cycles(pipeline, bus, self.CYCLES, 0.02,
                                 "rtcbot-peer-connected")
        putter.stop()
        self.assertGreater(
            self.report("rtcbotwebsocketbin server", took, putter), 0)

    def test_websocket_client(self):
        server = self.peer("ws-server", 0)
        port = int(server.expect("port")[1])
        pipeline, bus = self.launch(
            "rtcbotwebsocketbin name=ws url=%s" % ws_url(port), play=False)
        ws = pipeline.get_by_name("ws")
        putter = Putter(ws)
        took = self.state_cycles(pipeline, bus, self.CYCLES, 0.02,
                                 "rtcbot-ready")
        putter.stop()
        self.assertGreater(
            self.report("rtcbotwebsocketbin client", took, putter), 0)


class PadChurn(WsFaultTestCase):
    """Request/release of message pads while data is put and flows."""

    N = 200

    def churn(self, description, name, pipeline=None, bus=None):
        if pipeline is None:
            pipeline, bus = self.launch(description)
        element = pipeline.get_by_name(name)
        feed = pipeline.get_by_name("feed")
        putters = [Putter(feed), Putter(element)]
        start = time.monotonic()
        churn_pads(pipeline, element, feed, self.N)
        for p in putters:
            p.stop()
        print("%s: %d pad request/release rounds in %.2f s" % (
            name, self.N, time.monotonic() - start), file=sys.stderr)
        self.assert_no_error(bus)
        return pipeline, bus, element

    def test_rtcbotsrc(self):
        # element and feed are both producers here
        self.churn("rtcbotsrc name=feed rtcbotsrc name=e "
                   "e.src_0 ! fakesink async=false", "e")

    def test_rtcbotsink(self):
        self.churn("rtcbotsrc name=feed ! rtcbotsink name=e", "e")

    def test_websocket_server_with_client(self):
        pipeline, bus = self.launch(
            "rtcbotsrc name=feed rtcbotwebsocketbin name=e mode=server "
            "listen-port=0 json=false")
        port = pipeline.get_by_name("e").get_property("bound-port")
        client = self.peer("ws-client", ws_url(port))
        client.expect("open")
        bus.element("rtcbot-peer-connected")
        self.churn(None, "e", pipeline, bus)
        self.assertIsNone(client.proc.poll(), "the client was dropped")

    def test_websocket_client(self):
        server = self.peer("ws-server", 0)
        port = int(server.expect("port")[1])
        self.churn("rtcbotsrc name=feed rtcbotwebsocketbin name=e "
                   "url=%s json=false" % ws_url(port), "e")


class Slowloris(WsFaultTestCase):

    def test_max_clients_with_idle_connections(self):
        """Half-open HTTP connections are no websocket clients: they take
        no max-peers slot, and clients are served beside them."""
        pipeline, bus, ws, port = self.server_bin("max-peers=2")
        ws.emit("get", 0)
        self.idle_connections(port, "/ws")
        clients = [self.peer("ws-client", ws_url(port)) for _ in range(2)]
        for c in clients:
            c.expect("open")
        bus.element("rtcbot-peer-connected")
        bus.element("rtcbot-peer-connected")
        self.get(ws)
        third = self.peer("ws-client", ws_url(port))
        with self.assertRaises(AssertionError):
            third.expect("open", 3)
        self.assertNotEqual(third.proc.wait(5), 0)
        warning = bus.must(lambda m: m.type == Gst.MessageType.WARNING,
                           TIMEOUT, "max-peers WARNING")
        log("third client: %s", describe(warning))
        self.assertIn("503", describe(warning))
        # idle upgraded websockets (open, never sending) fill the slots
        # like any client; freeing one lets the next in
        clients[0].kill()
        bus.element("rtcbot-peer-closed", KILL_NOTICE_S)
        fourth = self.peer("ws-client", ws_url(port))
        fourth.expect("open")
        self.assert_no_error(bus)

    def test_half_open_connections_time_out(self):
        """Idle, half-open and trickling (slowloris) connections are closed
        after request-timeout; upgraded websockets are not."""
        pipeline, bus, ws, port = self.server_bin("request-timeout=2")
        ws.emit("get", 0)
        client = self.peer("ws-client", ws_url(port))
        client.expect("open")
        bus.element("rtcbot-peer-connected")
        socks = self.idle_connections(port, "/ws")
        assert_idle_connections_closed(self, socks, 10)
        self.assertEqual(bus.count(Gst.MessageType.ELEMENT,
                                   "rtcbot-peer-closed"), 0)
        ws.emit("get", 0)
        self.get(ws)
        self.assert_no_error(bus)

    def test_silent_websocket_times_out(self):
        """An upgraded client that answers no ping for three
        keepalive-intervals is disconnected (a peer that vanished); one
        that answers stays."""
        # the idle limit does not depend on request-timeout
        pipeline, bus, ws, port = self.server_bin(
            "keepalive-interval=1 request-timeout=0")
        ws.emit("get", 0)
        client = self.peer("ws-client", ws_url(port))
        client.expect("open")
        first = bus.element("rtcbot-peer-connected")
        silent = half_open(port, (
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.cleanups.append(silent.close)
        second = bus.element("rtcbot-peer-connected")
        start = time.monotonic()
        self.assertTrue(read_until_closed(silent, 10),
                        "a websocket answering no ping stayed open")
        closed = bus.element("rtcbot-peer-closed", 5)
        log("silent websocket closed by the server after %.1f s",
            time.monotonic() - start)
        self.assertEqual(closed.get_value("peer"), second.get_value("peer"))
        self.assertNotEqual(closed.get_value("peer"), first.get_value("peer"))
        ws.emit("get", 0)
        self.get(ws)
        self.assertEqual(bus.count(Gst.MessageType.ELEMENT,
                                   "rtcbot-peer-closed"), 1)
        self.assert_no_error(bus)

if __name__ == "__main__":
    run_main()
