#!/usr/bin/python3
"""Driving a robot over a bad link: video and control RTT through a
400 kbit/s bottleneck, with rtcbotwebrtcbin and with RTCBot's Python robot.

What is measured. A robot streams 640x480 30 fps video over WebRTC to a
viewer, headless Chromium, which sends a JSON control message ten times a
second on the "default" data channel ({"seq": n, "t": performance.now(),
"id": viewer}) that the robot echoes back. The page
(bench/badlink/page/index.html, served by the robot itself) times every
echo (control RTT; a message never echoed is lost) and samples getStats()
once a second: the video inbound-rtp's
framesDecoded (-> fps), bytesReceived (-> kbit/s), freezeCount and frame
size. The link is free for 10 s, then shaped with
`tc qdisc add dev lo root tbf rate 400kbit burst 16kb latency 300ms` for
20 s, then freed again for 15 s. Per phase: control RTT p50/p95, messages
sent/lost, mean fps and kbit/s, freezes, and for the last phase the time
from freeing the link to the first second with >= 1 Mbit/s and >= 29 fps
(also: to >= 29 fps alone, and to >= 29 fps with >= 90 % of the robot's
own free-phase kbit/s).

Robots:
  gst            gst-launch-1.0 videotestsrc is-live=true PATTERN !
                 video/x-raw,width=640,height=480,framerate=30/1 !
                 w.video_sink_0 rtcbotwebrtcbin name=w ...
                 w.src_0 ! identity ! w.sink_0
                 (default video-encoder; messages echoed by linking the
                 message pads -- `w.src_0 ! w.sink_0` straight does not
                 echo in gst-launch, hence the identity, as in
                 bench/datachannel/gst_echo.py; web-root serves the
                 benchmark page)
  rtcbot-python  bench/badlink/aiortc_robot.py: an aiortc RTCPeerConnection
                 behind an aiohttp /connect, as RTCBot robots are written,
                 sending the same videotestsrc pictures (aiortc's VP8
                 encoder) and echoing

--pattern: what the camera (videotestsrc, in both robots: the Python one
reads it through an appsink) shows.
  bars (default)  pattern=smpte horizontal-speed=4: scrolling colour bars,
                  about 1.4 Mbit/s with the default encoder (1.5 Mbit/s
                  CBR), like a moving camera; the bottleneck bites
  ball            pattern=ball, the small ball on black: so cheap to
                  encode (about 130 kbit/s) that the video stays far
                  below 400 kbit/s and only the data channel can suffer
  snow            pattern=snow, noise: 9-15 Mbit/s, the encoders cannot
                  hold any target; a worst case

The link. Everything runs in a fresh network namespace
rtcbot-badlink-<pid> with lo up and a veth pair (10.77.0.1/24 and
10.77.0.2/24; the robot listens on 10.77.0.1, so Chromium sees a non-
loopback candidate). Both ends being local, the traffic goes through lo:
the tbf on lo (also put on the veth ends, where nothing passes) shapes
both directions together, video, RTCP and the data channel in one
400 kbit/s queue. Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe), so nothing of the harness crosses the link.

--viewer aiortc: the viewer is bench/badlink/aiortc_viewer.py instead of
Chromium, an aiortc peer measuring what the page measures (frames decoded,
payload received, freezes counted as Chromium counts them, the same
control messages). It sends receiver reports and NACKs but no
transport-wide feedback (nor REMB: aiortc computes it from the
abs-send-time header extension, which rtcbotwebrtcbin does not send), as
RTCBot's Python peers; Chromium is then not needed.
--viewers 2 (robot gst only): the robot in namespace ...-r, two viewers
in namespaces ...-v1 and ...-v2, each joined to the robot's by its own veth
pair (10.77.1.0/24, 10.77.2.0/24); the robot listens on 0.0.0.0. The tbf
goes on both ends of viewer 1's veth pair (400 kbit/s each way); viewer 2's
path stays free. Reported: both viewers' phases, in particular the free
viewer's fps and kbit/s while the other one is shaped.

The namespaces are always deleted on exit (failures, SIGINT and SIGTERM
included); leftovers of a killed run (whose pid is gone) are deleted at the
next start.

Run as root, with /usr/bin/python3 (aiohttp, aiortc, numpy, av), from the
top of the source tree after `meson setup build && ninja -C build`:

    /usr/bin/python3 bench/badlink/run.py --robot both --json badlink.json
    /usr/bin/python3 bench/badlink/run.py --robot gst --quick
    /usr/bin/python3 bench/badlink/run.py --robot gst --viewer aiortc
    /usr/bin/python3 bench/badlink/run.py --robot gst --viewers 2 \\
        --json badlink-2viewers.json

--quick: phases of 5/10/15 s instead of 10/20/15. --build-dir: the meson
build whose plugins are used (default: build/). Exit 77 (skip) when not
root or Chromium (/usr/bin/chromium) is missing; 1 when a run fails.

JSON (--json PATH): {"benchmark": "badlink", "command", "nproc",
"loadavg_before", "loadavg_after", "schedule", "notes", "runs": [...]},
one run per robot: {"robot", "viewers": 1, "viewer", "timeline": [{"t",
"fps", "kbps", "rtt_p50_ms", "rtt_max_ms", "rtt_over_400ms",
"freeze_count", ...}], "phases": {"free", "shaped",
"recovered"}}. With --viewers 2 a run has "viewer_results": {"shaped":
{"timeline", "phases"}, "free": {...}} instead of timeline/phases.
"""

