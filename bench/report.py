#!/usr/bin/python3
"""Turns the JSON results of bench/run into docs/benchmarks.md and one PNG
chart per comparison in docs/images/ (python3-matplotlib).

    bench/report.py RESULTS_DIR [--doc docs/benchmarks.md]
                    [--images docs/images]

RESULTS_DIR holds what the benchmarks wrote (fanout-*.json, websocket.json,
datachannel.json, latency.json, encode.json, isolation.json, badlink.json,
badlink-2viewers.json, badlink-aiortc.json); a missing file leaves its
section out with a note, so a partial run still gives a readable report.
Every figure in the report comes from those files: nothing is typed in.
"""
import argparse
import glob
import json
import os
import platform
import statistics
import sys

import matplotlib

matplotlib.use("Agg")               # no display: files only
import matplotlib.pyplot as plt  # noqa: E402

OURS = "#2a7ab9"
THEIRS = "#c8553d"
NODE = "#6a9f3a"
SIZE_LABELS = {64: "64 B", 65536: "64 KiB", 1048576: "1 MiB"}


REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def repo_relative(command):
    """command with the repository's absolute path taken out, so the
    report names no path of the machine that ran it."""
    return command.replace(REPO + os.sep, "").replace(REPO, ".")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def loadavg(text):
    return " ".join(str(text).split()[:3])


def machine_line(data, last=None):
    """Cores and the load average before the run and after it (after the
    last of several runs when @last is given)."""
    return "nproc %s, loadavg %s → %s" % (
        data.get("nproc", "?"), loadavg(data.get("loadavg_before", "?")),
        loadavg((last or data).get("loadavg_after", "?")))


def checks_md(data):
    lines = []
    for check in data.get("checks", []):
        lines.append("- %s **%s**%s" % (
            "✅" if check["ok"] else "❌", check["name"],
            ": " + check["detail"] if check.get("detail") else ""))
    for note in data.get("notes", []):
        lines.append("- " + note)
    return "\n".join(lines) + "\n" if lines else ""


def save(fig, images, name):
    path = os.path.join(images, name)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return "![%s](images/%s)\n" % (name[:-4], name)


def bar_labels(ax, bars, fmt):
    for bar in bars:
        height = bar.get_height()
        if height == height:        # not NaN
            ax.annotate(fmt % height, (bar.get_x() + bar.get_width() / 2,
                                       height), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2),
                        textcoords="offset points")


# ---------------------------------------------------------------- fan-out

