#!/usr/bin/python3
"""Drive a robot from a browser: the remote-control demo, from Python.

The same program as examples/remotecontrol/remotecontrol.c. The robot's
camera (or a moving test pattern with a clock, when it has none) goes to
every browser that opens http://127.0.0.1:8080/; W/A/S/D, the arrow keys or
a gamepad drive it. The page sends RTCBot's raw keyboard and gamepad events
over the data channel; this program turns them into drive commands

    {"forward": 1, "leftright": -0.5}      (both in -1..1)

prints each new one and publishes it through an rtcbotsrc named
`commands`: back to the browsers, and with --ws-url to a motor controller
over a websocket (reconnected whenever it goes away). When a browser
leaves, whatever it held is released and the robot stops.

The camera is asked for a mode within --max-size (default 1280x720), raw
video when it has it, else JPEG, decoded here; videoscale brings a camera
without such a mode (and the test pattern) within it. The video bitrate
follows the browsers' links: rtcbotwebrtcbin's default
congestion-control=adaptive, which the demo leaves on.

In RTCBot terms:

    conn = RTCConnection()
    conn.video.putSubscription(camera)
    commands = SubscriptionProducer()        # rtcbotsrc name=commands
    conn.putSubscription(commands.subscribe())
    motor.putSubscription(commands.subscribe())   # Websocket(--ws-url)

    @conn.subscribe
    def onMessage(m):
        if drive.handle(m):
            commands.put_nowait(drive.command())

Run with Debian's interpreter (the one that has python3-gst-1.0):
    GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/webrtc:build/ext/websocket \\
        examples/remotecontrol/remotecontrol.py [--port 8080] \\
        [--device /dev/video0 | --test-pattern] [--max-size 1280x720] \\
        [--ws-url ws://HOST:PORT/]
"""
import argparse
import re
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

from drive import Drive  # noqa: E402  (examples/remotecontrol/drive.py)

GET_TIMEOUT = 250 * Gst.MSECOND     # how often the thread checks for stop
# --max-size: a 4K webcam read at full size costs the robot more to scale
# and encode than any browser link can carry
DEFAULT_MAX_SIZE = "1280x720"
MIN_SIDE, MAX_SIDE = 16, 8192

def say(text, stream=sys.stdout):
    """One line, written at once: the message thread and the main loop
    both print, and print() writes its pieces separately."""
    stream.write(text + "\n")
    stream.flush()


def parse_size(text):
    """(width, height) from "WIDTHxHEIGHT", each side MIN_SIDE..MAX_SIDE;
    None for anything else, exactly as the C demo decides."""
    match = re.fullmatch(r"([0-9]{1,5})x([0-9]{1,5})", text)
    if not match:
        return None
    width, height = int(match.group(1)), int(match.group(2))
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        return None
    return width, height


def find_camera():
    """The first video camera the system knows of, or None: one that gives
    raw video or JPEG, since many USB cameras give their larger modes, or
    all of them, only as JPEG."""
    monitor = Gst.DeviceMonitor.new()
    monitor.add_filter("Video/Source",
                       Gst.Caps.from_string("video/x-raw; image/jpeg"))
    if not monitor.start():
        return None
    devices = monitor.get_devices()
    monitor.stop()
    return devices[0] if devices else None


def probe_caps(camera):
    """What a camera named by --device offers: its caps once opened
    (READY), None when it cannot be opened; the pipeline then reports
    why."""
    caps = None
    if camera.set_state(Gst.State.READY) != Gst.StateChangeReturn.FAILURE:
        caps = camera.get_static_pad("src").query_caps(None)
    camera.set_state(Gst.State.NULL)
    return None if caps is None or caps.is_any() else caps


def make_camera(args):
    """(camera element, the caps it offers or None when not known: the
    test pattern, a device that does not open)."""
    if args.device:
        say("Camera: " + args.device)
        camera = Gst.ElementFactory.make("v4l2src")
        if camera is None:
            sys.exit("--device needs v4l2src: "
                     + missing_elements.text("v4l2src"))
        camera.set_property("device", args.device)
        return camera, probe_caps(camera)
    found = None if args.test_pattern else find_camera()
    if found:
        say("Camera: " + found.get_display_name())
        camera = found.create_element(None)
        if camera:
            return camera, found.get_caps()
    # a moving picture with the time in it: latency shows at a glance
    say("Camera: test pattern")
    description = ("videotestsrc is-live=true pattern=smpte "
                   "horizontal-speed=2 "
                   "! video/x-raw,width=640,height=480,framerate=30/1")
    if Gst.ElementFactory.find("clockoverlay"):
        description += ' ! clockoverlay font-desc="Sans 28"'
    else:
        # a decoration: without it the pattern runs bare
        say("Warning: %s; the test pattern runs without the clock"
            % missing_elements.text("clockoverlay"), sys.stderr)
        description += " ! identity"
    return missing_elements.parse_bin(description), None


