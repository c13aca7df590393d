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

"""rtcbotsrc and rtcbotsink driven the way a Python application drives
them: only through action signals, properties and bus messages
(docs/rtcbotsrc.md, docs/rtcbotsink.md).

Run by meson with GST_PLUGIN_PATH_1_0 pointing at the build tree. Exits 77
(skip) only when GStreamer's introspection bindings cannot be imported.
"""

import sys
import time
import unittest

try:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
except (ImportError, ValueError) as e:
    print("SKIP: cannot import Gst from gi: %s" % e)
    sys.exit(77)

Gst.init(None)

JSON_CAPS = Gst.Caps.from_string("application/x-json")
TEXT_CAPS = Gst.Caps.from_string("text/x-raw, format=(string)utf8")
BYTES_CAPS = Gst.Caps.from_string("application/octet-stream")

# every wait is bounded so a broken element fails instead of hanging
TIMEOUT = 5 * Gst.SECOND


def make(factory, **props):
    element = Gst.ElementFactory.make(factory, None)
    if element is None:
        raise AssertionError(
            "cannot create %s: is GST_PLUGIN_PATH_1_0 set to the build "
            "tree?" % factory)
    for name, value in props.items():
        element.set_property(name.replace("_", "-"), value)
    return element


def payload(sample):
    buf = sample.get_buffer()
    return buf.extract_dup(0, buf.get_size())


