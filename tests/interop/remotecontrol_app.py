#!/usr/bin/python3
"""The remote-control demo (examples/remotecontrol, C or Python) driven end
to end, with independent peers on both of its sides:

- a "browser": an rtcbotwebrtcbin in this process that offers to the
  demo's POST /connect (connect-url), decodes its video and sends what
  rtcbot.js's Keyboard and Gamepad send;
- a motor controller: examples/remotecontrol/motor.py, a python3-aiohttp
  websocket server that the demo publishes its commands to (--ws-url).

Checks: keys and sticks become the documented commands, printed by the
demo, published to the motor controller and echoed to the browser, in the
same order; text that is not JSON is dropped without harm; the browser
leaving stops the robot; a restarted motor controller is reconnected to;
SIGTERM ends the demo with status 0. --max-size: the 640x480 test pattern
is sent within 320x200 (the demo prints "Video: 267x200", the browser
decodes no more), and a malformed size ends the demo at once with an error
naming the option and the value, status 2.

With --launch-from docs/remotecontrol.md it runs the documented
gst-launch line instead, which forwards the page's raw events to motor.py,
and checks that motor.py turns them into the same commands and that Ctrl-C
ends the line with status 0.

Run: remotecontrol_app.py --app "build/examples/remotecontrol/remotecontrol"
(with GST_PLUGIN_PATH pointing at the build tree). Exits 77 when aiohttp is
missing.
"""
import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interop import Gst, log, payload  # noqa: E402

try:
    import aiohttp  # noqa: F401  (motor.py needs it)
except ImportError:
    print("SKIP: python3-aiohttp is missing (apt-get install python3-aiohttp)",
          file=sys.stderr)
    sys.exit(77)

CONNECT_TIMEOUT = 30.0      # ICE, DTLS and SCTP on a loaded 2-core machine
STEP_TIMEOUT = 10.0
# the 640x480 test pattern in a box that is not 4:3: scaled to fit it,
# square pixels kept
MAX_SIZE = "320x200"
SENT_SIZE = "267x200"
BAD_MAX_SIZES = ["12x", "640X480", "8x8", "1280x720x"]


class Failure(Exception):
    pass


