#!/usr/bin/python3
"""Data-channel echo server on rtcbotwebrtcbin (server A of the datachannel
benchmark; run.py starts it).

    gst_echo.py [--lifetime S] [--echo link|get]

The element serves POST /connect on a free port of 127.0.0.1 and prints
"PORT <n>" on stdout once listening. Every message a peer sends on the
"default" channel goes back to it:

- link (default): the element's message pads are linked,
  `src_0 ! identity ! sink_0`, so a received message is echoed by GStreamer
  threads alone (the src_0 subscription's streaming thread pushes into the
  outgoing rtcbotsink, which sends it on every open channel) with no Python
  per message;
- get: a Python thread loops on the `get` action and `put-string`s every
  message back, the way an application echoing in Python would.

Exits after --lifetime seconds, when stdin closes (the parent went away) or
on an ERROR on the bus.
"""

import argparse
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lifetime", type=float, default=300.0)
    ap.add_argument("--echo", choices=("link", "get"), default="link")
    args = ap.parse_args()

    Gst.init(None)
    if Gst.ElementFactory.find("rtcbotwebrtcbin") is None:
        sys.exit("gst_echo: rtcbotwebrtcbin not found (GST_PLUGIN_PATH_1_0 "
                 "should hold the build's gst/rtcbot and ext/webrtc)")
    pipeline = Gst.Pipeline.new("echo")
    conn = Gst.ElementFactory.make("rtcbotwebrtcbin", "conn")
    conn.set_property("listen-port", 0)
    pipeline.add(conn)
    loop = GLib.MainLoop()
    status = [0]

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print("gst_echo: ERROR: %s (%s)" % (err.message, dbg),
                  file=sys.stderr)
            status[0] = 1
            loop.quit()
        elif msg.type == Gst.MessageType.WARNING:
            err, dbg = msg.parse_warning()
            print("gst_echo: WARNING: %s" % err.message, file=sys.stderr)

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)

    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        sys.exit("gst_echo: the pipeline does not start")
    pipeline.get_state(5 * Gst.SECOND)
    port = conn.get_property("bound-port")
    if port <= 0:
        sys.exit("gst_echo: no bound-port")

    if args.echo == "link":
        # GStreamer refuses to link two pads of one element, so a
        # pass-through identity (no thread, no copy) sits in between. The
        # loop this makes in the graph is closed only while PLAYING: bin
        # state changes would warn about it.
        ident = Gst.ElementFactory.make("identity", "echo")
        ident.set_property("silent", True)
        pipeline.add(ident)
        ident.sync_state_with_parent()
        src = conn.request_pad_simple("src_%u")
        sink = conn.request_pad_simple("sink_%u")
        if (src.link(ident.get_static_pad("sink")) != Gst.PadLinkReturn.OK
                or ident.get_static_pad("src").link(sink)
                != Gst.PadLinkReturn.OK):
            sys.exit("gst_echo: cannot link %s ! identity ! %s" % (
                src.get_name(), sink.get_name()))
    elif args.echo == "get":
        conn.emit("get", 0)         # subscribe before any peer connects

        def echo():
            while True:
                sample = conn.emit("get", Gst.CLOCK_TIME_NONE)
                if sample is None:
                    return
                buf = sample.get_buffer()
                conn.emit("put-string",
                          buf.extract_dup(0, buf.get_size()).decode())
        threading.Thread(target=echo, daemon=True).start()

    def on_stdin(fd, condition):
        if condition & (GLib.IO_HUP | GLib.IO_ERR) or not os.read(fd, 4096):
            loop.quit()
            return False
        return True

    GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, sys.stdin.fileno(),
                          GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)
    GLib.timeout_add(int(args.lifetime * 1000), loop.quit)
    print("PORT %d" % port, flush=True)
    loop.run()
    conn.emit("close")
    if args.echo == "link":
        ident.get_static_pad("src").unlink(sink)
    pipeline.set_state(Gst.State.NULL)
    sys.exit(status[0])


if __name__ == "__main__":
    main()
