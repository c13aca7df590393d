#!/usr/bin/python3
"""RTCBot's remote-control robot with rtcbotwebrtcbin, from Python.

The camera goes to every browser that opens the page, and every command a
browser sends is printed, like RTCBot's

    cam = CVCamera()
    conn = RTCConnection()
    conn.video.putSubscription(cam)

    @conn.subscribe
    def onMessage(m):
        print("Got message:", m)

    # + an aiohttp app: GET / (the page), POST /connect
    #   -> await conn.getLocalDescription(clientOffer)

The element serves GET /, GET /rtcbot.js and POST /connect itself. An
application thread reads messages with the `get` action while the GLib
main loop watches the bus, SIGINT/SIGTERM and --duration; on the way out
`close` tells the browsers before the pipeline stops. Same behaviour as
examples/webrtc/robot.c.

Run with Debian's interpreter (the one that has python3-gst-1.0):
    GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/webrtc \\
        examples/webrtc/robot.py [--port 8080] [--device /dev/video0]
then open http://127.0.0.1:8080/ and press the arrow keys.
"""
import argparse
import signal
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import missing_elements  # noqa: E402  (examples/missing_elements.py)

GET_TIMEOUT = 250 * Gst.MSECOND     # how often the thread checks for stop


def camera_description(device):
    if device:
        return "v4l2src name=camera"
    if Gst.ElementFactory.find("clockoverlay"):
        # the time in the picture shows the latency at a glance
        return "videotestsrc is-live=true pattern=ball ! clockoverlay"
    # a decoration: without it the pattern runs bare
    print("Warning: %s; the test pattern runs without the clock"
          % missing_elements.text("clockoverlay"), file=sys.stderr)
    return "videotestsrc is-live=true pattern=ball"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080,
                        help="HTTP port (default 8080, 0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="IP address to listen on (0.0.0.0 = every "
                        "interface)")
    parser.add_argument("--duration", type=float, default=0,
                        help="seconds to run (default 0: until Ctrl-C or "
                        "SIGTERM)")
    parser.add_argument("--device",
                        help="V4L2 camera to send (default: a test pattern)")
    args = parser.parse_args()
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")

    Gst.init(None)
    try:
        pipeline = missing_elements.parse_launch(
            "%s ! videoconvert ! rtcbotwebrtcbin name=conn listen-port=%d"
            % (camera_description(args.device), args.port))
    except GLib.Error as e:
        print(e.message, file=sys.stderr)
        return 1
    conn = pipeline.get_by_name("conn")
    # properties, so no quoting of user input in the launch line
    conn.set_property("listen-host", args.host)
    if args.device:
        pipeline.get_by_name("camera").set_property("device", args.device)

    bus = pipeline.get_bus()
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        while (msg := bus.pop_filtered(Gst.MessageType.ERROR)) is not None:
            print("ERROR from %s: %s" % (msg.src.get_name(),
                                         msg.parse_error()[0].message),
                  file=sys.stderr)
        pipeline.set_state(Gst.State.NULL)
        return 1

    # the first get subscribes: nothing a browser sends from now on is lost
    conn.emit("get", 0)
    port = conn.get_property("bound-port")
    shown = "<this machine's address>" if args.host == "0.0.0.0" else args.host
    print("Open http://%s:%d/ in a browser" % (shown, port), flush=True)

    loop = GLib.MainLoop()
    stop = threading.Event()
    status = {"code": 0, "received": 0}

    def receive():
        # RTCBot's `while True: print(await conn.get())`
        while not stop.is_set():
            sample = conn.emit("get", GET_TIMEOUT)
            if sample is None:
                continue
            buf = sample.get_buffer()
            data = buf.extract_dup(0, buf.get_size())
            print("Got message:", data.decode("utf-8", "replace"),
                  flush=True)
            status["received"] += 1

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT and msg.src == conn:
            s = msg.get_structure()
            if s.get_name() == "rtcbot-peer-connected":
                print("Peer %d connected (%s)" % (s.get_value("peer"),
                                                   s.get_value("address")),
                      flush=True)
            elif s.get_name() == "rtcbot-peer-closed":
                print("Peer %d left (%s)" % (s.get_value("peer"),
                                              s.get_value("address")),
                      flush=True)
        elif msg.type == Gst.MessageType.WARNING:
            print("Warning:", msg.parse_warning()[0].message,
                  file=sys.stderr)
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print("ERROR from %s: %s" % (msg.src.get_name(), err.message),
                  file=sys.stderr)
            if debug:
                print("  (%s)" % debug, file=sys.stderr)
            status["code"] = 1
            loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            print("The camera stream ended")
            loop.quit()

    def on_signal():
        print("Stopping", flush=True)
        loop.quit()
        return GLib.SOURCE_CONTINUE

    bus.add_signal_watch()
    bus.connect("message", on_message)
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, on_signal)
    if args.duration > 0:
        GLib.timeout_add(int(args.duration * 1000), loop.quit)
    thread = threading.Thread(target=receive, name="robot-messages")
    thread.start()

    loop.run()

    stop.set()
    thread.join()
    # tell the browsers before the connections are torn down
    conn.emit("close")
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    print("Got %d messages" % status["received"])
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