def fanout_section(results, images):
    runs = [load(p) for p in sorted(glob.glob(os.path.join(results,
                                                           "fanout-*.json")))]
    rows = [r for d in runs for r in d.get("rows", [])]
    stall = next((d["stall"] for d in runs if d.get("stall")), None)
    if not rows and not stall:
        return "## Fan-out\n\n(no results: `bench/fanout` did not run)\n"
    out = ["## Fan-out: rtcbotsrc vs `appsrc ! tee ! queue`\n"]
    out.append("One application thread puts N fresh buffers; every "
               "subscriber must get every buffer, in order, lossless "
               "(rtcbotsrc pads `policy=block`, tee branches `queue` of the "
               "same depth, 64), and on the rtcbotsrc side message #1000 must "
               "be the very same `GstMemory` at every subscriber. CPU is the "
               "process's user+system time per message. Both sides "
               "alternate in one invocation of `bench/fanout` per "
               "configuration (%s).\n" % machine_line(runs[0], runs[-1]))
    subs = sorted({r["subscribers"] for r in rows})
    sizes = sorted({r["size"] for r in rows})

    def med(side, n, size, field):
        return median([r[field] for r in rows if r["side"] == side and
                       r["subscribers"] == n and r["size"] == size])

    out.append("| size | subscribers | rtcbotsrc msgs/s | tee msgs/s | "
               "**ratio** | rtcbotsrc CPU µs/msg | tee CPU µs/msg | "
               "**CPU ratio** |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for n in subs:
            a = med("rtcbotsrc", n, size, "msgs_per_s")
            b = med("appsrc ! tee", n, size, "msgs_per_s")
            ca = med("rtcbotsrc", n, size, "cpu_s_per_msg") * 1e6
            cb = med("appsrc ! tee", n, size, "cpu_s_per_msg") * 1e6
            out.append("| %s | %d | %.0f | %.0f | **%.2f×** | %.2f | %.2f | "
                       "**%.2f×** |" % (SIZE_LABELS.get(size, size), n, a, b,
                                        a / b, ca, cb, ca / cb))
    bad = [r for r in rows if not r["ok"]]
    out.append("\nRatio > 1: rtcbotsrc delivers more messages per second; "
               "CPU ratio < 1: it spends less CPU per message. Checks "
               "(exact counts, order, same memory): %s.\n"
               % ("all runs passed" if not bad else "**%d runs failed**"
                  % len(bad)))
    out.append(FANOUT_LARGE_NOTE)
    out.append("Command per configuration: `%s` (sizes and message counts "
               "as listed by `bench/run`).\n" % repo_relative(runs[0]["command"]))

    if rows:
        fig, axes = plt.subplots(2, len(sizes), figsize=(4 * len(sizes), 6),
                                 squeeze=False)
        x = range(len(subs))
        for col, size in enumerate(sizes):
            for row, (field, scale, title) in enumerate((
                    ("msgs_per_s", 1, "messages/s (higher is better)"),
                    ("cpu_s_per_msg", 1e6, "CPU µs/message (lower is better)"))):
                ax = axes[row][col]
                a = [med("rtcbotsrc", n, size, field) * scale for n in subs]
                b = [med("appsrc ! tee", n, size, field) * scale for n in subs]
                bars = ax.bar([i - 0.2 for i in x], a, 0.4, color=OURS,
                              label="rtcbotsrc")
                bar_labels(ax, bars, "%.3g")
                bars = ax.bar([i + 0.2 for i in x], b, 0.4, color=THEIRS,
                              label="appsrc ! tee ! queue")
                bar_labels(ax, bars, "%.3g")
                ax.set_xticks(list(x), ["%d sub." % n for n in subs])
                ax.set_title("%s buffers: %s" % (SIZE_LABELS.get(size, size),
                                                 title), fontsize=9)
                ax.set_ylim(bottom=0)
                if row == 0 and col == 0:
                    ax.legend(fontsize=8)
        fig.suptitle("Fan-out to N lossless subscribers, same buffers", fontsize=11)
        out.append(save(fig, images, "bench-fanout.png"))

    if stall:
        series = stall["rss"]
        out.append("### Memory over time with one stalled subscriber\n")
        out.append("rtcbotsrc with two `fifo` subscribers (max-buffers 64), "
                   "one of which never drains: the producer keeps going and "
                   "memory stays flat, because the stalled pad drops its "
                   "oldest buffers (counted in `dropped`). %d puts of %d-byte "
                   "buffers; RSS %.1f MiB at the start of the series, %.1f "
                   "MiB at the end, max %.1f MiB. Check: %s.\n" % (
                       series[-1]["puts"] if series else 0, stall["size"],
                       series[0]["rss_mib"] if series else 0,
                       series[-1]["rss_mib"] if series else 0,
                       max(s["rss_mib"] for s in series) if series else 0,
                       "passed (growth ≤ 16 MiB, accounting exact, EOS after "
                       "release)" if stall["ok"] else "**failed**"))
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot([s["puts"] / 1e3 for s in series],
                [s["rss_mib"] for s in series], color=OURS, marker=".")
        ax.set_xlabel("messages put (thousands)")
        ax.set_ylabel("RSS (MiB)")
        ax.set_ylim(0, max(s["rss_mib"] for s in series) * 1.5 + 1)
        ax.set_title("rtcbotsrc, one subscriber stalled: memory stays flat",
                     fontsize=10)
        out.append(save(fig, images, "bench-fanout-memory.png"))
    return "\n".join(out)


FANOUT_LARGE_NOTE = """\
Where the tee comes out ahead, **1 MiB buffers to a single subscriber**,
this is why (investigated by hand on 2026-11-21, not regenerated by
`bench/run`): `perf record` of the rtcbotsrc side shows half the time in the
benchmark's own `gst_buffer_fill` (a memmove into each fresh 1 MiB buffer),
page-faulting on freshly mapped memory: rtcbotsrc's subscriber frees a
whole batch at once, after which glibc hands the application new pages,
where the queue's one-by-one frees let it reuse them. With the allocator
told to keep that memory (`MALLOC_MMAP_THRESHOLD_=8388608
MALLOC_TRIM_THRESHOLD_=1073741824`) the CPU per message is equal (1.04×),
while throughput stays behind (0.72×): one producer and one consumer of
large buffers gain nothing from batching. A camera's buffer pool reuses
its memory; the fresh allocation per message here is the worst case.
"""


# -------------------------------------------------------------- websocket

def websocket_section(results, images):
    path = os.path.join(results, "websocket.json")
    if not os.path.exists(path):
        return "## Websocket\n\n(no results: `bench/websocket/run` did not run)\n"
    data = load(path)
    rows = [r for r in data["rows"] if "error" not in r]
    loads = []
    for r in rows:
        if (r["clients"], r["window"]) not in loads:
            loads.append((r["clients"], r["window"]))

    def med(side, ld, field):
        return median([r[field] for r in rows if r["side"] == side and
                       (r["clients"], r["window"]) == ld])

    def label(ld):
        clients, window = ld
        return ("1 client, echo" if clients == 1 else
                "%d clients, relay" % clients) + (
            ", window %s" % window if window != "all" else ", burst")

    sides = [("rtcbotwebsocketbin", OURS), ("node ws", NODE),
             ("aiohttp", THEIRS)]
    sides = [(side, color) for side, color in sides
             if any(r["side"] == side for r in rows)]
    out = ["## Websocket: rtcbotwebsocketbin vs Node's ws and python3-aiohttp\n"]
    out.append("One node `ws` load generator (`bench/websocket/loadgen.js`) "
               "against three servers on 127.0.0.1, in turn: "
               "`bench/websocket/echo.c` (rtcbotwebsocketbin server, an "
               "application thread that `get`s and `put`s every message, "
               "unbounded queues), `bench/websocket/node_echo.js` (Node's own "
               "`ws` server) and `bench/websocket/aiohttp_echo.py`. Each "
               "server sends what it receives to every connected client: "
               "with one client an echo, with 50 a relay (RTCBot's server "
               "`Websocket` semantics). 100-byte JSON messages; RTT is one "
               "message in flight (%s).\n" % machine_line(data))
    others = [side for side, _ in sides[1:]]
    out.append("| load | " + " | ".join("%s deliveries/s" % side
                                         for side, _ in sides) +
               " | " + " | ".join("**÷ %s**" % side for side in others) +
               " | " + " | ".join("%s RTT p50 / p99 µs" % side
                                  for side, _ in sides) + " |")
    out.append("| --- |" + " ---: |" * (2 * len(sides) + len(others)))
    for ld in loads:
        ours = med(sides[0][0], ld, "deliveries_per_s")
        out.append("| %s | " % label(ld) + " | ".join(
            "%.0f" % med(side, ld, "deliveries_per_s") for side, _ in sides) +
            " | " + " | ".join("**%.2f×**" % (ours / med(side, ld,
                                                          "deliveries_per_s"))
                               for side in others) +
            " | " + " | ".join("%.0f / %.0f" % (med(side, ld, "rtt_p50_us"),
                                                med(side, ld, "rtt_p99_us"))
                               for side, _ in sides) + " |")
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    out.append(checks_md(data))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
    x = range(len(loads))
    for ax, fields, title in (
            (ax1, ("deliveries_per_s",), "messages delivered/s (higher is better)"),
            (ax2, ("rtt_p50_us", "rtt_p99_us"), "RTT µs, p50 and p99, log scale (lower is better)")):
        n = len(sides) * len(fields)
        width = 0.8 / n
        for k, (side, color) in enumerate(sides):
            for j, field in enumerate(fields):
                vals = [med(side, ld, field) for ld in loads]
                offset = (k * len(fields) + j - (n - 1) / 2) * width
                bars = ax.bar([i + offset for i in x], vals, width,
                              color=color, alpha=1.0 if j == 0 else 0.5,
                              label="%s%s" % (side, " " + field[4:7]
                                              if len(fields) > 1 else ""))
                bar_labels(ax, bars, "%.0f")
        ax.set_xticks(list(x), [label(ld).replace(", ", "\n", 1) for ld in loads],
                      fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    ax2.set_yscale("log")
    fig.suptitle("Websocket server: rtcbotwebsocketbin vs node ws and aiohttp",
                 fontsize=11)
    out.append(save(fig, images, "bench-websocket.png"))
    out.append(WEBSOCKET_PROFILE)
    return "\n".join(out)


WEBSOCKET_PROFILE = """\
Where the time goes in the echo (investigated by hand on 2026-11-21, not
regenerated by `bench/run`; a `perf record -g` profile of
`bench/websocket/echo`, 300000 messages, window 32): kernel 49 % (futex
wake/wait and TCP), GLib 15 %, libc 10 %, GObject 8 %, GStreamer 7 %,
json-glib 3 %, libsoup 2 %, the element itself 1 %. Every echoed message
crosses threads twice (libsoup's thread → the application's `get` → `put`
→ libsoup's thread); aiohttp does the echo on one thread. In the relay,
one buffer goes out to every client from one send loop, which is where
the element catches up with and passes aiohttp.

Measured by hand on 2026-12-07, after the move to libgstrtcbot-1.0: the
echo server calls `gst_rtcbot_bin_get`/`gst_rtcbot_bin_put` instead of
emitting the `get`/`put` action signals, 0.71× node ws (59126 against
83597 messages/s, window 64) where the signals (`ECHO_ARGS=--signals`)
gave 0.66× (55623 against 83814) in the run right after; outgoing JSON is
now checked by the element's own validator, not json-glib. The two thread
crossings per message remain, and are what stands between the element and
node ws.
"""


# ---------------------------------------------------------- data channel

def datachannel_section(results, images):
    path = os.path.join(results, "datachannel.json")
    if not os.path.exists(path):
        return ("## Data channel\n\n(no results: `bench/datachannel/run.py` "
                "did not run)\n")
    data = load(path)
    rows = data["rows"]
    sides = []
    for r in rows:
        if r["side"] not in sides:
            sides.append(r["side"])

    def med(side, field):
        return median([r.get(field) for r in rows if r["side"] == side])

    out = ["## Data channel: rtcbotwebrtcbin vs python3-aiortc\n"]
    out.append("Echo peers over loopback WebRTC, one load generator for both, "
               "alternating (%s).\n" % machine_line(data))
    out.append("| peer | msgs/s | RTT p50 ms | RTT p99 ms | lost | server CPU s |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for side in sides:
        out.append("| %s | %.0f | %.3f | %.3f | %.0f | %.2f |" % (
            side, med(side, "msgs_per_s"), med(side, "rtt_p50_ms"),
            med(side, "rtt_p99_ms"), med(side, "lost"),
            med(side, "server_cpu_s")))
    if len(sides) == 2:
        out.append("| **ratio** | **%.2f×** | **%.2f×** | **%.2f×** | | **%.2f×** |"
                   % tuple(med(sides[0], f) / med(sides[1], f) for f in (
                       "msgs_per_s", "rtt_p50_ms", "rtt_p99_ms",
                       "server_cpu_s")))
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    out.append(checks_md(data))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
    colors = [OURS, THEIRS]
    bars = ax1.bar(sides, [med(s, "msgs_per_s") for s in sides], color=colors)
    bar_labels(ax1, bars, "%.0f")
    ax1.set_title("messages echoed/s (higher is better)", fontsize=9)
    for j, field in enumerate(("rtt_p50_ms", "rtt_p99_ms")):
        bars = ax2.bar([i + (j - 0.5) * 0.4 for i in range(len(sides))],
                       [med(s, field) for s in sides], 0.4, color=colors,
                       alpha=1.0 if j == 0 else 0.5)
        bar_labels(ax2, bars, "%.2f")
    ax2.set_xticks(range(len(sides)), sides)
    ax2.set_title("RTT ms, p50 (solid) and p99 (light)", fontsize=9)
    fig.suptitle("Data channel echo over loopback WebRTC", fontsize=11)
    out.append(save(fig, images, "bench-datachannel.png"))
    return "\n".join(out)


# ---------------------------------------------------------- video latency

def latency_section(results, images):
    path = os.path.join(results, "latency.json")
    if not os.path.exists(path):
        return ("## Video latency\n\n(no results: `bench/latency/run.py` "
                "did not run)\n")
    data = load(path)
    rows = data["rows"]
    out = ["## Video latency: camera → decoded frame over loopback WebRTC\n"]
    out.append("A frame counter is drawn into the pixels before the encoder "
               "and read back after the receiving rtcbotwebrtcbin decodes "
               "the frame, in the same process: *decoded* is when the frame "
               "leaves the receiving element (encode, RTP over loopback, "
               "jitter buffer, decode), *rendered* when a `sync=true` sink "
               "would show it (adds the receiver's `latency` and the sink's "
               "processing deadline) (%s).\n" % machine_line(data))
    out.append("| resolution | receiver `latency` | decoded p50 ms | decoded "
               "p95 ms | decoded max ms | rendered p50 ms | rendered p95 ms | "
               "frames | unreadable | sent |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
               "| ---: |")
    def ms(value):
        return "–" if value is None else "%.1f" % value

    for r in rows:
        out.append("| %s | %s ms | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["resolution"], r["receiver_latency_ms"], ms(r["p50_ms"]),
            ms(r["p95_ms"]), ms(r["max_ms"]), ms(r.get("rendered_p50_ms")),
            ms(r.get("rendered_p95_ms")), r["frames"], r["unreadable"],
            r.get("sent", "")))
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    out.append(checks_md(data))
    fig, ax = plt.subplots(figsize=(7, 3.4))
    labels = ["%s\nlatency=%s" % (r["resolution"], r["receiver_latency_ms"])
              for r in rows]
    x = range(len(rows))
    for k, (field, color, alpha, name) in enumerate((
            ("p50_ms", OURS, 1.0, "decoded p50"),
            ("p95_ms", OURS, 0.5, "decoded p95"),
            ("rendered_p50_ms", "#777", 1.0, "rendered p50 (sync sink)"))):
        bars = ax.bar([i + (k - 1) * 0.27 for i in x],
                      [r.get(field) if r.get(field) is not None
                       else float("nan") for r in rows], 0.27,
                      color=color, alpha=alpha, label=name)
        bar_labels(ax, bars, "%.0f")
    ax.axhline(50, color="#555", linestyle="--", linewidth=1)
    ax.annotate("goal: decoded p50 ≤ 50 ms at 640×480", (len(rows) - 0.5, 51),
                ha="right", va="bottom", fontsize=8, color="#555")
    ax.set_xticks(list(x), labels, fontsize=8)
    ax.set_ylabel("ms")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Send → decode latency, rtcbotwebrtcbin to rtcbotwebrtcbin",
                 fontsize=10)
    out.append(save(fig, images, "bench-latency.png"))
    return "\n".join(out)


# ----------------------------------------------------------- encode once

def encode_section(results, images):
    path = os.path.join(results, "encode.json")
    if not os.path.exists(path):
        return ("## Encode once\n\n(no results: `bench/encode/run.py` did "
                "not run)\n")
    data = load(path)
    rows = data["rows"]
    sides = []
    for r in rows:
        if r["side"] not in sides:
            sides.append(r["side"])
    viewers = sorted({r["viewers"] for r in rows})

    def med(side, n):
        return median([r["cpu_percent"] for r in rows
                       if r["side"] == side and r["viewers"] == n])

    out = ["## Encode once: sender CPU with 1 to 8 viewers\n"]
    out.append("The sender's CPU (user+system of its process, 100 %% = one "
               "core) with N viewers of one 640×480 camera: rtcbotwebrtcbin "
               "encodes once and payloads per peer; the hand-written "
               "webrtcbin sender encodes per peer, as the stock examples do. "
               "Viewers run in another process and do not decode (%s).\n"
               % machine_line(data))
    out.append("| viewers | " + " | ".join("%s CPU %%" % s for s in sides) + " |")
    out.append("| ---: |" + " ---: |" * len(sides))
    for n in viewers:
        out.append("| %d | " % n + " | ".join("%.1f" % med(s, n) for s in sides)
                   + " |")
    if 1 in viewers and viewers[-1] > 1:
        most = viewers[-1]
        out.append("| **each extra viewer, %% of the first (1 → %d)** | " % most
                   + " | ".join("**%.0f %%**" % (
                       100 * (med(s, most) - med(s, 1)) / (most - 1)
                       / med(s, 1)) for s in sides) + " |")
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    out.append(checks_md(data))
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for side, color in zip(sides, (OURS, THEIRS, "#888")):
        ax.plot(viewers, [med(side, n) for n in viewers], marker="o",
                color=color, label=side)
    ax.set_xticks(viewers)
    ax.set_xlabel("viewers")
    ax.set_ylabel("sender CPU %")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.set_title("Sender CPU by number of viewers (lower is better)",
                 fontsize=10)
    out.append(save(fig, images, "bench-encode.png"))
    return "\n".join(out)


HEADER = """\
# Benchmarks

Generated by `bench/run` ({when}) on {machine}; every table and chart
below comes from that run (`bench/report.py` turns its JSON into this
page; two dated paragraphs explain findings by hand). Timing depends on the machine and its load, so each comparison runs
both sides in the same invocation, alternating, and the ratios are what
to read; absolute figures are given with the core count and the load
average before and after each benchmark.

Reproduce: `bench/run` (installs what is missing, builds, runs everything,
regenerates this page and `docs/images/bench-*.png`; about {minutes}
minutes on 2 cores); `bench/run --quick` for a smoke run.

Regression guard (part of `./tools/test`, counted, not timed):
`bench_guard` ([bench/guard.c](../bench/guard.c)) holds 4 subscribers on
their first message while 1000 more are put, then counts the pushes that
deliver the backlog: rtcbotsrc sends it as one buffer list per subscriber
(1 push), the guard allows 10, and a change that pushes per message (1000)
fails it, on any machine under any load.

{summary}
"""


def isolation_section(results, images):
    path = os.path.join(results, "isolation.json")
    if not os.path.exists(path):
        return ("## Process isolation\n\n(no results: `bench/isolation` did "
                "not run)\n")
    data = load(path)
    rows = data["rows"]
    sides = ["none", "process"]

    def med(side, field):
        return median([r[field] for r in rows if r["side"] == side])

    def cpu(side):
        return median([r["cpu_parent_percent"] + r["cpu_child_percent"]
                       for r in rows if r["side"] == side])

    out = ["## Process isolation: raw video out of a child process\n"]
    out.append("rtcbotsrc `source=\"videotestsrc is-live=false pattern=%s ! "
               "video/x-raw,format=I420,width=%d,height=%d\"` with "
               "`isolation=none` (a private pipeline in the same process) and "
               "`isolation=process` (the `gst-rtcbot-isolate` child; frames "
               "cross in memfds, mapped once per pool slot, not copied on "
               "the receiving side), one lossless subscriber into "
               "`fakesink sync=false`. Both sides run flat out; %d s per "
               "round after a warm-up, %d alternating rounds, medians. CPU is "
               "user+system of this process (getrusage) plus the child's "
               "(/proc), 100 %% = one core (%s).\n" % (
                   data.get("pattern", "smpte"), data["width"],
                   data["height"], data["seconds"], data["rounds"],
                   machine_line(data)))
    out.append("| isolation | frames/s | CPU % (both processes) | "
               "CPU ms per frame |")
    out.append("| --- | ---: | ---: | ---: |")
    for side in sides:
        out.append("| %s | %.0f | %.0f | %.2f |" % (
            side, med(side, "fps"), cpu(side),
            10 * cpu(side) / med(side, "fps")))
    out.append("| **process / none** | **%.0f %%** | | |" % (
        100 * med("process", "fps") / med("none", "fps")))
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    out.append(checks_md(data))
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.2))
    for ax, (values, label, fmt) in zip(axes, (
            ([med(s, "fps") for s in sides], "frames/s", "%.0f"),
            ([cpu(s) for s in sides], "CPU % (both processes)", "%.0f"))):
        bars = ax.bar(sides, values, color=[OURS, THEIRS])
        bar_labels(ax, bars, fmt)
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
    fig.suptitle("%dx%d I420 out of rtcbotsrc source=, by isolation" % (
        data["width"], data["height"]), fontsize=10)
    out.append(save(fig, images, "bench-isolation.png"))
    return "\n".join(out)


