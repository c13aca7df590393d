#!/usr/bin/python3
"""Real-browser end-to-end test of a remote-control robot application.

A robot application (the C or Python webrtc-robot example, or any program
that behaves like it) serves a web page with its camera over WebRTC and
reads the key presses the page sends over the data channel. This test
drives Debian's headless Chromium through the Chrome DevTools Protocol
(CDP), spoken directly over a websocket with aiohttp (no npm, no
playwright), and checks that

* the page connects (``#state`` reads ``connected``) and the ``<video>``
  plays: it has a size and its currentTime advances;
* the page's link line (``#stats``) shows this viewer's figures from
  getStats(): a video bitrate and frame rate above 0 and a round-trip time;
* pressing W in the page reaches the robot:
  - with ``--expect-command``: the robot prints
    ``Command: {"forward": 1, ...}`` while W is held and
    ``Command: {"forward": 0, "leftright": 0}`` once it is released, and
    the page shows the robot's reply in ``#robot``;
  - otherwise: the robot prints ``Got message: `` lines with the raw
    ``keydown`` (code ``KeyW``) and ``keyup`` events;
* the robot exits with status 0 on SIGTERM.

A screenshot is taken while W is held.

Run (with the interpreter that has aiohttp, /usr/bin/python3 on Debian):

    cd build && GST_PLUGIN_PATH_1_0=$PWD/gst/rtcbot:$PWD/ext/webrtc \\
      /usr/bin/python3 ../tests/interop/remotecontrol_chromium.py \\
        --app "$PWD/examples/webrtc/webrtc-robot" [--screenshot PATH] \\
        [--expect-command]

``--port 0`` is appended to the application's command line; it must print
``Open http://HOST:PORT/ ...`` once it listens.

Skip rule: exit 77 when Chromium (/usr/bin/chromium or ``chromium`` on
PATH) or aiohttp is missing. Anything else that goes wrong is a failure
(exit 1), reported with the robot's output, the page's console messages
and the tail of Chromium's log.
"""

import argparse
import asyncio
import base64
import faulthandler
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SKIP = 77
OVERALL_TIMEOUT_S = 120       # the whole test, teardown aside
ROBOT_START_TIMEOUT_S = 20    # until the robot prints its URL
DEVTOOLS_TIMEOUT_S = 20       # until Chromium writes DevToolsActivePort
CONNECT_TIMEOUT_S = 30        # page load to playing video; 2 shared cores
COMMAND_TIMEOUT_S = 10        # key event to the robot's line
STATS_TIMEOUT_S = 10          # playing video to figures in #stats
ROBOT_EXIT_TIMEOUT_S = 10
CHROMIUM_EXIT_TIMEOUT_S = 5

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-extensions", "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-port=0", "--window-size=1024,900",
]


def log(fmt, *args):
    # Same as interop.log(); not imported because interop.py needs gi,
    # which this test does not.
    print(fmt % args if args else fmt, file=sys.stderr, flush=True)


class Failure(Exception):
    """A check failed; the message says which."""


def skip(what, how):
    log("SKIP: %s is missing (%s)", what, how)
    sys.exit(SKIP)


def find_chromium():
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# --------------------------------------------------------------------------
# The robot application


class Robot:
    """The application under test, its output collected by a thread."""

    def __init__(self, command):
        env = dict(os.environ)
        # a Python robot would otherwise hold its prints back in a pipe
        env["PYTHONUNBUFFERED"] = "1"
        log("Starting the robot: %s", shlex.join(command))
        # stderr joins stdout so its errors are in the dump on failure
        try:
            self.proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True,
                                         bufsize=1, env=env)
        except OSError as e:
            raise Failure("cannot start the robot %r: %s" % (command[0], e))
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, name="robot-out",
                                       daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def output(self):
        with self.lock:
            return list(self.lines)

    async def wait_line(self, predicate, timeout, what, start=0):
        """The first line from index start on that satisfies predicate;
        returns (index, line). Fails on timeout or if the robot exits."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.output()
            for i in range(start, len(lines)):
                if predicate(lines[i]):
                    return i, lines[i]
            if self.proc.poll() is not None:
                raise Failure("the robot exited (status %d) before %s"
                              % (self.proc.returncode, what))
            if time.monotonic() > deadline:
                raise Failure("the robot did not print %s within %g s"
                              % (what, timeout))
            await asyncio.sleep(0.1)

    async def url(self):
        _, line = await self.wait_line(lambda l: l.startswith("Open http://"),
                                       ROBOT_START_TIMEOUT_S,
                                       "its 'Open http://...' line")
        return line.split()[1]

    def stop(self):
        """SIGTERM; the robot must exit with status 0 in time."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(ROBOT_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure("the robot did not exit within %d s of SIGTERM"
                          % ROBOT_EXIT_TIMEOUT_S)
        finally:
            self.reader.join(2)
        if status != 0:
            raise Failure("the robot exited with status %d" % status)

    def dump(self):
        log("---- robot output ----")
        for line in self.output():
            log("  %s", line)
        log("---- end of robot output ----")


