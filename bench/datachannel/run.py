#!/usr/bin/python3
"""datachannel benchmark: rtcbotwebrtcbin vs python3-aiortc as WebRTC
data-channel echo servers over loopback.

    GST_PLUGIN_PATH_1_0=BUILD/gst/rtcbot:BUILD/ext/webrtc \\
        /usr/bin/python3 bench/datachannel/run.py --out FILE.json [--quick]
        [--rounds R] [--messages N] [--window W] [--rtt M] [--echo link|get]

Two servers, each in its own process, answer RTCBot's POST /connect on a
free port of 127.0.0.1 and echo every message of the "default" channel:

- rtcbotwebrtcbin (gst_echo.py): listen-port=0, its message pads linked
  src_0 ! identity ! sink_0, so the echo runs in GStreamer threads with no
  Python per message (--echo get: a Python get/put-string loop instead);
- aiortc (aiortc_echo.py): aiohttp + aiortc, channel.send from the
  "message" handler, as an RTCBot program would.

One load generator (loadgen.py: an aiortc offerer, the same code for both)
is started per server and round, in its own process: a fresh connection,
a warm-up, then throughput (N messages of 64 bytes of JSON, W outstanding,
msgs/s = N / time to the last echo, lost and order checked, the server's
CPU seconds over that phase from /proc/PID/stat) and round-trip time (M
messages one at a time, p50/p99). Rounds alternate the order
(A B, B A, A B, ...); the summary gives medians over rounds and the ratios
rtcbotwebrtcbin / aiortc.

Writes one JSON object to --out (rows: one per side per round) and a short
summary on stderr. Exits 0 when the benchmark ran (the lost-message goals
are in "checks"), 1 when a server or the load generator could not run.
Every child process is bounded in time and stopped on every path.
"""

import argparse
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
SIDES = ("rtcbotwebrtcbin", "aiortc")
START_TIMEOUT_S = 20.0


class SetupError(Exception):
    pass


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Server:
    """One echo server process; prints "PORT <n>" when listening and stops
    when its stdin closes (or after lifetime seconds on its own)."""

    def __init__(self, side, argv, lifetime, stderr_path):
        self.side = side
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, "w+")
        self.proc = subprocess.Popen(
            [PYTHON] + argv + ["--lifetime", str(lifetime)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, cwd=HERE)
        self.pid = self.proc.pid
        self.port = self._read_port()
        self.url = "http://127.0.0.1:%d/connect" % self.port

    def _read_port(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith(b"PORT "):
                    return int(line.split()[1])
                if not line:
                    break
            elif self.proc.poll() is not None:
                break
        raise SetupError("%s server did not start (%s): %s" % (
            self.side, "exit %s" % self.proc.poll()
            if self.proc.poll() is not None else "no PORT line",
            self.errors()[-2000:].strip() or line.decode(errors="replace")))

    def errors(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.stderr.close()


def run_loadgen(server, args):
    argv = [PYTHON, os.path.join(HERE, "loadgen.py"), server.url,
            "--messages", str(args.messages), "--window", str(args.window),
            "--rtt", str(args.rtt), "--warmup", str(args.warmup),
            "--server-pid", str(server.pid)]
    # generous: connection, warm-up, N messages at >= 500/s, M RTTs
    limit = 40 + args.messages / 500 + args.rtt / 100
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=limit, cwd=HERE)
    except subprocess.TimeoutExpired:
        return {"error": "load generator killed after %.0f s" % limit}
    if p.returncode != 0:
        return {"error": "load generator exit %d: %s" % (
            p.returncode, p.stderr.decode(errors="replace").strip()[-500:])}
    try:
        return json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": "load generator printed no JSON: %r %r" % (
            p.stdout[-300:], p.stderr[-300:])}