# ------------------------------------------------------------- bad link

BADLINK_LABELS = {"gst": "rtcbotwebrtcbin", "rtcbot-python":
                  "RTCBot's Python robot (aiortc)"}


def badlink_rows(name, result):
    rows = []
    for phase in ("free", "shaped", "recovered"):
        p = result["phases"][phase]
        recovery = ""
        if phase == "recovered":
            r = p.get("recovery_s")
            recovery = "%.1f s" % r if r is not None else "not within %g s" % (
                p["duration_s"])
        rows.append("| %s | %s | %.1f | %.0f | %.0f | %.0f | %d/%d | %d | %s |"
                    % (name, phase, p["fps_mean"], p["kbps_mean"],
                       p["rtt_p50_ms"], p["rtt_p95_ms"], p["lost"],
                       p["sent"], p["freezes"], recovery))
    return rows


def badlink_section(results, images):
    path = os.path.join(results, "badlink.json")
    if not os.path.exists(path):
        return ("## Bad link\n\n(no results: `bench/badlink/run.py` did not "
                "run; it needs root and chromium)\n")
    data = load(path)
    sched = data["schedule"]
    out = ["## Bad link: driving through a 400 kbit/s bottleneck\n"]
    out.append(
        "A robot sends 640×480 at 30 fps (%s) to headless Chromium, which "
        "sends 10 JSON control messages a second on the data channel that "
        "the robot echoes. The link is free for %g s, shaped with `%s` for "
        "%g s (video, RTCP and the data channel in one queue), then free "
        "for %g s. *recovery*: from freeing the link to the first second "
        "with ≥ 1 Mbit/s and ≥ 29 fps. Goals (issue 15), shaped: control "
        "RTT p50 ≤ 100 ms, p95 ≤ 400 ms, nothing lost, ≥ 15 fps; recovery "
        "≤ 10 s (%s). The rows with an *aiortc viewer* have "
        "`bench/badlink/aiortc_viewer.py` watch instead of Chromium: a peer "
        "that sends receiver reports and NACKs but no transport-wide "
        "feedback, as RTCBot's Python side.\n" % (
            data["videotestsrc"], sched["free"], sched["shape"],
            sched["shaped"], sched["recovered"], machine_line(data)))
    out.append("| robot | phase | fps | kbit/s | control RTT p50 ms | "
               "p95 ms | lost/sent | freezes | recovery |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for run in data["runs"]:
        out += badlink_rows(BADLINK_LABELS.get(run["robot"], run["robot"]),
                            run)
    two_path = os.path.join(results, "badlink-2viewers.json")
    if os.path.exists(two_path):
        two = load(two_path)
        for run in two["runs"]:
            for viewer, result in sorted(run["viewer_results"].items()):
                out += badlink_rows("rtcbotwebrtcbin, 2 viewers: the %s one"
                                    % viewer, result)
    aiortc_path = os.path.join(results, "badlink-aiortc.json")
    if os.path.exists(aiortc_path):
        for run in load(aiortc_path)["runs"]:
            out += badlink_rows("%s, aiortc viewer" % BADLINK_LABELS.get(
                run["robot"], run["robot"]), run)
    out.append("\nCommand: `%s`.\n" % repo_relative(data["command"]))
    if data.get("failed"):
        out.append("Failed runs: %s\n" % ", ".join(data["failed"]))

    fig, axes = plt.subplots(3, 1, figsize=(7, 6.4), sharex=True)
    colors = {"gst": OURS, "rtcbot-python": THEIRS}
    for run in data["runs"]:
        marks = run["marks_s"]
        t = [s["t"] for s in run["timeline"]]
        label = BADLINK_LABELS.get(run["robot"], run["robot"])
        color = colors.get(run["robot"], "#777")
        axes[0].plot(t, [s["kbps"] for s in run["timeline"]], color=color,
                     label=label)
        axes[1].plot(t, [s["fps"] for s in run["timeline"]], color=color)
        axes[2].plot(t, [s["rtt_p50_ms"] for s in run["timeline"]],
                     color=color)
    for ax in axes:
        ax.axvspan(marks["shape_on"], marks["shape_off"], color="#ddd",
                   zorder=0)
    axes[0].axhline(400, color="#555", linestyle="--", linewidth=1)
    axes[0].set_ylabel("video kbit/s")
    axes[0].legend(fontsize=8, loc="upper right")
    axes[1].set_ylabel("decoded fps")
    axes[2].set_ylabel("control RTT\np50 ms")
    axes[2].set_yscale("symlog", linthresh=10)
    axes[2].set_ylim(bottom=0)
    axes[2].set_xlabel("s (grey: shaped to 400 kbit/s)")
    axes[0].set_title("Over a link shaped to 400 kbit/s, seen by Chromium",
                      fontsize=10)
    out.append(save(fig, images, "bench-badlink.png"))
    return "\n".join(out)


def fanout_headline(results):
    """Summary lines of the fan-out runs: the range of the ratios."""
    runs = [load(p) for p in sorted(glob.glob(os.path.join(results,
                                                           "fanout-*.json")))]
    rows = [r for d in runs for r in d.get("rows", [])]
    lines = []
    ratios = []
    for n, size in sorted({(r["subscribers"], r["size"]) for r in rows}):
        def med(side):
            return median([r["msgs_per_s"] for r in rows if r["side"] == side
                           and r["subscribers"] == n and r["size"] == size])
        ratios.append((med("rtcbotsrc") / med("appsrc ! tee"), n, size))
    if ratios:
        low, high = min(ratios), max(ratios)
        lines.append("| fanout | rtcbotsrc vs appsrc ! tee ! queue: %.2f× "
                     "(%d subscribers, %s) to %.2f× (%d subscribers, %s) "
                     "the messages per second; all deliveries checked |" % (
                         low[0], low[1], SIZE_LABELS.get(low[2], low[2]),
                         high[0], high[1],
                         SIZE_LABELS.get(high[2], high[2])))
    stall = next((d["stall"] for d in runs if d.get("stall")), None)
    if stall:
        lines.append("| fanout | %s memory flat with a stalled subscriber "
                     "(%.1f → %.1f MiB) |" % (
                         "✅" if stall["ok"] else "❌",
                         stall["rss"][0]["rss_mib"],
                         stall["rss"][-1]["rss_mib"]))
    return lines


def summary_md(results):
    """The headline figure of each comparison, first thing on the page."""
    lines = ["| comparison | result |", "| --- | --- |"]
    lines += fanout_headline(results)
    found = len(lines) > 2
    for name in ("websocket", "datachannel", "latency", "encode",
                 "isolation"):
        for path in sorted(glob.glob(os.path.join(results, name + "*.json"))):
            data = load(path)
            for check in data.get("checks", []):
                found = True
                lines.append("| %s | %s %s%s |" % (
                    name, "✅" if check["ok"] else "❌", check["name"],
                    ": " + check["detail"] if check.get("detail") else ""))
    return "\n".join(lines) + "\n" if found else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--doc", default="docs/benchmarks.md")
    parser.add_argument("--images", default="docs/images")
    parser.add_argument("--when", default="")
    parser.add_argument("--minutes", default="15")
    args = parser.parse_args()
    os.makedirs(args.images, exist_ok=True)
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    sections = [fanout_section, websocket_section, datachannel_section,
                latency_section, encode_section, isolation_section,
                badlink_section]
    body = "\n".join(s(args.results, args.images) for s in sections)
    text = HEADER.format(when=args.when or "date unknown",
                         machine="%d cores (%s), %s" % (
                             os.cpu_count(), cpu, platform.platform()),
                         minutes=args.minutes,
                         summary=summary_md(args.results)) + "\n" + body
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s and the charts in %s" % (args.doc, args.images))
    return 0


if __name__ == "__main__":
    sys.exit(main())