import argparse
import asyncio
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchstats import loadavg, percentile, rounded  # noqa: E402

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PAGE_DIR = os.path.join(HERE, "page")
PYTHON = "/usr/bin/python3"
NS_PREFIX = "rtcbot-badlink-"
PORT = 8080                   # a fresh namespace: nothing else listens
PATTERNS = {"bars": "pattern=smpte horizontal-speed=4",
            "ball": "pattern=ball", "snow": "pattern=snow"}
SHAPE = "tbf rate 400kbit burst 16kb latency 300ms"
FULL = {"free": 10.0, "shaped": 20.0, "recovered": 15.0}
QUICK = {"free": 5.0, "shaped": 10.0, "recovered": 15.0}
RECOVERED_KBPS, RECOVERED_FPS = 1000.0, 29.0
CONNECT_TIMEOUT_S = 40        # page load to the first decoded frame
ROBOT_START_TIMEOUT_S = 20
ECHO_GRACE_S = 3.0            # after the last message, before reading

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-extensions", "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    # real host candidates instead of mDNS names (nothing resolves .local
    # in the namespace; peer-reflexive candidates would do, but why rely)
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--remote-debugging-pipe", "--window-size=800,700",
]


def log(fmt, *args):
    print(fmt % args if args else fmt, file=sys.stderr, flush=True)


class Failure(Exception):
    """The run cannot go on; the message says why."""


