#!/usr/bin/python3
"""Summary of bench/websocket/run: the load generator's JSON lines in, a
markdown table out (and the report's JSON with --out, see bench/report.py).

    summary.py RESULTS COMMAND WINDOW NPROC LOAD_BEFORE LOAD_AFTER ROUNDS
               OUT ECHO_STATS
"""
import json
import statistics
import sys

SIDES = {"rtcbot": "rtcbotwebsocketbin", "node": "node ws",
         "aiohttp": "aiohttp"}
OURS = "rtcbotwebsocketbin"


def load_label(clients, window):
    kind = "echo" if clients == 1 else "relay to %d clients" % clients
    return "%s, %s" % (kind, "window %s" % window if window != "all"
                       else "all back-to-back")


def main(results, command, window, nproc, load_before, load_after, rounds,
         out, echo_stats):
    rows, seen = [], {}
    for line in open(results):
        name, _, text = line.partition(" ")
        d = json.loads(text)
        key = (name, d.get("clients", 1), str(d.get("window")))
        seen[key] = seen.get(key, 0) + 1
        row = {"side": SIDES[name], "round": seen[key],
               "clients": d.get("clients", 1), "window": str(d.get("window")),
               "messages": d.get("messages")}
        if "error" in d:
            row["error"] = d["error"]
        else:
            row.update(msgs_per_s=d["throughput"]["msgs_per_s"],
                       deliveries_per_s=d["throughput"]["deliveries_per_s"],
                       lost=d["throughput"]["lost_deliveries"],
                       rtt_p50_us=d["rtt_us"]["p50"],
                       rtt_p99_us=d["rtt_us"]["p99"],
                       rtt_max_us=d["rtt_us"]["max"])
        rows.append(row)

    loads = []
    for r in rows:
        if (r["clients"], r["window"]) not in loads:
            loads.append((r["clients"], r["window"]))

    def med(side, load, field):
        vals = [r[field] for r in rows if r["side"] == side and
                (r["clients"], r["window"]) == load and field in r]
        return statistics.median(vals) if vals else float("nan")

    print("### Websocket: rtcbotwebsocketbin vs Node's ws and "
          "python3-aiohttp\n")
    print("`%s` — nproc %s, loadavg %s; 100-byte JSON text messages, node "
          "`ws` load generator; medians of %s rounds.\n"
          % (command, nproc, load_before, rounds))
    print("| load | server | msgs/s | deliveries/s | lost | RTT p50 (us) | "
          "RTT p99 (us) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    checks = []
    for load in loads:
        for side in SIDES.values():
            print("| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f |" % (
                load_label(*load), side, med(side, load, "msgs_per_s"),
                med(side, load, "deliveries_per_s"), med(side, load, "lost"),
                med(side, load, "rtt_p50_us"), med(side, load, "rtt_p99_us")))
        for other in (side for side in SIDES.values() if side != OURS):
            ratio = (med(OURS, load, "deliveries_per_s")
                     / med(other, load, "deliveries_per_s"))
            print("| | **÷ %s** | | **%.2f×** | | | |" % (other, ratio))
    print()
    lost = sum(r.get("lost", 0) for r in rows if r["side"] ==
               "rtcbotwebsocketbin")
    errors = [r for r in rows if "error" in r]
    checks.append({"name": "rtcbotwebsocketbin loses nothing", "ok": lost == 0,
                   "detail": "%d deliveries lost in all rounds" % lost})
    checks.append({"name": "every load generator run completed",
                   "ok": not errors, "detail": "; ".join(
                       "%s %s" % (r["side"], r["error"]) for r in errors)})
    echo_p99 = med(OURS, (1, window), "rtt_p99_us")
    checks.append({"name": "echo RTT p99 ≤ 1 ms", "ok": echo_p99 <= 1000,
                   "detail": "%.0f us" % echo_p99})
    ours = med(OURS, (1, window), "deliveries_per_s")
    node = med("node ws", (1, window), "deliveries_per_s")
    checks.append({"name": "echo (window %s) at least as fast as node ws"
                   % window, "ok": ours >= node,
                   "detail": "%.0f against %.0f messages/s: %.2f×"
                   % (ours, node, ours / node)})
    print("* echo server: %s" % echo_stats.strip())
    if out:
        with open(out, "w") as f:
            json.dump({"benchmark": "websocket", "command": command,
                       "nproc": int(nproc), "loadavg_before": load_before,
                       "loadavg_after": load_after, "rounds": int(rounds),
                       "rows": rows, "checks": checks,
                       "notes": ["100-byte JSON text messages; the relay "
                                 "load sends each message to all 50 clients"]},
                      f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:10])
