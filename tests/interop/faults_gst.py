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

"""The GStreamer side of the fault tests: a bus that keeps what it saw,
a watchdog, state cycles and pad churn while data flows.

Imported before gi by the fault tests: G_DEBUG=fatal-criticals makes any
GLib critical (a g_return_if_fail that failed, a bad unref) abort the
test process, so "no criticals" is checked by the process surviving."""

import faulthandler
import os
import socket
import sys
import threading
import time
import unittest

if "fatal-criticals" not in os.environ.get("G_DEBUG", ""):
    os.environ["G_DEBUG"] = ",".join(
        f for f in (os.environ.get("G_DEBUG"), "fatal-criticals") if f)

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)

from interop import describe, log, parse_launch  # noqa: E402

TIMEOUT_S = 5.0
STATE_TIMEOUT = 10 * Gst.SECOND
# a test that takes longer than this is deadlocked: dump every thread's
# Python stack and exit 1
WATCHDOG_S = float(os.environ.get("FAULTS_WATCHDOG_S", 120))

NOISE = (Gst.MessageType.STATE_CHANGED, Gst.MessageType.STREAM_STATUS,
         Gst.MessageType.LATENCY, Gst.MessageType.NEW_CLOCK,
         Gst.MessageType.ASYNC_DONE, Gst.MessageType.STREAM_START,
         Gst.MessageType.QOS, Gst.MessageType.TAG)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_element(msg, name):
    return (msg.type == Gst.MessageType.ELEMENT
            and msg.get_structure().get_name() == name)


class Bus:
    """Every message of a pipeline's bus, kept; wait() matches each
    message once, in order, looking at the kept ones first."""

    def __init__(self, pipeline):
        self.bus = pipeline.get_bus()
        self.history = []
        self.used = set()

    def pop(self, timeout_s=0):
        msg = self.bus.timed_pop(int(max(timeout_s, 0) * Gst.SECOND))
        if msg is not None:
            self.history.append(msg)
        return msg

    def drain(self):
        while self.pop(0) is not None:
            pass

    def wait(self, predicate, timeout_s=TIMEOUT_S, what="message"):
        deadline = time.monotonic() + timeout_s
        i = 0
        while True:
            while i < len(self.history):
                if i not in self.used and predicate(self.history[i]):
                    self.used.add(i)
                    return self.history[i]
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.pop(left)

    def must(self, predicate, timeout_s=TIMEOUT_S, what="message"):
        msg = self.wait(predicate, timeout_s, what)
        if msg is None:
            raise AssertionError("no %s on the bus within %.1f s; it had:"
                                 "\n  %s" % (what, timeout_s, self.text()))
        return msg

    def element(self, name, timeout_s=TIMEOUT_S):
        return self.must(lambda m: is_element(m, name), timeout_s,
                         name).get_structure()

    def count(self, t, name=None):
        return len([m for m in self.history if m.type == t and (
            name is None or m.get_structure().get_name() == name)])

    def of_type(self, t):
        return [m for m in self.history if m.type == t]

    def text(self):
        return "\n  ".join(describe(m) for m in self.history
                           if m.type not in NOISE) or "nothing"