def sh(*cmd, check=True):
    """Runs a command (list of words); its output on failure."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise Failure("%s: %s" % (shlex.join(cmd), proc.stdout.strip()))
    return proc


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


# --------------------------------------------------------------------------
# Network namespaces and the shaper


class Topology:
    """The namespaces of one run; delete() removes them (idempotent)."""

    live = []                 # every Topology not yet deleted, for signals

    def __init__(self, viewers):
        base = NS_PREFIX + str(os.getpid())
        self.namespaces = []
        self.shaped = []      # (namespace, device) pairs the tbf goes on
        Topology.live.append(self)
        if viewers == 1:
            ns = base
            self._add_ns(ns)
            sh("ip", "-n", ns, "link", "add", "bl0a", "type", "veth",
               "peer", "name", "bl0b")
            for dev, addr in (("bl0a", "10.77.0.1/24"),
                              ("bl0b", "10.77.0.2/24")):
                sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
                sh("ip", "-n", ns, "link", "set", dev, "up")
            self.robot_ns = ns
            self.listen_host = "10.77.0.1"
            self.viewers = [("viewer", ns,
                             "http://10.77.0.1:%d/?id=viewer" % PORT)]
            self.shaped = [(ns, "lo"), (ns, "bl0a"), (ns, "bl0b")]
        else:
            r = base + "-r"
            self._add_ns(r)
            self.robot_ns = r
            self.listen_host = "0.0.0.0"
            self.viewers = []
            for i, name in ((1, "shaped"), (2, "free")):
                v = "%s-v%d" % (base, i)
                self._add_ns(v)
                rdev, vdev = "bl%dr" % i, "bl%dv" % i
                sh("ip", "link", "add", rdev, "netns", r, "type", "veth",
                   "peer", "name", vdev, "netns", v)
                for ns, dev, addr in ((r, rdev, "10.77.%d.1/24" % i),
                                      (v, vdev, "10.77.%d.2/24" % i)):
                    sh("ip", "-n", ns, "addr", "add", addr, "dev", dev)
                    sh("ip", "-n", ns, "link", "set", dev, "up")
                self.viewers.append(
                    (name, v, "http://10.77.%d.1:%d/?id=%s" % (i, PORT, name)))
                if name == "shaped":
                    self.shaped = [(r, rdev), (v, vdev)]

    def _add_ns(self, ns):
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")

    def shape(self):
        for ns, dev in self.shaped:
            sh("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev,
               "root", *SHAPE.split())

    def unshape(self):
        for ns, dev in self.shaped:
            sh("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev,
               "root", check=False)

    def delete(self):
        while self.namespaces:
            sh("ip", "netns", "del", self.namespaces.pop(), check=False)
        if self in Topology.live:
            Topology.live.remove(self)


def delete_stale_namespaces():
    """Namespaces left by a run that was killed (its pid is gone)."""
    out = sh("ip", "netns", "list", check=False).stdout
    for line in out.splitlines():
        name = line.split()[0] if line.split() else ""
        if not name.startswith(NS_PREFIX):
            continue
        pid = name[len(NS_PREFIX):].split("-")[0]
        if pid.isdigit() and not os.path.exists("/proc/" + pid):
            log("deleting the stale namespace %s", name)
            sh("ip", "netns", "del", name, check=False)


# --------------------------------------------------------------------------
# Processes in a namespace


class Process:
    """A command run in a namespace, its output in a log file."""

    live = []

    def __init__(self, name, ns, command, log_path, env=None, **kw):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        full = ["ip", "netns", "exec", ns] + command
        log("[%s] %s", name, shlex.join(full))
        self.proc = subprocess.Popen(full, stdin=subprocess.PIPE,
                                     stdout=self.log_file,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True, **kw)
        Process.live.append(self)

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=5):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        # the process group may hold more (Chromium's helpers)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.log_file.close()
        if self in Process.live:
            Process.live.remove(self)

    def tail(self, lines=25):
        text = [l for l in self.output().splitlines()
                if l.strip() and ":ERROR:dbus/" not in l]
        return "\n".join("  " + l for l in text[-lines:])


def start_robot(robot, pattern, topo, tmp, build_dir):
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env["GST_REGISTRY"] = os.path.join(tmp, "registry-%s.bin" % robot)
    if robot == "gst":
        env["GST_PLUGIN_PATH_1_0"] = ":".join(
            os.path.join(build_dir, d)
            for d in ("gst/rtcbot", "ext/webrtc", "ext/websocket"))
        command = (
            ["gst-launch-1.0", "videotestsrc", "is-live=true"] +
            PATTERNS[pattern].split() +
            ["!", "video/x-raw,width=640,height=480,framerate=30/1",
             "!", "w.video_sink_0",
             "rtcbotwebrtcbin", "name=w", "listen-host=" + topo.listen_host,
             "listen-port=%d" % PORT, "web-root=" + PAGE_DIR,
             "w.src_0", "!", "identity", "silent=true", "!", "w.sink_0"])
    else:
        command = [PYTHON, os.path.join(HERE, "aiortc_robot.py"),
                   "--host", topo.listen_host, "--port", str(PORT),
                   "--page-dir", PAGE_DIR, "--camera", PATTERNS[pattern]]
    return Process(robot, topo.robot_ns, command,
                   os.path.join(tmp, robot + ".log"), env=env)


async def wait_http(ns, url, proc):
    """Until GET url answers from inside ns (the robot listens)."""
    probe = ("import sys, urllib.request\n"
             "try:\n urllib.request.urlopen(sys.argv[1], timeout=2).read()\n"
             "except Exception as e:\n print(e); sys.exit(1)\n")
    deadline = time.monotonic() + ROBOT_START_TIMEOUT_S
    while True:
        if not proc.alive():
            raise Failure("the robot exited (status %s) at startup:\n%s"
                          % (proc.proc.returncode, proc.tail()))
        p = await asyncio.create_subprocess_exec(
            "ip", "netns", "exec", ns, PYTHON, "-c", probe, url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        if await p.wait() == 0:
            return
        if time.monotonic() > deadline:
            raise Failure("the robot did not serve %s within %d s:\n%s"
                          % (url, ROBOT_START_TIMEOUT_S, proc.tail()))
        await asyncio.sleep(0.3)


# --------------------------------------------------------------------------
# Chromium over --remote-debugging-pipe


class PipedProcess:
    """A process in ns driven over fds 3 (commands) and 4 (replies),
    NUL-separated JSON messages, each reply carrying its command's id."""

    def __init__(self, name, ns, command, tmp, env=None):
        cmd_r, self.cmd_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        # ip netns exec keeps inherited fds; a shell puts ours at 3 and 4
        script = ('exec 3<&%d 4>&%d %d<&- %d>&-; exec "$@"'
                  % (cmd_r, resp_w, cmd_r, resp_w))
        self.process = Process(name, ns, ["bash", "-c", script, "bash"] +
                               command, os.path.join(tmp, name + ".log"),
                               env=env, pass_fds=(cmd_r, resp_w))
        os.close(cmd_r)
        os.close(resp_w)
        os.set_blocking(self.resp_r, False)
        self.buffer = b""
        self.next_id = 0
        self.pending = {}
        loop = asyncio.get_running_loop()
        self.closed = loop.create_future()
        loop.add_reader(self.resp_r, self._readable)

    def _readable(self):
        try:
            data = os.read(self.resp_r, 1 << 20)
        except BlockingIOError:
            return
        if not data:
            asyncio.get_running_loop().remove_reader(self.resp_r)
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(Failure("%s closed its pipe"
                                              % self.process.name))
            if not self.closed.done():
                self.closed.set_result(None)
            return
        self.buffer += data
        while b"\0" in self.buffer:
            raw, self.buffer = self.buffer.split(b"\0", 1)
            msg = json.loads(raw)
            fut = self.pending.pop(msg.get("id"), None)
            if fut is not None and not fut.done():
                fut.set_result(msg)

    async def request(self, msg, what, timeout=15):
        """Sends msg with a new id; its reply."""
        if self.closed.done():
            raise Failure("%s closed its pipe" % self.process.name)
        self.next_id += 1
        msg = dict(msg, id=self.next_id)
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        data = json.dumps(msg).encode() + b"\0"
        while data:   # small commands: a blocking write is fine
            data = data[os.write(self.cmd_w, data):]
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise Failure("no answer to %s within %g s" % (what, timeout))

    def close(self):
        try:
            asyncio.get_running_loop().remove_reader(self.resp_r)
        except RuntimeError:
            pass
        self.process.stop()
        for fd in (self.cmd_w, self.resp_r):
            try:
                os.close(fd)
            except OSError:
                pass