def median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(x, spec="%.0f"):
    return spec % x if x is not None else "-"


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    ap = argparse.ArgumentParser(
        description="rtcbotwebrtcbin vs aiortc data-channel echo")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true",
                    help="1 round, fewer messages (well under 40 s)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--messages", type=int, help="N, throughput phase")
    ap.add_argument("--window", type=int, default=32,
                    help="W, messages outstanding (default 32)")
    ap.add_argument("--rtt", type=int, help="M, ping-pong messages")
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--echo", choices=("link", "get"), default="link",
                    help="how the element echoes (default: link its pads)")
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.messages is None:
        args.messages = 5000 if args.quick else 30000
    if args.rtt is None:
        args.rtt = 300 if args.quick else 1000

    command = "/usr/bin/python3 bench/datachannel/run.py --out FILE.json"
    if args.quick:
        command += " --quick"
    command += " --rounds %d --messages %d --window %d --rtt %d --echo %s" % (
        args.rounds, args.messages, args.window, args.rtt, args.echo)

    # SIGTERM (bench/run timing out) must still stop the servers
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))

    load_before = loadavg()
    servers = {}
    rows = []
    tmp = "/tmp/bench-datachannel-%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    lifetime = 60 + args.rounds * 2 * (20 + args.messages / 1000)
    try:
        servers["rtcbotwebrtcbin"] = Server(
            "rtcbotwebrtcbin", [os.path.join(HERE, "gst_echo.py"),
                                "--echo", args.echo],
            lifetime, os.path.join(tmp, "gst.err"))
        servers["aiortc"] = Server(
            "aiortc", [os.path.join(HERE, "aiortc_echo.py")],
            lifetime, os.path.join(tmp, "aiortc.err"))
        for r in range(args.rounds):
            order = SIDES if r % 2 == 0 else SIDES[::-1]
            for side in order:
                server = servers[side]
                if not server.alive():
                    raise SetupError("%s server exited (%s): %s" % (
                        side, server.proc.poll(),
                        server.errors()[-1000:].strip()))
                res = run_loadgen(server, args)
                row = {"side": side, "round": r,
                       "msgs_per_s": res.get("msgs_per_s"),
                       "rtt_p50_ms": res.get("rtt_p50_ms"),
                       "rtt_p99_ms": res.get("rtt_p99_ms"),
                       "messages": args.messages,
                       "lost": res.get("lost"),
                       "server_cpu_s": res.get("server_cpu_s"),
                       "client_cpu_s": res.get("client_cpu_s"),
                       "seconds": res.get("seconds"),
                       "out_of_order": res.get("out_of_order"),
                       "rtt_messages": args.rtt,
                       "rtt_lost": res.get("rtt_lost"),
                       "rtt_max_ms": res.get("rtt_max_ms"),
                       "connect_s": res.get("connect_s")}
                if row["server_cpu_s"] is not None and row["lost"] == 0:
                    row["server_cpu_us_per_msg"] = round(
                        row["server_cpu_s"] / args.messages * 1e6, 1)
                if "error" in res:
                    row["error"] = res["error"]
                rows.append(row)
                print("round %d %-15s %s" % (
                    r, side, res.get("error") or
                    "%8.0f msgs/s  lost %d  RTT p50 %.3f ms p99 %.3f ms  "
                    "server CPU %.2f s  client CPU %.2f s" % (
                        res["msgs_per_s"], res["lost"], res["rtt_p50_ms"],
                        res["rtt_p99_ms"], res["server_cpu_s"],
                        res["client_cpu_s"])),
                    file=sys.stderr, flush=True)
        server_errors = {side: s.errors() for side, s in servers.items()}
    except SetupError as e:
        print("datachannel: %s" % e, file=sys.stderr)
        return 1
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = loadavg()

    med = {}
    for side in SIDES:
        mine = [r for r in rows if r["side"] == side and "error" not in r]
        med[side] = {k: median(mine, k) for k in (
            "msgs_per_s", "rtt_p50_ms", "rtt_p99_ms", "server_cpu_s",
            "client_cpu_s")}
    g, a = med["rtcbotwebrtcbin"], med["aiortc"]
    tput_ratio = ratio(g["msgs_per_s"], a["msgs_per_s"])
    p50_ratio = ratio(g["rtt_p50_ms"], a["rtt_p50_ms"])
    p99_ratio = ratio(g["rtt_p99_ms"], a["rtt_p99_ms"])
    cpu_ratio = ratio(g["server_cpu_s"], a["server_cpu_s"])

    checks = []
    for side in SIDES:
        mine = [r for r in rows if r["side"] == side]
        bad = [r for r in mine if "error" in r or r["lost"] != 0
               or r["rtt_lost"] != 0 or r["out_of_order"] != 0]
        checks.append({
            "name": "%s lost 0" % side,
            "ok": not bad and len(mine) == args.rounds,
            "detail": "; ".join(
                "round %d: %s" % (r["round"], r.get("error") or
                                  "lost %s of %d, %s out of order, RTT lost "
                                  "%s of %d" % (r["lost"], args.messages,
                                                r["out_of_order"],
                                                r["rtt_lost"], args.rtt))
                for r in bad) or "%d rounds, every echo back in order" % len(
                    mine)})

    warnings = {side: [line for line in text.splitlines() if line.strip()]
                for side, text in server_errors.items()}
    notes = [
        "window W=%d outstanding, messages of %d bytes of JSON text "
        "({\"n\":123,\"p\":\"xx...\"}), N=%d per throughput phase "
        "(after %d warm-up), M=%d ping-pong RTT messages"
        % (args.window, 64, args.messages, args.warmup, args.rtt),
        "one aiortc offerer (loadgen.py, own process, fresh connection per "
        "round) drives both servers; rounds alternate the order A B, B A",
        "rtcbotwebrtcbin echo: %s" % (
            "src_0 ! identity ! sink_0 inside the pipeline (no Python per "
            "message)" if args.echo == "link" else
            "a Python thread: get -> put-string"),
        "median msgs/s: rtcbotwebrtcbin %s, aiortc %s, ratio %s" % (
            fmt(g["msgs_per_s"]), fmt(a["msgs_per_s"]),
            fmt(tput_ratio, "%.2f")),
        "median RTT p50 ms: rtcbotwebrtcbin %s, aiortc %s, ratio %s "
        "(> 1: element slower)" % (
            fmt(g["rtt_p50_ms"], "%.3f"), fmt(a["rtt_p50_ms"], "%.3f"),
            fmt(p50_ratio, "%.2f")),
        "median RTT p99 ms: rtcbotwebrtcbin %s, aiortc %s, ratio %s" % (
            fmt(g["rtt_p99_ms"], "%.3f"), fmt(a["rtt_p99_ms"], "%.3f"),
            fmt(p99_ratio, "%.2f")),
        "median server CPU s over the throughput phase: rtcbotwebrtcbin "
        "%s, aiortc %s, ratio %s; load generator CPU s: %s / %s" % (
            fmt(g["server_cpu_s"], "%.2f"), fmt(a["server_cpu_s"], "%.2f"),
            fmt(cpu_ratio, "%.2f"), fmt(g["client_cpu_s"], "%.2f"),
            fmt(a["client_cpu_s"], "%.2f")),
        "2 cores shared by the load generator and the server under test: "
        "msgs/s is bounded by both; compare server CPU per message too",
    ]
    for side, lines in warnings.items():
        # a peer whose transport breaks is dropped with this warning; a
        # peer that closes (aiortc: SCTP ABORT, then DTLS close_notify)
        # is dropped without one, so any here is worth a look
        broke = [line for line in lines if "broke" in line]
        if broke:
            notes.append("%s server: %d \"connection ... broke; dropping "
                         "that peer\" warnings, none expected from closing "
                         "peers (%s)" % (side, len(broke), broke[-1][:160]))
        other = [line for line in lines if "broke" not in line]
        if other:
            notes.append("%s server stderr (%d other lines), last: %s" % (
                side, len(other), other[-1][:200]))

    result = {
        "benchmark": "datachannel",
        "command": command,
        "nproc": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "rounds": args.rounds,
        "rows": rows,
        "checks": checks,
        "notes": notes,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    print("\ndatachannel (medians of %d rounds, N=%d, W=%d, M=%d):"
          % (args.rounds, args.messages, args.window, args.rtt),
          file=sys.stderr)
    print("  %-16s %9s %10s %10s %9s" % ("side", "msgs/s", "RTT p50 ms",
                                          "RTT p99 ms", "server s"),
          file=sys.stderr)
    for side in SIDES:
        m = med[side]
        print("  %-16s %9s %10s %10s %9s" % (
            side, fmt(m["msgs_per_s"]), fmt(m["rtt_p50_ms"], "%.3f"),
            fmt(m["rtt_p99_ms"], "%.3f"), fmt(m["server_cpu_s"], "%.2f")),
            file=sys.stderr)
    print("  rtcbotwebrtcbin/aiortc: msgs/s %s, RTT p50 %s, RTT p99 %s, "
          "server CPU %s" % (fmt(tput_ratio, "%.2f"), fmt(p50_ratio, "%.2f"),
                             fmt(p99_ratio, "%.2f"), fmt(cpu_ratio, "%.2f")),
          file=sys.stderr)
    for c in checks:
        print("  check %s: %s (%s)" % (c["name"], "ok" if c["ok"] else "FAIL",
                                       c["detail"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