def wait_for(predicate, what, timeout=STEP_TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise Failure("no %s within %.0f s" % (what, timeout))


class Motor:
    """examples/remotecontrol/motor.py, the demo's stand-in motor
    controller (a python3-aiohttp websocket server), on a free port."""

    SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "..", "examples", "remotecontrol", "motor.py")

    def __init__(self, port=0):
        self.proc = subprocess.Popen(
            [sys.executable, self.SCRIPT, "--port", str(port)],
            stdout=subprocess.PIPE, text=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = wait_for(lambda: self.line("Listening on ")
                        or self.proc.poll() is not None,
                        "'Listening on' line from motor.py")
        if line is True:
            raise Failure("motor.py --port %d exited with %d"
                          % (port, self.proc.returncode))
        self.url = line.split()[2]
        self.port = int(self.url.split(":")[2].split("/")[0])

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def line(self, prefix):
        return next((line for line in list(self.lines)
                     if line.startswith(prefix)), None)

    @property
    def connections(self):
        return sum(1 for line in list(self.lines)
                   if line.startswith("Connected: "))

    @property
    def commands(self):
        # "Motor: {...} -> left +1.00 right +1.00"
        return [json.loads(line[len("Motor: "):line.index(" -> ")])
                for line in list(self.lines) if line.startswith("Motor: ")]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(5)


class App:
    """The demo in a child process; its stdout is collected line by line."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def line(self, prefix):
        return next((line for line in list(self.lines)
                     if line.startswith(prefix)), None)

    def commands(self):
        return [json.loads(line[len("Command: "):]) for line in
                list(self.lines) if line.startswith("Command: ")]

    def stop(self, signum=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.reader.join(5)
        return code


class Browser:
    """What the demo page does, with rtcbotwebrtcbin: video in, RTCBot's
    input events out, the robot's messages received."""

    def __init__(self, url):
        self.frames = 0
        self.video_pad = None
        self.pipeline = Gst.Pipeline()
        self.conn = Gst.ElementFactory.make("rtcbotwebrtcbin")
        self.conn.set_property("connect-url", url)
        self.pipeline.add(self.conn)
        self.conn.connect("pad-added", self._on_pad_added)
        self.received = []
        self.pipeline.set_state(Gst.State.PLAYING)
        self.conn.emit("get", 0)            # subscribe before anything comes

    def _on_pad_added(self, element, pad):
        if not pad.get_name().startswith("video_src_"):
            return
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("async", False)
        self.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        pad.add_probe(Gst.PadProbeType.BUFFER, self._count)
        self.video_pad = pad

    def video_size(self):
        """(width, height) of the decoded video, or None."""
        caps = self.video_pad.get_current_caps() if self.video_pad else None
        if caps is None:
            return None
        s = caps.get_structure(0)
        return s.get_int("width")[1], s.get_int("height")[1]

    def _count(self, pad, info):
        self.frames += 1
        return Gst.PadProbeReturn.OK

    def ready(self):
        bus = self.pipeline.get_bus()
        msg = bus.pop_filtered(Gst.MessageType.ERROR)
        if msg is not None:
            raise Failure("browser side: " + msg.parse_error()[0].message)
        return self.conn.get_property("ready")

    def send(self, event):
        self.conn.emit("put-json", json.dumps(event))

    def receive(self):
        sample = self.conn.emit("get", 20 * Gst.MSECOND)
        if sample is not None:
            self.received.append(json.loads(payload(sample)))
        return self.received

    def close(self):
        self.conn.emit("close")
        self.pipeline.set_state(Gst.State.NULL)


def key(kind, code, key_name, key_code):
    # exactly what rtcbot.Keyboard sends
    return {"type": kind, "keyCode": key_code, "key": key_name, "code": code,
            "shiftKey": False, "altKey": False, "ctrlKey": False,
            "metaKey": False, "repeat": False}


def expect_command(app, motor, browser, command):
    """The demo printed @command, the motor and the browser got it."""
    text = "Command: " + json.dumps(command)
    wait_for(lambda: text in app.lines, "%r printed by the demo" % text)
    wait_for(lambda: command in motor.commands,
             "%s at the motor controller" % command)
    wait_for(lambda: command in browser.receive(),
             "%s echoed to the browser" % command)
    log("  %s: printed, at the motor controller, echoed to the browser",
        json.dumps(command))


def drive(app, motors):
    motor = motors[-1]
    wait_for(lambda: app.line("Open http://"), "'Open http://' line")
    url = app.line("Open http://").split()[1] + "connect"
    wait_for(lambda: motor.connections, "connection to the motor controller")
    log("demo at %s, motor controller connected", url)

    browser = Browser(url)
    try:
        started = time.monotonic()
        wait_for(browser.ready, "data channel", CONNECT_TIMEOUT)
        wait_for(lambda: app.line("Peer "), "'Peer N connected' line")
        log("browser connected in %.1f s", time.monotonic() - started)

        browser.send(key("keydown", "KeyW", "w", 87))
        expect_command(app, motor, browser, {"forward": 1, "leftright": 0})
        # the stick adds to the key, within -1..1
        browser.send({"type": "axis1", "value": -0.5})
        browser.send({"type": "axis0", "value": 0.25})
        expect_command(app, motor, browser, {"forward": 1, "leftright": 0.25})
        browser.send(key("keyup", "KeyW", "w", 87))
        expect_command(app, motor, browser,
                       {"forward": 0.5, "leftright": 0.25})
        # not JSON: the element drops it with a warning, the demo goes on
        browser.conn.emit("put-string", "W pressed")
        browser.send(key("keydown", "ArrowLeft", "ArrowLeft", 37))
        expect_command(app, motor, browser,
                       {"forward": 0.5, "leftright": -0.75})

        # the motor controller restarts: the demo reconnects by itself
        motor.stop()
        motor = Motor(motor.port)
        motors.append(motor)
        wait_for(lambda: motor.connections, "reconnection to the restarted "
                 "motor controller")
        log("motor controller restarted, the demo reconnected")
        browser.send(key("keyup", "ArrowLeft", "ArrowLeft", 37))
        expect_command(app, motor, browser,
                       {"forward": 0.5, "leftright": 0.25})

        wait_for(lambda: browser.frames >= 5, "5 decoded video frames")
        log("browser decoded %d video frames", browser.frames)
        check_video_size(app, browser)
    finally:
        browser.close()

    # the browser left with the stick pushed and a key down: stop
    wait_for(lambda: app.line("Peer 0 left") or app.line("Peer 1 left"),
             "'Peer N left' line")
    stop = {"forward": 0, "leftright": 0}
    wait_for(lambda: app.commands()[-1:] == [stop], "stop printed")
    wait_for(lambda: motors[-1].commands[-1:] == [stop], "stop at the motor")
    log("  browser left: %s printed and at the motor controller",
        json.dumps(stop))


def check_video_size(app, browser):
    """--max-size MAX_SIZE: the demo says it sends SENT_SIZE, and the
    browser decodes no more (congestion control may send less)."""
    wait_for(lambda: app.line("Video: "), "'Video: WxH' line")
    if app.line("Video: ") != "Video: " + SENT_SIZE:
        raise Failure("with --max-size %s the demo printed %r, not "
                      "'Video: %s'" % (MAX_SIZE, app.line("Video: "),
                                       SENT_SIZE))
    size = wait_for(browser.video_size, "size of the decoded video")
    limit = tuple(int(side) for side in MAX_SIZE.split("x"))
    if size[0] > limit[0] or size[1] > limit[1]:
        raise Failure("the browser decoded %dx%d, more than --max-size %s"
                      % (size + (MAX_SIZE,)))
    log("--max-size %s: the demo sends %s, the browser decodes %dx%d",
        MAX_SIZE, SENT_SIZE, size[0], size[1])


def check_bad_max_sizes(command):
    """A malformed --max-size ends the demo before it starts anything,
    with status 2 and an error that names the option and the value."""
    for value in BAD_MAX_SIZES:
        proc = subprocess.run(command + ["--port", "0", "--test-pattern",
                                         "--max-size", value],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=30)
        if proc.returncode != 2:
            raise Failure("--max-size %s: exit status %d, not 2; output:\n%s"
                          % (value, proc.returncode, proc.stdout))
        if ("--max-size must be WIDTHxHEIGHT" not in proc.stdout
                or '"%s"' % value not in proc.stdout):
            raise Failure("--max-size %s: the error does not name the "
                          "option and the value: %r" % (value, proc.stdout))
        if "Open http://" in proc.stdout:
            raise Failure("--max-size %s: the demo started anyway" % value)
    log("--max-size %s: each refused with status 2 and %r",
        ", ".join(BAD_MAX_SIZES), proc.stdout.strip().splitlines()[-1])


def launch_line(doc, motor_url):
    """The demo's gst-launch line from @doc (the ```sh block that ends in
    rtcbotwebsocketbin), on a free port, sending to @motor_url, verbose so
    that it prints the port it listens on."""
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"^```sh\n(gst-launch-1.0 .*?)^```", text,
                            re.M | re.S):
        if "rtcbotwebsocketbin" in block:
            line = block.replace("\\\n", " ")
            line = re.sub(r"\blisten-port=\d+", "listen-port=0", line)
            line = re.sub(r"\burl=ws://\S+", "url=" + motor_url, line)
            return ["gst-launch-1.0", "-v"] + line.split()[1:]
    raise Failure("no gst-launch line with rtcbotwebsocketbin in " + doc)