class Chromium(PipedProcess):
    """Headless Chromium in ns running the page, over the DevTools protocol
    (flat sessions) on its pipe."""

    def __init__(self, name, ns, binary, tmp):
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
        super().__init__(name + "-chromium", ns, [binary] + CHROMIUM_FLAGS +
                         ["--user-data-dir=" + self.profile, "about:blank"],
                         tmp)
        self.session = None

    async def send(self, method, params=None, session=True, timeout=15):
        msg = {"method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        reply = await self.request(msg, method, timeout)
        if "error" in reply:
            raise Failure("%s: %s" % (method, reply["error"]))
        return reply.get("result", {})

    async def open(self, url):
        target = await self.send("Target.createTarget", {"url": url},
                                 session=False, timeout=30)
        att = await self.send("Target.attachToTarget", {
            "targetId": target["targetId"], "flatten": True}, session=False)
        self.session = att["sessionId"]
        await self.send("Runtime.enable")

    async def evaluate(self, expression, timeout=15):
        result = await self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True,
            "awaitPromise": True}, timeout=timeout)
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise Failure("page: %s" % d.get("exception", {}).get(
                "description", d.get("text")))
        return result["result"].get("value")

    async def status(self):
        return json.loads(await self.evaluate(STATUS_JS))

    async def stop_sending(self):
        await self.evaluate("bench.sending = false")

    async def data(self):
        return json.loads(await self.evaluate(DATA_JS, timeout=30))