# --------------------------------------------------------------------------
# Chromium and the DevTools protocol


class Chromium:
    """Headless Chromium in a fresh profile, with remote debugging on."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="rtcbot-chromium-")
        self.log_path = os.path.join(self.profile, "chromium.log")
        self.log_file = open(self.log_path, "wb")
        command = ([binary] + CHROMIUM_FLAGS
                   + ["--user-data-dir=" + self.profile, "about:blank"])
        log("Starting Chromium: %s", shlex.join(command))
        # its own process group so that a stuck renderer can be killed
        # along with the browser; its stderr (including a harmless shell
        # warning from Debian's wrapper script) goes to the log
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                     stdout=self.log_file,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)

    async def devtools_port(self):
        """The port from DevToolsActivePort, written once Chromium listens."""
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + DEVTOOLS_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failure("Chromium exited (status %d) at startup"
                              % self.proc.returncode)
            try:
                with open(path) as f:
                    lines = f.read().split("\n")
                # written in one go, but it may be read half-written
                if len(lines) >= 2 and lines[0].strip().isdigit():
                    return int(lines[0])
            except FileNotFoundError:
                pass
            await asyncio.sleep(0.1)
        raise Failure("Chromium did not write %s within %d s"
                      % (path, DEVTOOLS_TIMEOUT_S))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(CHROMIUM_EXIT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log("Chromium did not exit on SIGTERM, killing it")
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.log_file.close()

    def dump_log(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                # a container has no D-Bus, and Chromium says so at length
                tail = [line for line in f.read().splitlines()
                        if line.strip() and ":ERROR:dbus/" not in line]
                tail = tail[-lines:]
        except OSError:
            return
        log("---- tail of Chromium's log ----")
        for line in tail:
            log("  %s", line)
        log("---- end of Chromium's log ----")

    def remove_profile(self):
        shutil.rmtree(self.profile, ignore_errors=True)


def page_websocket_url(port):
    """The debugger URL of a page target (Chromium opens about:blank)."""
    with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                timeout=5) as response:
        targets = json.load(response)
    for target in targets:
        if target.get("type") == "page" and "webSocketDebuggerUrl" in target:
            return target["webSocketDebuggerUrl"]
    return None


def browser_websocket_url(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/json/version" % port,
                                timeout=5) as response:
        return json.load(response)["webSocketDebuggerUrl"]


class CDP:
    """A minimal CDP client: commands by id, events kept for later."""

    def __init__(self, session, ws):
        self.session = session
        self.ws = ws
        self.next_id = 0
        self.pending = {}
        self.events = []
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def connect(cls, aiohttp, url):
        session = aiohttp.ClientSession()
        try:
            # screenshots are bigger than aiohttp's default 4 MiB limit
            ws = await session.ws_connect(url, max_msg_size=0)
        except BaseException:
            await session.close()
            raise
        return cls(session, ws)

    async def _read(self):
        try:
            async for msg in self.ws:
                if msg.type.name != "TEXT":
                    continue
                data = json.loads(msg.data)
                future = self.pending.pop(data.get("id"), None)
                if future is not None:
                    if not future.done():
                        future.set_result(data)
                elif "method" in data:
                    self.events.append(data)
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(
                        Failure("the DevTools websocket closed"))

    async def send(self, method, params=None, timeout=15):
        if self.reader.done():
            raise Failure("the DevTools websocket is closed")
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send_str(json.dumps(
            {"id": self.next_id, "method": method, "params": params or {}}))
        try:
            data = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise Failure("no answer to %s within %g s" % (method, timeout))
        if "error" in data:
            raise Failure("%s failed: %s" % (method, data["error"]))
        return data.get("result", {})

    async def evaluate(self, expression):
        """The value of a JavaScript expression in the page."""
        result = await self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True,
            "awaitPromise": True})
        if "exceptionDetails" in result:
            raise Failure("evaluating %r threw: %s"
                          % (expression, describe_exception(
                              result["exceptionDetails"])))
        return result["result"].get("value")

    async def close(self):
        await self.ws.close()
        self.reader.cancel()
        try:
            await self.reader
        except BaseException:
            pass
        await self.session.close()

    def console_messages(self):
        """The page's console, exceptions and log entries, as text."""
        out = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                args = " ".join(
                    str(a.get("value", a.get("description", a.get("type"))))
                    for a in params.get("args", []))
                out.append("console.%s: %s" % (params.get("type"), args))
            elif method == "Runtime.exceptionThrown":
                out.append("exception: " + describe_exception(
                    params.get("exceptionDetails", {})))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                out.append("log %s/%s: %s %s" % (
                    entry.get("source"), entry.get("level"),
                    entry.get("text"), entry.get("url", "")))
        return out


