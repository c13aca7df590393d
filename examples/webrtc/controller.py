#!/usr/bin/python3
"""The browser's side of RTCBot's remote-control example, from GStreamer:
an rtcbotwebrtcbin that offers to a robot's POST /connect (connect-url),
shows how many video frames it decodes and sends a drive command every
100 ms, like the page's

    conn.video.subscribe((stream) => video.srcObject = stream);
    keyboard.subscribe((key) => conn.put_nowait(key));
    rtcbot.connect(conn);

Run against a robot that is already running:
    GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/webrtc \\
        examples/webrtc/controller.py --url http://127.0.0.1:8080/connect
or let it start one on a free port and check that the robot printed every
command (what the test suite does, with robot.c and robot.py):
    ... examples/webrtc/controller.py \\
        --server build/examples/webrtc/webrtc-robot

Exits 0 once it ran for --duration, decoded video and (with --server) the
robot printed every command and exited cleanly.
"""
import argparse
import json
import shlex
import subprocess
import os
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import missing_elements  # noqa: E402  (examples/missing_elements.py)

CONNECT_TIMEOUT = 20.0      # seconds: ICE, DTLS and SCTP up to an open channel


class Robot:
    """A robot example started on a free port; its output is collected."""

    def __init__(self, command):
        self.proc = subprocess.Popen(
            shlex.split(command) + ["--port", "0", "--duration", "60"],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # "Open http://...:PORT/ in a ..."
        if not line.startswith("Open http://"):
            self.proc.kill()
            sys.exit("the robot did not start: %r" % line)
        self.url = line.split()[1] + "connect"
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def messages(self):
        return [line[len("Got message: "):] for line in list(self.lines)
                if line.startswith("Got message: ")]

    def stop(self):
        self.proc.terminate()               # SIGTERM: the robot's clean exit
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.reader.join(5)
        return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080/connect")
    parser.add_argument("--server", help="start this robot example first "
                        "(a command; --port 0 is added)")
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()

    Gst.init(None)
    robot = Robot(args.server) if args.server else None
    url = robot.url if robot else args.url

    pipeline = Gst.Pipeline()
    conn = Gst.ElementFactory.make("rtcbotwebrtcbin")
    if conn is None:
        sys.exit(missing_elements.text("rtcbotwebrtcbin"))
    conn.set_property("connect-url", url)
    pipeline.add(conn)
    frames = [0]

    def count_frame(pad, info):
        frames[0] += 1
        return Gst.PadProbeReturn.OK

    def on_pad_added(element, pad):
        # the robot's camera, decoded: conn.video.subscribe(...)
        if not pad.get_name().startswith("video_src_"):
            return
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("async", False)
        pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        pad.add_probe(Gst.PadProbeType.BUFFER, count_frame)

    conn.connect("pad-added", on_pad_added)
    pipeline.set_state(Gst.State.PLAYING)
    bus = pipeline.get_bus()

    ok, ready, sent = True, False, []
    start = time.monotonic()
    deadline = start + CONNECT_TIMEOUT
    next_put = start
    while time.monotonic() < deadline:
        msg = bus.timed_pop_filtered(
            20 * Gst.MSECOND, Gst.MessageType.ERROR | Gst.MessageType.ELEMENT)
        if msg is not None and msg.type == Gst.MessageType.ERROR:
            print("ERROR:", msg.parse_error()[0].message, file=sys.stderr)
            ok = False
            break
        if msg is not None and msg.get_structure().has_name("rtcbot-ready"):
            ready = msg.get_structure().get_value("ready")
            if not ready:
                print("the robot went away")
                break
            print("connected to", url)
            deadline = time.monotonic() + args.duration
            next_put = time.monotonic()
        if ready and time.monotonic() >= next_put:
            # what rtcbot.Keyboard produces for the up arrow
            command = json.dumps({"type": "keydown", "key": "ArrowUp",
                                  "code": "ArrowUp", "n": len(sent)})
            conn.emit("put-json", command)
            sent.append(command)
            next_put += 0.1
    if not ready and ok:
        print("no connection to %s within %.0f s" % (url, CONNECT_TIMEOUT),
              file=sys.stderr)
        ok = False

    if robot:
        # the robot prints what arrives; give the last commands a moment
        end = time.monotonic() + 5
        while len(robot.messages()) < len(sent) and time.monotonic() < end:
            time.sleep(0.05)
    # close first: the robot learns at once that this peer left
    conn.emit("close")
    pipeline.set_state(Gst.State.NULL)
    print("sent %d commands, decoded %d video frames" % (len(sent),
                                                          frames[0]))
    ok = ok and len(sent) > 0 and frames[0] > 0

    if robot:
        code = robot.stop()
        printed = robot.messages()
        print("the robot printed %d of them and exited with %d"
              % (len(printed), code))
        if printed != sent or code != 0:
            print("robot output:\n  " + "\n  ".join(robot.lines),
                  file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