class AiortcViewer(PipedProcess):
    """aiortc_viewer.py in ns: the page's measurements, by a peer without
    transport-wide feedback."""

    def __init__(self, name, ns, url, tmp):
        super().__init__(name + "-aiortc", ns,
                         [PYTHON, os.path.join(HERE, "aiortc_viewer.py"),
                          url], tmp, env=dict(os.environ, PYTHONUNBUFFERED="1"))

    async def open(self, url):
        """Connects by itself, to the URL it was started with."""

    async def command(self, name, timeout=15):
        return (await self.request({"command": name}, name,
                                   timeout)).get("result")

    async def status(self):
        return await self.command("status")

    async def stop_sending(self):
        await self.command("stop-sending")

    async def data(self):
        return await self.command("data", timeout=30)


STATUS_JS = ("typeof bench === 'undefined' ? JSON.stringify({state: 'loading', "
             "error: null, first: null, samples: 0, sent: 0, echoes: 0, "
             "last: null}) : JSON.stringify({state: bench.state, error: bench.error, "
             "first: bench.firstFrameAt, samples: bench.samples.length, "
             "sent: bench.sent.length, echoes: bench.echoes.length, "
             "last: bench.samples[bench.samples.length - 1] || null})")
DATA_JS = ("JSON.stringify({sent: bench.sent, echoes: bench.echoes, "
           "foreign: bench.foreign, "
           "samples: bench.samples, first: bench.firstFrameAt})")


async def wait_connected(viewers):
    """Until every page decodes video and its channel is open."""
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    pending = list(viewers)
    while pending:
        for name, viewer in list(pending):
            st = await viewer.status()
            if st["state"].startswith("failed") or st["error"]:
                raise Failure("viewer %s: %s" % (name, st["error"] or
                                                 st["state"]))
            if st["state"] == "connected" and st["first"]:
                pending.remove((name, viewer))
        if pending and time.monotonic() > deadline:
            raise Failure("viewer(s) %s not playing within %d s" % (
                ", ".join(n for n, _ in pending), CONNECT_TIMEOUT_S))
        await asyncio.sleep(0.5)


# --------------------------------------------------------------------------
# Analysis


