#!/usr/bin/python3
"""The remote-control demo (examples/remotecontrol, C or Python) driven end
to end, with independent peers on both of its sides:

- a "browser": an rtcbotwebrtcbin in this process that offers to the
  demo's POST /connect (connect-url), decodes its video and sends what
  rtcbot.js's Keyboard and Gamepad send;
- a motor controller: a python3-aiohttp websocket server that the demo
  publishes its commands to (--ws-url).

Checks: keys and sticks become the documented commands, printed by the
demo, published to the motor controller and echoed to the browser, in the
same order; text that is not JSON is dropped without harm; the browser
leaving stops the robot; SIGTERM ends the demo with status 0.

Run: remotecontrol_app.py --app "build/examples/remotecontrol/remotecontrol"
(with GST_PLUGIN_PATH pointing at the build tree). Exits 77 when aiohttp is
missing.
"""
import argparse
import asyncio
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interop import Gst, aio, log, payload, stop_aio  # noqa: E402

try:
    from aiohttp import WSMsgType, web
except ImportError:
    print("SKIP: python3-aiohttp is missing (apt-get install python3-aiohttp)",
          file=sys.stderr)
    sys.exit(77)

CONNECT_TIMEOUT = 30.0      # ICE, DTLS and SCTP on a loaded 2-core machine
STEP_TIMEOUT = 10.0


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
    """A websocket server standing for the robot's motor controller."""

    def __init__(self):
        self.commands = []
        self.connections = 0
        self.runner = aio().run(self._start())

    async def _start(self):
        app = web.Application()
        app.router.add_get("/motor", self._handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = "ws://127.0.0.1:%d/motor" % \
            site._server.sockets[0].getsockname()[1]
        return runner

    async def _handler(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.commands.append(json.loads(msg.data))
        return ws

    def stop(self):
        aio().run(self.runner.cleanup())


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

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
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


def drive(app, motor):
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

        wait_for(lambda: browser.frames >= 5, "5 decoded video frames")
        log("browser decoded %d video frames", browser.frames)
    finally:
        browser.close()

    # the browser left with the stick pushed and a key down: stop
    wait_for(lambda: app.line("Peer 0 left") or app.line("Peer 1 left"),
             "'Peer N left' line")
    stop = {"forward": 0, "leftright": 0}
    wait_for(lambda: app.commands()[-1:] == [stop], "stop printed")
    wait_for(lambda: motor.commands[-1:] == [stop], "stop at the motor")
    log("  browser left: %s printed and at the motor controller",
        json.dumps(stop))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", required=True,
                        help="the demo's command (--port 0 --test-pattern "
                        "--ws-url URL are added)")
    args = parser.parse_args()
    Gst.init(None)

    motor = Motor()
    app = App(shlex.split(args.app) + ["--port", "0", "--test-pattern",
                                       "--ws-url", motor.url])
    ok = False
    try:
        drive(app, motor)
        ok = True
    except Failure as e:
        log("FAIL: %s", e)
    finally:
        code = app.stop()
        motor.stop()
        stop_aio()
    if ok and code != 0:
        log("FAIL: the demo exited with %d after SIGTERM", code)
        ok = False
    if ok and app.commands() != motor.commands:
        log("FAIL: the motor controller got %s, the demo printed %s",
            motor.commands, app.commands())
        ok = False
    if ok and "invalid JSON message" not in "\n".join(app.lines):
        log("FAIL: no warning about the message that is not JSON")
        ok = False
    if not ok:
        log("demo output:\n  %s", "\n  ".join(app.lines))
        return 1
    log("OK: %d commands, in order, exit status 0", len(app.commands()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