def wait_until(predicate, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


class RtcbotTestCase(unittest.TestCase):

    def setUp(self):
        self.pipelines = []

    def tearDown(self):
        for pipeline in self.pipelines:
            pipeline.set_state(Gst.State.NULL)
        self.pipelines = []

    def launch(self, description, state=Gst.State.PLAYING):
        pipeline = Gst.parse_launch(description)
        self.pipelines.append(pipeline)
        self.assertNotEqual(pipeline.set_state(state),
                            Gst.StateChangeReturn.FAILURE)
        ret, _, _ = pipeline.get_state(TIMEOUT)
        self.assertIn(ret, (Gst.StateChangeReturn.SUCCESS,
                            Gst.StateChangeReturn.NO_PREROLL))
        return pipeline

    def in_pipeline(self, *elements):
        """Puts lone elements in a pipeline, for its bus."""
        pipeline = Gst.Pipeline.new(None)
        self.pipelines.append(pipeline)
        for element in elements:
            pipeline.add(element)
        return pipeline

    def assertSample(self, sample, caps, data):
        self.assertIsNotNone(sample, "no message")
        self.assertIsInstance(sample, Gst.Sample)
        self.assertTrue(sample.get_caps().is_equal(caps),
                        "caps %s, expected %s" % (
                            sample.get_caps().to_string(), caps.to_string()))
        self.assertEqual(payload(sample), data)

    def pop_element_message(self, bus, name, source=None,
                            timeout=TIMEOUT):
        """The next element message called @name (from @source), skipping
        other messages."""
        deadline = time.monotonic() + timeout / Gst.SECOND
        while True:
            left = max(0, deadline - time.monotonic())
            msg = bus.timed_pop_filtered(int(left * Gst.SECOND),
                                         Gst.MessageType.ELEMENT)
            if msg is None:
                self.fail("no %s message" % name)
            if not msg.get_structure().has_name(name):
                continue
            if source is not None and msg.src != source:
                continue
            return msg.get_structure()

    def collect_element_messages(self, bus, name, sources,
                                 timeout=TIMEOUT):
        """The first @name element message of each of @sources, in any
        order, keyed by source."""
        found = {}
        deadline = time.monotonic() + timeout / Gst.SECOND
        while len(found) < len(sources):
            left = max(0, deadline - time.monotonic())
            msg = bus.timed_pop_filtered(int(left * Gst.SECOND),
                                         Gst.MessageType.ELEMENT)
            if msg is None:
                self.fail("no %s message from %s" % (name, ", ".join(
                    s.get_name() for s in sources if s not in found)))
            if (msg.get_structure().has_name(name) and msg.src in sources
                    and msg.src not in found):
                found[msg.src] = msg.get_structure()
        return found

    def pop_warning(self, bus, timeout=TIMEOUT):
        msg = bus.timed_pop_filtered(timeout, Gst.MessageType.WARNING)
        self.assertIsNotNone(msg, "no warning posted")
        err, _debug = msg.parse_warning()
        return err.message


class TestRtcbotSrc(RtcbotTestCase):

    def test_put_json_then_get(self):
        src = make("rtcbotsrc", default_autosubscribe=True)
        self.in_pipeline(src).set_state(Gst.State.PLAYING)
        ret = src.emit("put-json", '{"a": 1}')
        self.assertEqual(ret, Gst.FlowReturn.OK)
        self.assertSample(src.emit("get", Gst.SECOND), JSON_CAPS,
                          b'{"a": 1}')
        self.assertIsNone(src.emit("get", 0))

    def test_put_string_and_put(self):
        src = make("rtcbotsrc", default_autosubscribe=True)
        text = "h\u00e9llo, w\u00f6rld"
        self.assertEqual(src.emit("put-string", text), Gst.FlowReturn.OK)
        self.assertEqual(src.emit("put", Gst.Buffer.new_wrapped(b"\x00\xff")),
                         Gst.FlowReturn.OK)
        self.assertSample(src.emit("get", Gst.SECOND), TEXT_CAPS,
                          text.encode("utf-8"))
        self.assertSample(src.emit("get", Gst.SECOND), BYTES_CAPS,
                          b"\x00\xff")

    def test_default_subscription_starts_at_first_get(self):
        src = make("rtcbotsrc")
        self.assertFalse(src.get_property("default-autosubscribe"))
        self.assertEqual(src.emit("put-json", '{"lost": 1}'),
                         Gst.FlowReturn.OK)
        # nobody subscribed: gone (RTCBot semantics); this get subscribes
        self.assertIsNone(src.emit("get", 0))
        self.assertEqual(src.emit("put-json", '{"kept": 2}'),
                         Gst.FlowReturn.OK)
        self.assertSample(src.emit("get", Gst.SECOND), JSON_CAPS,
                          b'{"kept": 2}')

    def test_unsubscribe(self):
        src = make("rtcbotsrc", default_autosubscribe=True)
        self.assertEqual(src.emit("put-json", "1"), Gst.FlowReturn.OK)
        src.emit("unsubscribe")
        # what the old subscription held is gone with it
        self.assertIsNone(src.emit("get", 0))
        self.assertEqual(src.emit("put-json", "2"), Gst.FlowReturn.OK)
        self.assertSample(src.emit("get", Gst.SECOND), JSON_CAPS, b"2")

    def test_invalid_json(self):
        src = make("rtcbotsrc", default_autosubscribe=True)
        pipeline = self.in_pipeline(src)
        self.assertEqual(src.emit("put-json", '{"a": }'),
                         Gst.FlowReturn.ERROR)
        text = self.pop_warning(pipeline.get_bus())
        self.assertIn("line 1, column", text)
        self.assertIsNone(src.emit("get", 0), "invalid JSON was sent")
        # the next valid one goes through
        self.assertEqual(src.emit("put-json", "[]"), Gst.FlowReturn.OK)
        self.assertSample(src.emit("get", Gst.SECOND), JSON_CAPS, b"[]")

    def test_close(self):
        src = make("rtcbotsrc", default_autosubscribe=True)
        pipeline = self.in_pipeline(src)
        pipeline.set_state(Gst.State.PLAYING)
        bus = pipeline.get_bus()
        self.assertFalse(src.get_property("closed"))
        self.assertEqual(src.emit("put-json", "1"), Gst.FlowReturn.OK)
        src.emit("close")
        src.emit("close")
        self.assertTrue(src.get_property("closed"))
        self.assertFalse(src.get_property("ready"))
        closed = self.pop_element_message(bus, "rtcbot-closed", src)
        self.assertIsInstance(closed.get_string("reason"), str)
        # closed once only
        msg = bus.timed_pop_filtered(50 * Gst.MSECOND,
                                     Gst.MessageType.ELEMENT)
        while msg is not None:
            self.assertFalse(msg.get_structure().has_name("rtcbot-closed"),
                             "rtcbot-closed posted twice")
            msg = bus.timed_pop_filtered(0, Gst.MessageType.ELEMENT)
        self.assertEqual(src.emit("put-json", "2"), Gst.FlowReturn.EOS)
        # what was put before the close is still there, then nothing
        self.assertSample(src.emit("get", Gst.SECOND), JSON_CAPS, b"1")
        start = time.monotonic()
        self.assertIsNone(src.emit("get", Gst.SECOND))
        self.assertLess(time.monotonic() - start, 0.5,
                        "get waited on a closed producer")

    def test_pad_properties(self):
        src = make("rtcbotsrc")
        pad = src.request_pad_simple("src_%u")
        self.assertIsNotNone(pad)
        self.assertEqual(pad.get_property("policy").value_nick, "fifo")
        self.assertEqual(pad.get_property("max-buffers"), 64)
        pad.set_property("policy", "latest")
        self.assertEqual(pad.get_property("policy").value_nick, "latest")
        pad.set_property("policy", "block")
        pad.set_property("max-buffers", 3)
        self.assertEqual(pad.get_property("policy").value_nick, "block")
        self.assertEqual(pad.get_property("max-buffers"), 3)
        self.assertEqual(pad.get_property("dropped"), 0)
        self.assertEqual(pad.get_property("level"), 0)
        src.release_request_pad(pad)
        self.assertEqual(src.numsrcpads, 0)


class TestPipeline(RtcbotTestCase):

    def test_put_json_to_get(self):
        pipeline = Gst.parse_launch("rtcbotsrc name=p ! rtcbotsink name=c")
        self.pipelines.append(pipeline)
        p = pipeline.get_by_name("p")
        c = pipeline.get_by_name("c")
        bus = pipeline.get_bus()
        self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING),
                            Gst.StateChangeReturn.FAILURE)
        ready = self.collect_element_messages(bus, "rtcbot-ready", (p, c))
        for structure in ready.values():
            self.assertTrue(structure.get_value("ready"))
        self.assertTrue(p.get_property("ready"))
        self.assertTrue(c.get_property("ready"))

        doc = '{"hello": "world", "n": [1, 2.5, null]}'
        self.assertEqual(p.emit("put-json", doc), Gst.FlowReturn.OK)
        self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS,
                          doc.encode("utf-8"))
        self.assertEqual(p.emit("put-string", "bye"), Gst.FlowReturn.OK)
        self.assertSample(c.emit("get", TIMEOUT), TEXT_CAPS, b"bye")

        p.emit("close")
        closed = self.pop_element_message(bus, "rtcbot-closed", c)
        self.assertTrue(closed.get_string("reason"))
        msg = bus.timed_pop_filtered(TIMEOUT, Gst.MessageType.EOS)
        self.assertIsNotNone(msg, "no EOS after the producer closed")
        self.assertTrue(c.get_property("closed"))
        self.assertIsNone(c.emit("get", 0))

    def test_switch_active_pad(self):
        pipeline = self.launch(
            "rtcbotsink name=c "
            "rtcbotsrc name=a ! c.sink_0  rtcbotsrc name=b ! c.sink_1")
        a = pipeline.get_by_name("a")
        b = pipeline.get_by_name("b")
        c = pipeline.get_by_name("c")
        sink_0 = c.get_static_pad("sink_0")
        sink_1 = c.get_static_pad("sink_1")
        self.assertEqual(c.get_property("active-pad"), sink_0)

        # only the active subscription is consumed
        self.assertEqual(b.emit("put-json", '{"from": "b", "n": 0}'),
                         Gst.FlowReturn.OK)
        self.assertEqual(a.emit("put-json", '{"from": "a", "n": 0}'),
                         Gst.FlowReturn.OK)
        self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS,
                          b'{"from": "a", "n": 0}')

        notified = []
        c.connect("notify::active-pad", lambda *args: notified.append(1))
        c.set_property("active-pad", sink_1)
        self.assertEqual(c.get_property("active-pad"), sink_1)
        self.assertTrue(notified)

        self.assertEqual(a.emit("put-json", '{"from": "a", "n": 1}'),
                         Gst.FlowReturn.OK)
        self.assertEqual(b.emit("put-json", '{"from": "b", "n": 1}'),
                         Gst.FlowReturn.OK)
        # b's first message may still have been on its way to sink_1 (in
        # its subscription, as in RTCBot) and then arrives now
        sample = c.emit("get", TIMEOUT)
        self.assertIsNotNone(sample)
        self.assertTrue(sample.get_buffer().has_flags(
            Gst.BufferFlags.DISCONT),
            "first message after a switch is not DISCONT")
        if payload(sample) == b'{"from": "b", "n": 0}':
            sample = c.emit("get", TIMEOUT)
        self.assertSample(sample, JSON_CAPS, b'{"from": "b", "n": 1}')
        self.assertIsNone(c.emit("get", 100 * Gst.MSECOND),
                          "the old producer's data arrived")

        # stopSubscription(): nothing is consumed
        c.set_property("active-pad", None)
        self.assertIsNone(c.get_property("active-pad"))
        self.assertEqual(b.emit("put-json", "3"), Gst.FlowReturn.OK)
        self.assertIsNone(c.emit("get", 100 * Gst.MSECOND))

    def test_emit_signals_new_data(self):
        pipeline = self.launch("rtcbotsrc name=p ! rtcbotsink name=c")
        p = pipeline.get_by_name("p")
        c = pipeline.get_by_name("c")
        self.assertFalse(c.get_property("emit-signals"))
        count = [0]

        def on_new_data(sink):
            count[0] += 1
            return Gst.FlowReturn.OK

        c.connect("new-data", on_new_data)
        self.assertEqual(p.emit("put-json", "0"), Gst.FlowReturn.OK)
        self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS, b"0")
        self.assertEqual(count[0], 0, "new-data without emit-signals")

        c.set_property("emit-signals", True)
        for i in range(1, 4):
            self.assertEqual(p.emit("put-json", str(i)), Gst.FlowReturn.OK)
        self.assertTrue(wait_until(lambda: count[0] >= 3),
                        "new-data emitted %d times, expected 3" % count[0])
        for i in range(1, 4):
            self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS,
                              str(i).encode())
        time.sleep(0.05)
        self.assertEqual(count[0], 3)

    def test_sink_policy_latest(self):
        pipeline = self.launch("rtcbotsrc name=p ! rtcbotsink name=c")
        p = pipeline.get_by_name("p")
        c = pipeline.get_by_name("c")
        c.set_property("policy", "latest")
        self.assertEqual(c.get_property("policy").value_nick, "latest")
        for i in range(5):
            self.assertEqual(p.emit("put-json", str(i)), Gst.FlowReturn.OK)
        self.assertTrue(wait_until(lambda: c.get_property("dropped") == 4),
                        "dropped %d, expected 4" % c.get_property("dropped"))
        self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS, b"4")
        self.assertIsNone(c.emit("get", 0))

    def test_sink_direct_put(self):
        pipeline = self.launch("rtcbotsrc name=p ! rtcbotsink name=c")
        p = pipeline.get_by_name("p")
        c = pipeline.get_by_name("c")
        self.assertIsNotNone(c.get_property("active-pad"))
        self.assertEqual(c.emit("put-json", '{"direct": true}'),
                         Gst.FlowReturn.OK)
        self.assertIsNone(c.get_property("active-pad"))
        self.assertEqual(p.emit("put-json", '{"direct": false}'),
                         Gst.FlowReturn.OK)
        self.assertSample(c.emit("get", TIMEOUT), JSON_CAPS,
                          b'{"direct": true}')
        self.assertIsNone(c.emit("get", 100 * Gst.MSECOND),
                          "the deselected producer's data arrived")
        self.assertEqual(c.emit("put-json", "{"), Gst.FlowReturn.ERROR)
        self.assertIn("line 1, column", self.pop_warning(pipeline.get_bus()))

    def test_sink_close(self):
        pipeline = self.launch("rtcbotsrc name=p ! rtcbotsink name=c")
        p = pipeline.get_by_name("p")
        c = pipeline.get_by_name("c")
        bus = pipeline.get_bus()
        c.emit("close")
        c.emit("close")
        self.assertTrue(c.get_property("closed"))
        closed = self.pop_element_message(bus, "rtcbot-closed", c)
        self.assertTrue(closed.get_string("reason"))
        self.assertIsNotNone(bus.timed_pop_filtered(TIMEOUT,
                                                    Gst.MessageType.EOS))
        self.assertEqual(c.emit("put-json", "1"), Gst.FlowReturn.EOS)
        self.assertEqual(p.emit("put-json", "1"), Gst.FlowReturn.OK)
        self.assertIsNone(c.emit("get", 100 * Gst.MSECOND))


if __name__ == "__main__":
    unittest.main()