def analyse(data, marks):
    """Timeline and phases of one viewer. marks: wall-clock seconds of
    t0 (start of the free phase), shape_on, shape_off, end."""
    t0 = marks["t0"]
    bounds = {"free": (t0, marks["shape_on"]),
              "shaped": (marks["shape_on"], marks["shape_off"]),
              "recovered": (marks["shape_off"], marks["end"])}
    echo = {seq: rtt for seq, rtt, _ in data["echoes"]}
    sent = [(seq, wall / 1000.0) for seq, wall in data["sent"]]

    # per-second samples: rates over the interval that ends at the sample
    samples = data["samples"]
    base_freezes = None
    timeline = []
    for prev, cur in zip(samples, samples[1:]):
        end = cur["wall"] / 1000.0
        if end <= t0 or end > marks["end"] + 0.5:
            continue
        dt = (cur["wall"] - prev["wall"]) / 1000.0
        if dt <= 0 or "framesDecoded" not in cur or \
                "framesDecoded" not in prev:
            continue
        if base_freezes is None:
            base_freezes = prev.get("freezeCount", 0)
        start = end - dt
        rtts = [echo[s] for s, w in sent if start < w <= end and s in echo]
        timeline.append({
            "t": round(end - t0, 2),
            "mid": end - dt / 2 - t0,
            "fps": round((cur["framesDecoded"] - prev["framesDecoded"])
                         / dt, 1),
            "kbps": round((cur["bytesReceived"] - prev["bytesReceived"])
                          * 8 / dt / 1000.0, 1),
            "rtt_p50_ms": rounded(percentile(rtts, 50)),
            "rtt_max_ms": rounded(max(rtts) if rtts else None),
            "rtt_over_400ms": sum(1 for r in rtts if r > 400),
            "lost": sum(1 for s, w in sent if start < w <= end
                        and s not in echo),
            "freeze_count": cur.get("freezeCount", 0) - base_freezes,
            "width": cur.get("frameWidth"), "height": cur.get("frameHeight"),
            "packets_lost": cur.get("packetsLost"),
            "nacks": cur.get("nackCount"), "plis": cur.get("pliCount"),
        })

    phases = {}
    for name, (a, b) in bounds.items():
        msgs = [s for s, w in sent if a <= w < b]
        rtts = [echo[s] for s in msgs if s in echo]
        # a sample is in the phase that holds the middle of its interval
        rows = [r for r in timeline if a - t0 <= r["mid"] < b - t0]
        before = [r for r in timeline if r["mid"] < a - t0]
        phase = {
            "duration_s": round(b - a, 2),
            "rtt_p50_ms": rounded(percentile(rtts, 50)),
            "rtt_p95_ms": rounded(percentile(rtts, 95)),
            "rtt_max_ms": rounded(max(rtts) if rtts else None),
            "sent": len(msgs),
            "lost": len(msgs) - len(rtts),
            "fps_mean": rounded(mean([r["fps"] for r in rows])),
            "fps_min": rounded(min((r["fps"] for r in rows), default=None)),
            "kbps_mean": rounded(mean([r["kbps"] for r in rows])),
            "freezes": (rows[-1]["freeze_count"] -
                        (before[-1]["freeze_count"] if before else 0)
                        if rows else None),
            "seconds": len(rows),
        }
        if name == "recovered":
            off = marks["shape_off"] - t0
            both = next((r for r in rows if r["kbps"] >= RECOVERED_KBPS
                         and r["fps"] >= RECOVERED_FPS), None)
            fps = next((r for r in rows if r["fps"] >= RECOVERED_FPS), None)
            # the robot's own free rate: aiortc stays near 1 Mbit/s
            ref = 0.9 * (phases["free"]["kbps_mean"] or 0)
            rel = next((r for r in rows if r["kbps"] >= ref
                        and r["fps"] >= RECOVERED_FPS), None)
            phase["recovery_s"] = rounded(both["t"] - off) if both else None
            phase["recovery_fps_s"] = rounded(fps["t"] - off) if fps else None
            phase["recovery_rel_s"] = rounded(rel["t"] - off) if rel else None
        phases[name] = phase
    for r in timeline:
        del r["mid"]
    return timeline, phases


# --------------------------------------------------------------------------
# One run


