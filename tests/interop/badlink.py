#!/usr/bin/python3
"""rtcbotwebrtcbin over a shaped link, with headless Chromium viewers.

Runs bench/badlink/run.py --quick (a 640x480 30 fps robot; free 5 s, a
400 kbit/s tbf for 10 s, free 15 s; ten control messages a second echoed)
and checks its results with wide margins; the tight figures of issue 15
belong to the benchmark (docs/benchmarks.md), not here:

* one viewer: the video sent falls under the link while it is shaped (the
  estimate fell: under 380 kbit/s received on average over the samples
  that began after the shaping, where a fixed encoder pushes 1.4 Mbit/s
  into it), the picture is scaled down (a frame
  narrower than 640 while shaped), no control message is lost in any
  phase, and after the link is freed the video comes back (at least
  500 kbit/s and 12 fps in the last three seconds);
* two viewers, one shaped and one free (the video ladder): the shaped one
  is switched to a lower layer of its own (scaled down, under its link)
  and back once freed, while the free one keeps the full picture (640
  wide), at least 20 fps and 700 kbit/s (30 in the benchmark; two
  Chromiums and two encoders share the machine's two cores here);
  neither loses a control message;
* one aiortc viewer (bench/badlink/aiortc_viewer.py: receiver reports and
  NACKs, no transport-wide feedback, as RTCBot's Python peers): no control
  message is lost, the video sent falls under the link while it is shaped,
  and the control RTT's median over the shaped phase stays under 400 ms
  (over a second when the estimate followed receiver reports alone).

Skipped (exit 77) without root (network namespaces, tc) or Chromium.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "..", "..", "bench", "badlink", "run.py")
SKIP = 77
# Back above the shaped level within the 15 s of --quick (checked over its
# last 3 s): recovery to full rate takes 3-10 s in the benchmark, too
# variable for a test; probes are held to the capacity found for 3 s
# after the last decrease, which the freeing of the link itself can cause,
# and then rise half again a probe
RECOVERED_KBPS = 500
RECOVERED_FPS = 12
FAILED = []


def log(fmt, *args):
    print(fmt % args if args else fmt, flush=True)


def bench(build_dir, *options):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, RUN, "--robot", "gst", "--quick",
               "--build-dir", build_dir, "--json", out.name] + list(options)
        log("$ %s", " ".join(cmd))
        status = subprocess.call(cmd)
        if status == SKIP:
            sys.exit(SKIP)
        if status != 0:
            raise AssertionError("bench/badlink/run.py exited with %d" %
                                 status)
        with open(out.name) as f:
            report = json.load(f)
    if report["failed"] or not report["runs"]:
        raise AssertionError("the benchmark run failed: %s" %
                             report["failed"])
    return report["runs"][0]


def check(condition, what):
    log("%s: %s", "ok" if condition else "FAIL", what)
    if not condition:
        FAILED.append(what)
    return condition


def seconds_in(timeline, start, end):
    return [s for s in timeline if start < s["t"] <= end]


def average(samples, field):
    return sum(s[field] for s in samples) / max(len(samples), 1)


def check_nothing_lost(name, phases):
    good = True
    for phase in ("free", "shaped", "recovered"):
        p = phases[phase]
        good &= check(p["lost"] == 0 and p["sent"] > 0,
                      "%s, %s: %d of %d control messages lost" %
                      (name, phase, p["lost"], p["sent"]))
    return good


def check_under_link(name, timeline, marks):
    # samples that began after the shaping: the one across it still holds
    # up to a second of the free link's rate
    under = seconds_in(timeline, marks["shape_on"] + 1, marks["shape_off"])
    kbps = average(under, "kbps")
    return check(under and kbps < 380,
                 "%s: %.0f kbit/s received while shaped to 400" % (name, kbps))


def check_viewer(name, result, marks, shaped_viewer):
    phases = result["phases"]
    good = check_nothing_lost(name, phases)
    shaped = phases["shaped"]
    timeline = result["timeline"]
    if shaped_viewer:
        good &= check_under_link(name, timeline, marks)
        widths = [s["width"] for s in seconds_in(
            timeline, marks["shape_on"], marks["shape_off"])
            if s.get("width")]
        good &= check(widths and min(widths) < 640,
                      "%s: frame widths while shaped %s" % (name, widths))
        tail = seconds_in(timeline, marks["end"] - 3, marks["end"])
        kbps = average(tail, "kbps")
        fps = average(tail, "fps")
        recovered = kbps >= RECOVERED_KBPS and fps >= RECOVERED_FPS
        good &= check(recovered, "%s: %.0f kbit/s, %.1f fps in the last 3 s "
                      "after the link was freed" % (name, kbps, fps))
    else:
        good &= check(shaped["fps_mean"] >= 20 and shaped["kbps_mean"] >= 700,
                      "%s (free link): %.1f fps, %.0f kbit/s while the other "
                      "viewer was shaped" % (name, shaped["fps_mean"],
                                             shaped["kbps_mean"]))
        widths = [s["width"] for s in seconds_in(
            timeline, marks["shape_on"], marks["shape_off"])
            if s.get("width")]
        good &= check(widths and min(widths) == 640,
                      "%s (free link): frame widths while the other viewer "
                      "was shaped %s" % (name, widths))
    return good


def check_aiortc_viewer(result, marks):
    good = check_nothing_lost("aiortc viewer", result["phases"])
    good &= check_under_link("aiortc viewer", result["timeline"], marks)
    p50 = result["phases"]["shaped"]["rtt_p50_ms"]
    good &= check(p50 is not None and p50 < 400, "aiortc viewer: control RTT "
                  "p50 %s ms while shaped" % p50)
    return good


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "build")
    if os.geteuid() != 0:
        log("SKIP: needs root for network namespaces and tc")
        return SKIP

    good = True
    one = bench(build_dir)
    good &= check_viewer("viewer", one, one["marks_s"], True)

    two = bench(build_dir, "--viewers", "2")
    for name, result in sorted(two["viewer_results"].items()):
        good &= check_viewer(name, result, two["marks_s"], name == "shaped")

    aiortc = bench(build_dir, "--viewer", "aiortc")
    good &= check_aiortc_viewer(aiortc, aiortc["marks_s"])
    for what in FAILED:
        log("FAILED: %s", what)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