def has_media(caps, media):
    return any(caps.get_structure(i).has_name(media)
               for i in range(caps.get_size()))


def camera_caps(offered, width, height):
    """(caps to ask the camera for, whether it gives JPEG): raw video when
    it gives it, else JPEG (decoded after it), in a mode within the size
    when it has one. Without such a mode it runs at what it chooses and
    videoscale brings the video within the size."""
    jpeg = (offered is not None and not has_media(offered, "video/x-raw")
            and has_media(offered, "image/jpeg"))
    media = "image/jpeg" if jpeg else "video/x-raw"
    if offered is not None:
        fitting = Gst.Caps.from_string("%s,width=[1,%d],height=[1,%d]"
                                       % (media, width, height))
        if offered.can_intersect(fitting):
            return fitting, jpeg
    return Gst.Caps.new_empty_simple(media), jpeg


class RemoteControl:
    def __init__(self, args):
        self.args = args
        self.drive = Drive()
        # the drive, and the order in which commands are published
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.status = 0
        self.size = None        # the video's size, streaming thread
        width, height = args.max_size
        camera, offered = make_camera(args)
        caps, jpeg = camera_caps(offered, width, height)
        # congestion-control is left at its default, adaptive: the bitrate,
        # and below it frame rate and size, follow each browser's link; a
        # motor link retries at least every 2 s, whatever the backoff
        motor = (" commands. ! motor.sink_0 rtcbotwebsocketbin name=motor "
                 "reconnect=true reconnect-max=2000" if args.ws_url else "")
        self.pipeline = missing_elements.parse_launch(
            "capsfilter name=camera-caps %s"
            "! videoscale ! capsfilter name=size ! videoconvert "
            "! rtcbotwebrtcbin name=conn listen-port=%d "
            "rtcbotsrc name=commands caps=application/x-json ! conn.sink_0%s"
            % ("! jpegdec " if jpeg else "", args.port, motor))
        if jpeg:
            say("The camera gives JPEG: decoding it")
        # set as properties, so no quoting of user input in the launch line
        camera_filter = self.pipeline.get_by_name("camera-caps")
        camera_filter.set_property("caps", caps)
        self.pipeline.add(camera)
        camera.link(camera_filter)
        # square pixels: browsers show the video as if they were
        size = self.pipeline.get_by_name("size")
        size.set_property("caps", Gst.Caps.from_string(
            "video/x-raw,width=[1,%d],height=[1,%d],pixel-aspect-ratio=1/1"
            % (width, height)))
        size.get_static_pad("src").add_probe(
            Gst.PadProbeType.EVENT_DOWNSTREAM, self.on_size_caps)
        self.conn = self.pipeline.get_by_name("conn")
        self.commands = self.pipeline.get_by_name("commands")
        self.conn.set_property("listen-host", args.host)
        if args.ws_url:
            self.pipeline.get_by_name("motor").set_property("url",
                                                            args.ws_url)
            say("Commands also go to " + args.ws_url)

    def on_size_caps(self, pad, info):
        """Prints the size the video leaves the size filter with, when it
        is first known and whenever the camera changes it (renegotiating
        the same caps prints nothing)."""
        event = info.get_event()
        if event.type != Gst.EventType.CAPS:
            return Gst.PadProbeReturn.OK
        s = event.parse_caps().get_structure(0)
        ok_w, width = s.get_int("width")
        ok_h, height = s.get_int("height")
        if ok_w and ok_h and (width, height) != self.size:
            self.size = (width, height)
            say("Video: %dx%d" % (width, height))
        return Gst.PadProbeReturn.OK

    def publish(self):
        """Prints the new command and hands it to every subscriber of
        `commands`; called with the lock held."""
        text = self.drive.json()
        say("Command: " + text)
        self.commands.emit("put-json", text)

    def read_messages(self):
        # RTCBot's `while True: m = await conn.get()`
        while not self.stopping.is_set():
            sample = self.conn.emit("get", GET_TIMEOUT)
            if sample is None:
                continue
            ok, info = sample.get_buffer().map(Gst.MapFlags.READ)
            if not ok:
                continue
            text = bytes(info.data).decode("utf-8", "replace")
            sample.get_buffer().unmap(info)
            with self.lock:
                if self.drive.handle(text):
                    self.publish()

    def on_message(self, bus, msg, loop):
        if msg.type == Gst.MessageType.ELEMENT and msg.src == self.conn:
            s = msg.get_structure()
            if s.has_name("rtcbot-peer-connected"):
                say("Peer %d connected (%s)" % (s.get_value("peer"),
                                                s.get_value("address")))
            elif s.has_name("rtcbot-peer-closed"):
                say("Peer %d left (%s)" % (s.get_value("peer"),
                                           s.get_value("address")))
                # the keys it held will never be released: stop the robot
                with self.lock:
                    if self.drive.stop():
                        self.publish()
        elif msg.type == Gst.MessageType.WARNING:
            say("Warning from %s: %s" % (msg.src.get_name(),
                                         msg.parse_warning()[0].message),
                sys.stderr)
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            say("ERROR from %s: %s" % (msg.src.get_name(), err.message)
                + ("\n  (%s)" % debug if debug else ""), sys.stderr)
            self.status = 1
            loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            # a camera that ends (unplugged) ends the robot
            say("The camera stream ended")
            loop.quit()
        return True

    def run(self):
        bus = self.pipeline.get_bus()
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            msg = bus.pop_filtered(Gst.MessageType.ERROR)
            while msg:
                say("ERROR from %s: %s" % (msg.src.get_name(),
                                           msg.parse_error()[0].message),
                    sys.stderr)
                msg = bus.pop_filtered(Gst.MessageType.ERROR)
            self.pipeline.set_state(Gst.State.NULL)
            return 1

        # the first get subscribes: nothing a browser sends is lost
        self.conn.emit("get", 0)
        port = self.conn.get_property("bound-port")
        host = ("<this machine's address>" if self.args.host == "0.0.0.0"
                else self.args.host)
        say("Open http://%s:%d/ in a browser" % (host, port))
        say("Drive with W/A/S/D, the arrow keys or a gamepad; Ctrl-C stops")

        loop = GLib.MainLoop()
        bus.add_signal_watch()
        bus.connect("message", self.on_message, loop)

        def stop():
            say("Stopping")
            loop.quit()
            return GLib.SOURCE_CONTINUE

        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, stop)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, stop)
        if self.args.duration > 0:
            GLib.timeout_add(int(self.args.duration * 1000), loop.quit)
        reader = threading.Thread(target=self.read_messages,
                                  name="remotecontrol-messages")
        reader.start()

        loop.run()

        self.stopping.set()
        reader.join()
        # tell the browsers before the connections are torn down
        self.conn.emit("close")
        bus.remove_signal_watch()
        self.pipeline.set_state(Gst.State.NULL)
        return self.status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", "-p", type=int, default=8080,
                        help="HTTP port of the page (default 8080, 0 = any "
                        "free port)")
    parser.add_argument("--host", "-H", default="127.0.0.1",
                        help="IP address to listen on (0.0.0.0 = every "
                        "interface)")
    camera = parser.add_mutually_exclusive_group()
    camera.add_argument("--device", "-D",
                        help="V4L2 camera to send (default: the first "
                        "camera found, else a test pattern)")
    camera.add_argument("--test-pattern", "-t", action="store_true",
                        help="send the test pattern even when there is a "
                        "camera")
    parser.add_argument("--max-size", "-m", metavar="WIDTHxHEIGHT",
                        default=DEFAULT_MAX_SIZE,
                        help="largest video to send (default %s): the "
                        "camera is asked for a mode that fits, else the "
                        "video is scaled down" % DEFAULT_MAX_SIZE)
    parser.add_argument("--ws-url", "-w",
                        help="also send every command to this websocket (a "
                        "motor controller), reconnecting when it goes away")
    parser.add_argument("--duration", "-d", type=float, default=0,
                        help="seconds to run (default 0: until Ctrl-C or "
                        "SIGTERM)")
    args = parser.parse_args()
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    size = parse_size(args.max_size)
    if size is None:
        parser.error('--max-size must be WIDTHxHEIGHT with each side %d to '
                     '%d pixels, e.g. 1280x720, not "%s"'
                     % (MIN_SIDE, MAX_SIDE, args.max_size))
    args.max_size = size

    Gst.init(None)
    try:
        remote = RemoteControl(args)
    except GLib.Error as e:
        sys.exit(e.message)
    return remote.run()


if __name__ == "__main__":
    sys.exit(main())