async def run_one(robot, pattern, n_viewers, viewer_kind, schedule,
                  chromium_binary, build_dir, tmp):
    topo = Topology(n_viewers)
    procs = []
    viewers = []
    try:
        proc = start_robot(robot, pattern, topo, tmp, build_dir)
        procs.append(proc)
        await wait_http(topo.robot_ns, topo.viewers[0][2], proc)
        for name, ns, url in topo.viewers:
            if viewer_kind == "aiortc":
                viewer = AiortcViewer(name, ns, url, tmp)
            else:
                viewer = Chromium(name, ns, chromium_binary, tmp)
            viewers.append((name, viewer))
            await viewer.open(url)
        await wait_connected(viewers)
        log("[%s] connected; free %g s, shaped %g s, recovered %g s", robot,
            schedule["free"], schedule["shaped"], schedule["recovered"])

        marks = {"t0": time.time()}
        plan = [("shape_on", schedule["free"], topo.shape),
                ("shape_off", schedule["shaped"], topo.unshape),
                ("end", schedule["recovered"], None)]
        phase_names = {"shape_on": "free", "shape_off": "shaped",
                       "end": "recovered"}
        for mark, length, action in plan:
            until = time.time() + length
            while time.time() < until:
                await asyncio.sleep(min(1.0, max(0.0, until - time.time())))
                if not proc.alive():
                    raise Failure("the robot exited (status %s):\n%s" % (
                        proc.proc.returncode, proc.tail()))
                for name, viewer in viewers:
                    st = await viewer.status()
                    last = st["last"] or {}
                    log("  %5.1f s %-9s %-7s frames %-6s kB %-7s echoes %d/%d",
                        time.time() - marks["t0"], phase_names[mark], name,
                        last.get("framesDecoded"),
                        (last.get("bytesReceived") or 0) // 1000,
                        st["echoes"], st["sent"])
            if action:
                action()
            marks[mark] = time.time()
            if action:
                log("[%s] %s", robot, "link shaped: " + SHAPE
                    if mark == "shape_on" else "link free again")

        for _, viewer in viewers:
            await viewer.stop_sending()
        await asyncio.sleep(ECHO_GRACE_S)
        results = {}
        for name, viewer in viewers:
            data = await viewer.data()
            timeline, phases = analyse(data, marks)
            results[name] = {"timeline": timeline, "phases": phases,
                             "foreign_echoes": data["foreign"]}
        run = {"robot": robot, "pattern": pattern, "viewers": n_viewers,
               "viewer": viewer_kind,
               "marks_s": {k: round(v - marks["t0"], 2)
                           for k, v in marks.items()}}
        if n_viewers == 1:
            run.update(results["viewer"])
        else:
            run["viewer_results"] = results
        return run
    except Failure:
        for p in procs + [c.process for _, c in viewers]:
            log("---- %s (%s) ----\n%s", p.name, p.log_path, p.tail())
        raise
    finally:
        for _, viewer in viewers:
            viewer.close()
        for p in procs:
            p.stop()
        topo.delete()


# --------------------------------------------------------------------------
# Output


def phase_cells(ph):
    def f(v, fmt):
        return "-" if v is None else fmt % v
    return [f(ph["fps_mean"], "%.1f"), f(ph["kbps_mean"], "%.0f"),
            f(ph["rtt_p50_ms"], "%.0f"), f(ph["rtt_p95_ms"], "%.0f"),
            "%d/%d" % (ph["lost"], ph["sent"]), f(ph["freezes"], "%d")]