def describe_exception(details):
    exception = details.get("exception", {})
    return exception.get("description") or details.get("text", "?")


# --------------------------------------------------------------------------
# The test steps


async def open_page(cdp, url):
    await cdp.send("Page.enable")
    await cdp.send("Runtime.enable")
    await cdp.send("Log.enable")
    result = await cdp.send("Page.navigate", {"url": url})
    if result.get("errorText"):
        raise Failure("navigating to %s failed: %s"
                      % (url, result["errorText"]))
    # polled rather than waiting for Page.loadEventFired, which may have
    # fired before anyone waits for it
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while time.monotonic() < deadline:
        state = await cdp.evaluate(
            "location.href.startsWith(%s) ? document.readyState : ''"
            % json.dumps(url))
        if state == "complete":
            return
        await asyncio.sleep(0.2)
    raise Failure("the page at %s did not load within %d s"
                  % (url, CONNECT_TIMEOUT_S))


VIDEO_STATE_JS = """(() => {
  const state = document.getElementById('state');
  const video = document.getElementById('video');
  return {
    state: state ? state.textContent : null,
    error: (document.getElementById('error') || {}).textContent || '',
    width: video ? video.videoWidth : -1,
    height: video ? video.videoHeight : -1,
    time: video ? video.currentTime : -1,
    ice: window.conn ? window.conn.pc.iceConnectionState : null,
  };
})()"""


async def wait_playing(cdp, start):
    """Waits for #state 'connected' and a video with a size, then checks
    that its currentTime advances. Returns the figures; the time to
    connect counts from start (the navigation)."""
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        v = await cdp.evaluate(VIDEO_STATE_JS)
        if v["state"] == "connected" and v["width"] > 0:
            break
        if v["state"] == "failed":
            raise Failure("the page failed to connect: %s (ICE %s)"
                          % (v["error"] or "no detail", v["ice"]))
        if time.monotonic() > deadline:
            raise Failure("no playing video within %d s: state %r, video "
                          "%dx%d, ICE %s" % (CONNECT_TIMEOUT_S, v["state"],
                                             v["width"], v["height"],
                                             v["ice"]))
        await asyncio.sleep(0.25)
    connect_s = time.monotonic() - start
    if v["height"] <= 0:
        raise Failure("the video has a width (%d) but no height"
                      % v["width"])
    t1 = v["time"]
    await asyncio.sleep(1.5)
    t2 = (await cdp.evaluate(VIDEO_STATE_JS))["time"]
    log("Video %dx%d, currentTime %.2f -> %.2f s over 1.5 s, connected "
        "and playing %.1f s after navigating to the page",
        v["width"], v["height"], t1, t2, connect_s)
    if not t2 > t1 + 0.3:
        raise Failure("the video does not play: currentTime %.2f -> %.2f "
                      "over 1.5 s" % (t1, t2))
    return v["width"], v["height"], t1, t2, connect_s


STATS_JS = """(() => {
  const stats = document.getElementById('stats');
  return stats ? stats.textContent : null;
})()"""
# "850 kbit/s · 30 fps · RTT 3 ms", "–" for a figure not known yet
STATS_LINE = re.compile(r"^(\d+|–) kbit/s · (\d+|–) fps · RTT (\d+ ms|–)$")