class FaultTestCase(unittest.TestCase):

    def setUp(self):
        self.pipelines = []
        self.cleanups = []
        faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
        log("")

    def tearDown(self):
        for c in reversed(self.cleanups):
            try:
                c()
            except Exception as e:      # pragma: no cover - best effort
                log("cleanup failed: %r", e)
        for p in self.pipelines:
            p.set_state(Gst.State.NULL)
        faulthandler.cancel_dump_traceback_later()

    def launch(self, description, play=True):
        pipeline = parse_launch(description)
        self.pipelines.append(pipeline)
        bus = Bus(pipeline)
        if play:
            self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING),
                                Gst.StateChangeReturn.FAILURE)
        return pipeline, bus

    def serve(self, description, name):
        """Launches a server element named name: the pipeline, its bus, the
        element and the port it listens on."""
        pipeline, bus = self.launch(description)
        element = pipeline.get_by_name(name)
        port = element.get_property("bound-port")
        self.assertGreater(port, 0)
        return pipeline, bus, element, port

    def get(self, element, timeout_s=TIMEOUT_S):
        sample = element.emit("get", int(timeout_s * Gst.SECOND))
        self.assertIsNotNone(sample, "no message within %.1f s" % timeout_s)
        return sample

    def idle_connections(self, port, path):
        """idle_connections() to the server at port, closed after the
        test."""
        socks = idle_connections(port, path)
        self.cleanups.append(lambda: [s.close() for s in socks])
        return socks

    def peer(self, *args):
        from faults_peers import PeerProcess
        p = PeerProcess(*args)
        self.cleanups.append(p.kill)
        return p

    def assert_no_error(self, bus):
        bus.drain()
        self.assertEqual([describe(m) for m in
                          bus.of_type(Gst.MessageType.ERROR)], [])

    def set_state(self, element, state):
        ret = element.set_state(state)
        self.assertNotEqual(ret, Gst.StateChangeReturn.FAILURE,
                            "%s to %s" % (element.get_name(), state))
        ret, cur, _ = element.get_state(STATE_TIMEOUT)
        self.assertNotEqual(ret, Gst.StateChangeReturn.FAILURE)
        self.assertNotEqual(ret, Gst.StateChangeReturn.ASYNC,
                            "%s: no state change to %s within %d s" % (
                                element.get_name(), state,
                                STATE_TIMEOUT // Gst.SECOND))

    def state_cycles(self, pipeline, bus, n, playing_s=0.0, count=None):
        """n NULL->PLAYING->NULL cycles, PLAYING for playing_s seconds (or
        playing_s(i) for cycle i); returns the seconds taken and in how
        many cycles the element message count was posted."""
        # the bus is flushed on READY->NULL: count as messages are posted
        posted = []
        if count:
            pbus = pipeline.get_bus()
            pbus.enable_sync_message_emission()
            handler = pbus.connect(
                "sync-message::element",
                lambda b, m: posted.append(1) if
                m.get_structure().get_name() == count else None)
        start = time.monotonic()
        seen = 0
        for i in range(n):
            self.set_state(pipeline, Gst.State.PLAYING)
            wait = playing_s(i) if callable(playing_s) else playing_s
            if wait:
                time.sleep(wait)
            self.set_state(pipeline, Gst.State.NULL)
            bus.drain()
            self.assertEqual([describe(m) for m in
                              bus.of_type(Gst.MessageType.ERROR)], [])
            if posted:
                seen += 1
                del posted[:]
            del bus.history[:]
            bus.used.clear()
        took = time.monotonic() - start
        if count:
            pbus.disconnect(handler)
            pbus.disable_sync_message_emission()
        return took, seen


class Putter:
    """A thread calling put-string on element as fast as it is accepted
    (a flow return other than OK is normal while stopped), until stop()."""

    def __init__(self, element, signal="put-string"):
        self.element = element
        self.signal = signal
        self.running = True
        self.puts = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            self.element.emit(self.signal, '{"put": %d}' % self.puts)
            self.puts += 1
            if self.puts % 64 == 0:
                time.sleep(0.001)

    def stop(self):
        self.running = False
        self.thread.join(10)
        assert not self.thread.is_alive(), "put-string blocked"


def churn_pads(pipeline, element, feed, n):
    """n times: request a src_%u of element linked to a new fakesink and a
    sink_%u fed by a new src pad of the rtcbotsrc feed, let data flow a
    moment, then unlink and release them all (while PLAYING)."""
    has_src = element.get_pad_template("src_%u") is not None
    has_sink = element.get_pad_template("sink_%u") is not None
    for i in range(n):
        sink = None
        if has_src:
            srcpad = element.request_pad_simple("src_%u")
            sink = Gst.ElementFactory.make("fakesink")
            sink.set_property("sync", False)
            sink.set_property("async", False)
            pipeline.add(sink)
            sink.sync_state_with_parent()
            assert srcpad.link(sink.get_static_pad("sink")) == \
                Gst.PadLinkReturn.OK
        if has_sink:
            feedpad = feed.request_pad_simple("src_%u")
            sinkpad = element.request_pad_simple("sink_%u")
            assert feedpad.link(sinkpad) == Gst.PadLinkReturn.OK
            if element.find_property("active-pad") is not None:
                element.set_property("active-pad", sinkpad)
        time.sleep(0.002)
        if has_sink:
            feedpad.unlink(sinkpad)
            feed.release_request_pad(feedpad)
            element.release_request_pad(sinkpad)
        if has_src:
            srcpad.unlink(sink.get_static_pad("sink"))
            element.release_request_pad(srcpad)
            sink.set_state(Gst.State.NULL)
            pipeline.remove(sink)


def half_open(port, data):
    s = socket.create_connection(("127.0.0.1", port), 5)
    if data:
        s.sendall(data)
    return s


def closed_by_server(s, wait_s):
    """True when the server closed s within wait_s."""
    s.settimeout(wait_s)
    try:
        return s.recv(4096) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def idle_connections(port, path, n=50):
    """n connections to port that stall: a third only connected, a third
    in the request line, a third in the headers of a websocket upgrade;
    and two that trickle their request a byte at a time."""
    socks = [Trickle(port, path), Trickle(port, path)]
    for i in range(n):
        kind = i % 3
        if kind == 0:
            data = b""
        elif kind == 1:
            data = ("GET %s HTT" % path).encode()
        else:
            data = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Upgrade: websocket\r\n" % path).encode()
        socks.append(half_open(port, data))
    return socks


class Trickle:
    """A slowloris: a request whose bytes come one at a time (sent by
    assert_idle_connections_closed, every 0.5 s)."""

    def __init__(self, port, path):
        self.sock = half_open(port, b"")
        self.data = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % path +
                     "X-Slow: " + "a" * 4096).encode()

    def send_one(self):
        try:
            self.sock.send(self.data[:1])
            self.data = self.data[1:]
        except OSError:
            pass

    def close(self):
        self.sock.close()


def read_until_closed(s, wait_s):
    """True when the server closed s within wait_s; whatever it sent first
    (a ping, an error page) is read and ignored."""
    deadline = time.monotonic() + wait_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        s.settimeout(left)
        try:
            if s.recv(65536) == b"":
                return True
        except socket.timeout:
            return False
        except OSError:
            return True


def assert_idle_connections_closed(test, socks, wait_s):
    """The server must have closed every one of socks within wait_s: idle,
    half-open and trickling (slowloris) connections are timed out."""
    start = time.monotonic()
    closed_at = {}
    while time.monotonic() - start < wait_s and len(closed_at) < len(socks):
        for i, s in enumerate(socks):
            if i in closed_at:
                continue
            if isinstance(s, Trickle):
                s.send_one()
            if read_until_closed(getattr(s, "sock", s), 0.001):
                closed_at[i] = time.monotonic() - start
        time.sleep(0.5)
    still_open = [i for i in range(len(socks)) if i not in closed_at]
    log("%d of %d idle/half-open/trickling connections closed by the "
        "server (the last after %.1f s), %d still open after %.0f s",
        len(closed_at), len(socks), max(closed_at.values(), default=0),
        len(still_open), wait_s)
    test.assertEqual(still_open, [])


def run_main():
    from interop import stop_aio
    try:
        result = unittest.main(exit=False, verbosity=2).result
    finally:
        stop_aio()
    sys.exit(0 if result.wasSuccessful() else 1)