def summary(runs):
    rows = []
    for run in runs:
        per_viewer = ([("", run)] if run["viewers"] == 1 else
                      sorted(run["viewer_results"].items(),
                             key=lambda kv: kv[0] != "shaped"))
        for vname, res in per_viewer:
            label = run["robot"] + (" [%s viewer]" % vname if vname else "")
            for phase in ("free", "shaped", "recovered"):
                ph = res["phases"][phase]
                extra = ""
                if phase == "recovered":
                    extra = " / ".join(
                        "-" if ph[k] is None else "%.1f" % ph[k]
                        for k in ("recovery_s", "recovery_fps_s",
                                  "recovery_rel_s"))
                rows.append([label, phase] + phase_cells(ph) + [extra])
    head = ["robot", "phase", "fps", "kbit/s", "rtt p50", "rtt p95",
            "lost/sent", "freezes",
            "recovery s (1M+29fps / 29fps / 90%free+29fps)"]
    widths = [max(len(str(r[i])) for r in rows + [head])
              for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return "\n".join(lines)


# --------------------------------------------------------------------------


def find_chromium():
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def cleanup_everything():
    for p in list(Process.live):
        p.stop(timeout=2)
    for topo in list(Topology.live):
        topo.delete()


async def main_async(args, chromium_binary, tmp):
    robots = ["gst", "rtcbot-python"] if args.robot == "both" \
        else [args.robot]
    schedule = QUICK if args.quick else FULL
    runs, failed = [], []
    for robot in robots:
        log("==> %s, %d viewer(s)", robot, args.viewers)
        try:
            runs.append(await run_one(robot, args.pattern, args.viewers,
                                      args.viewer, schedule, chromium_binary,
                                      args.build_dir, tmp))
        except Failure as e:
            log("FAILED: %s: %s", robot, e)
            failed.append(robot)
    return runs, failed, schedule


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--robot", choices=("gst", "rtcbot-python", "both"),
                    default="both")
    ap.add_argument("--viewers", type=int, choices=(1, 2), default=1)
    ap.add_argument("--viewer", choices=("chromium", "aiortc"),
                    default="chromium",
                    help="who watches: headless Chromium running the page "
                    "(transport-wide feedback), or aiortc_viewer.py "
                    "(receiver reports and NACKs, as RTCBot's Python "
                    "peers); default %(default)s")
    ap.add_argument("--pattern", choices=sorted(PATTERNS), default="bars",
                    help="camera picture: bars (scrolling, ~1.4 Mbit/s), "
                    "ball (~130 kbit/s), snow (noise, ~10 Mbit/s); default "
                    "%(default)s")
    ap.add_argument("--quick", action="store_true",
                    help="phases of 5/10/15 s instead of 10/20/15")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                    help="meson build with the plugins (default: "
                    "%(default)s)")
    args = ap.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)

    if os.geteuid() != 0:
        log("SKIP: badlink needs root (network namespaces and tc)")
        return SKIP
    chromium_binary = find_chromium()
    if chromium_binary is None and args.viewer == "chromium":
        log("SKIP: Chromium is missing (apt-get install chromium)")
        return SKIP
    if args.viewers == 2 and args.robot != "gst":
        ap.error("--viewers 2 is for --robot gst only")
    if args.robot in ("gst", "both") and not os.path.isdir(
            os.path.join(args.build_dir, "ext", "webrtc")):
        ap.error("%s has no ext/webrtc: build first (meson setup build && "
                 "ninja -C build)" % args.build_dir)

    delete_stale_namespaces()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    tmp = tempfile.mkdtemp(prefix="rtcbot-badlink-")
    load_before = loadavg()
    try:
        runs, failed, schedule = asyncio.run(
            main_async(args, chromium_binary, tmp))
    except KeyboardInterrupt as e:
        log("interrupted (%s)", e)
        return 130
    finally:
        cleanup_everything()
        shutil.rmtree(tmp, ignore_errors=True)

    report = {
        "benchmark": "badlink",
        "command": " ".join([PYTHON] + [shlex.quote(a) for a in sys.argv]),
        "nproc": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "pattern": args.pattern,
        "videotestsrc": PATTERNS[args.pattern],
        "schedule": dict(schedule, shape="tc qdisc add dev DEV root " + SHAPE),
        "runs": runs,
        "failed": failed,
        "notes": [
            "Control messages: 10/s, {seq, t, id} JSON on the 'default' "
            "data channel, echoed by the robot; RTT timed in the page; lost "
            "= never echoed within %g s of the end. foreign_echoes: echoes "
            "of another viewer's messages (rtcbotwebrtcbin broadcasts what "
            "goes into sink_%%u to every peer)." % ECHO_GRACE_S,
            "fps, kbit/s: deltas of the video inbound-rtp's framesDecoded "
            "and bytesReceived between one-second getStats() samples; a "
            "sample belongs to the phase its interval ends in.",
            "recovery_s: from freeing the link to the end of the first "
            "one-second interval with >= %g kbit/s and >= %g fps "
            "(recovery_fps_s: fps alone; recovery_rel_s: fps and >= 90 %% "
            "of the free phase's kbit/s)." % (RECOVERED_KBPS,
                                              RECOVERED_FPS),
            "freezeCount grows when a freeze ends: a freeze of the shaped "
            "phase is counted in the recovered one.",
        ],
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
        log("wrote %s", args.json)
    if runs:
        print(summary(runs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