async def check_stats(cdp):
    """#stats shows the video arriving: kbit/s and fps above 0, and the
    round-trip time of the connection."""
    deadline = time.monotonic() + STATS_TIMEOUT_S
    while True:
        text = await cdp.evaluate(STATS_JS)
        if text is None:
            raise Failure("the page has no #stats element")
        match = STATS_LINE.match(text)
        if match and match.group(3) != "–" and all(
                g.isdigit() and int(g) > 0 for g in match.group(1, 2)):
            log("The page's link line: %s", text)
            return
        if time.monotonic() > deadline:
            raise Failure("#stats did not show a bitrate, a frame rate and "
                          "a round-trip time within %d s: %r"
                          % (STATS_TIMEOUT_S, text))
        await asyncio.sleep(0.5)


KEY_W = {"key": "w", "code": "KeyW", "windowsVirtualKeyCode": 87,
         "nativeVirtualKeyCode": 87}


async def focus_page(cdp):
    # Key events only reach a focused page; headless windows are not
    # focused by themselves
    await cdp.send("Page.bringToFront")
    try:
        await cdp.send("Emulation.setFocusEmulationEnabled",
                       {"enabled": True})
    except Failure as e:          # experimental; bringToFront may suffice
        log("(Emulation.setFocusEmulationEnabled: %s)", e)
    await cdp.evaluate("window.focus()")


async def key_down(cdp):
    await cdp.send("Input.dispatchKeyEvent",
                   dict(KEY_W, type="keyDown", text="w"))


async def key_up(cdp):
    await cdp.send("Input.dispatchKeyEvent", dict(KEY_W, type="keyUp"))


async def screenshot(cdp, path):
    # the whole page, not just the viewport: the video fills the window's
    # width, which pushes the state and the last command below the fold
    result = await cdp.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True})
    with open(path, "wb") as f:
        f.write(base64.b64decode(result["data"]))
    log("Screenshot saved to %s", os.path.abspath(path))


ROBOT_REPLY_JS = """(() => {
  const robot = document.getElementById('robot');
  return robot ? robot.textContent : null;
})()"""


async def check_page_reply(cdp):
    """The page shows the robot's reply to forward 1 in #robot."""
    deadline = time.monotonic() + COMMAND_TIMEOUT_S
    while True:
        text = await cdp.evaluate(ROBOT_REPLY_JS)
        if text is None:
            raise Failure("the page has no #robot element")
        if '"forward":1' in text or '"forward": 1' in text:
            log("The page shows the robot's reply: %s", text)
            return
        if time.monotonic() > deadline:
            raise Failure("#robot did not show forward 1 within %d s: %r"
                          % (COMMAND_TIMEOUT_S, text))
        await asyncio.sleep(0.2)


async def press_w(cdp, robot, expect_command, screenshot_path):
    """Holds W, checks what the robot makes of it, screenshots, releases."""
    await focus_page(cdp)
    mark = len(robot.output())
    pressed = time.monotonic()
    await key_down(cdp)
    if expect_command:
        i, line = await robot.wait_line(
            lambda l: l.startswith("Command:") and '"forward": 1' in l,
            COMMAND_TIMEOUT_S, 'a "forward": 1 command after W went down',
            mark)
    else:
        i, line = await robot.wait_line(
            lambda l: (l.startswith("Got message: ") and '"keydown"' in l
                       and "KeyW" in l),
            COMMAND_TIMEOUT_S, "the keydown message of W", mark)
    log("W down -> robot (%.2f s): %s", time.monotonic() - pressed, line)
    if expect_command:
        await check_page_reply(cdp)
    await screenshot(cdp, screenshot_path)
    # hold W at least half a second, as a person would
    await asyncio.sleep(max(0.0, pressed + 0.5 - time.monotonic()))
    released = time.monotonic()
    await key_up(cdp)
    if expect_command:
        _, line = await robot.wait_line(
            lambda l: (l.startswith("Command:") and
                       _is_stop_command(l[len("Command:"):])),
            COMMAND_TIMEOUT_S,
            'Command: {"forward": 0, "leftright": 0} after W went up', i + 1)
    else:
        _, line = await robot.wait_line(
            lambda l: (l.startswith("Got message: ") and '"keyup"' in l
                       and "KeyW" in l),
            COMMAND_TIMEOUT_S, "the keyup message of W", i + 1)
    log("W up -> robot (%.2f s): %s", time.monotonic() - released, line)