def drive_launch_line(app, motor):
    """The launch line forwards the page's raw events; motor.py makes the
    commands out of them."""
    port = wait_for(lambda: app.line("/GstPipeline:pipeline0/"
                                     "GstRtcbotWebrtcBin:conn: bound-port"),
                    "bound-port from gst-launch-1.0 -v").split()[-1]
    url = "http://127.0.0.1:%s/connect" % port
    wait_for(lambda: motor.connections, "connection to the motor controller")
    browser = Browser(url)
    try:
        wait_for(browser.ready, "data channel", CONNECT_TIMEOUT)
        log("browser connected to the launch line at %s", url)
        steps = [
            (key("keydown", "KeyW", "w", 87), {"forward": 1, "leftright": 0}),
            ({"type": "axis0", "value": -0.5},
             {"forward": 1, "leftright": -0.5}),
            (key("keyup", "KeyW", "w", 87),
             {"forward": 0, "leftright": -0.5}),
        ]
        for event, command in steps:
            browser.send(event)
            wait_for(lambda: motor.commands[-1:] == [command],
                     "%s at motor.py" % command)
            log("  %s -> motor.py: %s", event["type"], json.dumps(command))
        wait_for(lambda: browser.frames >= 5, "5 decoded video frames")
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--app", help="the demo's command (--port 0 "
                      "--test-pattern --max-size %s --ws-url URL are added)"
                      % MAX_SIZE)
    mode.add_argument("--launch-from", metavar="DOC",
                      help="run the demo's gst-launch line from this page")
    args = parser.parse_args()
    Gst.init(None)
    if args.launch_from:
        return main_launch_line(args.launch_from)

    try:
        check_bad_max_sizes(shlex.split(args.app))
    except (Failure, subprocess.TimeoutExpired) as e:
        log("FAIL: %s", e)
        return 1

    motors = [Motor()]
    app = App(shlex.split(args.app) + ["--port", "0", "--test-pattern",
                                       "--max-size", MAX_SIZE,
                                       "--ws-url", motors[0].url])
    ok = False
    try:
        drive(app, motors)
        ok = True
    except Failure as e:
        log("FAIL: %s", e)
    finally:
        code = app.stop()
        for motor in motors:
            motor.stop()
    published = [c for motor in motors for c in motor.commands]
    if ok and code != 0:
        log("FAIL: the demo exited with %d after SIGTERM", code)
        ok = False
    if ok and app.commands() != published:
        log("FAIL: the motor controllers got %s, the demo printed %s",
            published, app.commands())
        ok = False
    if ok and "invalid JSON message" not in "\n".join(app.lines):
        log("FAIL: no warning about the message that is not JSON")
        ok = False
    if not ok:
        log("demo output:\n  %s", "\n  ".join(app.lines))
        for motor in motors:
            log("motor.py output:\n  %s", "\n  ".join(motor.lines))
        return 1
    log("OK: %d commands, in order, exit status 0", len(app.commands()))
    return 0


def main_launch_line(doc):
    motor = Motor()
    ok = False
    app = None
    try:
        app = App(launch_line(doc, motor.url))
        drive_launch_line(app, motor)
        ok = True
    except Failure as e:
        log("FAIL: %s", e)
    finally:
        # Ctrl-C, as a user stops gst-launch-1.0
        code = app.stop(signal.SIGINT) if app else None
        motor.stop()
    if ok and code != 0:
        log("FAIL: gst-launch-1.0 exited with %d after Ctrl-C", code)
        ok = False
    if not ok:
        if app:
            log("gst-launch-1.0 output:\n  %s", "\n  ".join(
                line for line in app.lines if " caps = " not in line))
        log("motor.py output:\n  %s", "\n  ".join(motor.lines))
        return 1
    log("OK: the documented launch line drives motor.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