def _is_stop_command(text):
    try:
        return json.loads(text) == {"forward": 0, "leftright": 0}
    except ValueError:
        return False


# --------------------------------------------------------------------------


async def page_target(aiohttp, port):
    """The debugger URL of a page, made with Target.createTarget if
    Chromium has none open yet."""
    loop = asyncio.get_running_loop()
    ws_url = await loop.run_in_executor(None, page_websocket_url, port)
    if ws_url is not None:
        return ws_url
    browser = await CDP.connect(aiohttp, await loop.run_in_executor(
        None, browser_websocket_url, port))
    try:
        await browser.send("Target.createTarget", {"url": "about:blank"})
    finally:
        await browser.close()
    ws_url = await loop.run_in_executor(None, page_websocket_url, port)
    if ws_url is None:
        raise Failure("Chromium has no page target")
    return ws_url


async def run(args, aiohttp, chromium_binary, state):
    robot = state["robot"] = Robot(shlex.split(args.app) + ["--port", "0"])
    url = await robot.url()
    log("The robot serves %s", url)

    chromium = state["chromium"] = Chromium(chromium_binary)
    port = await chromium.devtools_port()
    ws_url = await page_target(aiohttp, port)
    cdp = state["cdp"] = await CDP.connect(aiohttp, ws_url)

    navigated = time.monotonic()
    await open_page(cdp, url)
    await wait_playing(cdp, navigated)
    await check_stats(cdp)
    await press_w(cdp, robot, args.expect_command, args.screenshot)


async def teardown(state):
    """Closes everything that was started; returns the failures."""
    failures = []
    cdp, chromium, robot = (state.get(k) for k in ("cdp", "chromium",
                                                   "robot"))
    if cdp is not None:
        try:
            await asyncio.wait_for(cdp.close(), 5)
        except Exception as e:
            log("closing the DevTools websocket: %r", e)
    if chromium is not None:
        chromium.stop()
    if robot is not None:
        try:
            robot.stop()
        except Failure as e:
            failures.append(str(e))
    return failures


async def main_async(args, aiohttp, chromium_binary):
    state = {}
    failure = None
    try:
        await asyncio.wait_for(run(args, aiohttp, chromium_binary, state),
                               OVERALL_TIMEOUT_S)
    except asyncio.TimeoutError:
        failure = "the test did not finish within %d s" % OVERALL_TIMEOUT_S
    except Failure as e:
        failure = str(e)
    except Exception as e:
        failure = "unexpected error: %r" % e
    finally:
        failures = await teardown(state)
        if failure:
            failures.insert(0, failure)
        if failures:
            for f in failures:
                log("FAIL: %s", f)
            if "cdp" in state:
                log("---- page console ----")
                for line in state["cdp"].console_messages():
                    log("  %s", line)
                log("---- end of page console ----")
            if "chromium" in state:
                state["chromium"].dump_log()
            if "robot" in state:
                state["robot"].dump()
        if "chromium" in state:
            state["chromium"].remove_profile()
    if not failures:
        log("PASS")
    return 1 if failures else 0


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0])
    parser.add_argument("--app", required=True,
                        help="command line of the robot application "
                             "(shell-style; --port 0 is appended)")
    parser.add_argument("--screenshot", default="remotecontrol.png",
                        help="where to save the screenshot taken while W "
                             "is held (default: %(default)s)")
    parser.add_argument("--expect-command", action="store_true",
                        help="the robot turns keys into drive commands "
                             "(prints 'Command: {...}') instead of printing "
                             "the raw messages")
    return parser.parse_args()


def main():
    args = parse_args()
    try:
        import aiohttp
    except ImportError:
        skip("aiohttp", "apt-get install python3-aiohttp, and run this test "
             "with /usr/bin/python3")
    chromium_binary = find_chromium()
    if chromium_binary is None:
        skip("Chromium (/usr/bin/chromium)", "apt-get install chromium")
    # last resort should teardown itself hang: the overall timeout, plus
    # the bounded waits of the teardown, plus slack
    faulthandler.dump_traceback_later(OVERALL_TIMEOUT_S + 60, exit=True)
    return asyncio.run(main_async(args, aiohttp, chromium_binary))


if __name__ == "__main__":
    sys.exit(main())
