#!/usr/bin/python3
"""Load generator of the datachannel benchmark: one python3-aiortc client,
the same for both echo servers (run.py starts one per server and round).

    loadgen.py URL [--messages N] [--window W] [--rtt M] [--warmup K]
               [--server-pid PID] [--idle S]

Offers to URL like RTCBot's browser client (aiortc offerer, one ordered
data channel "default" and nothing else, so there is a single transport and
no BUNDLE question; the offer is complete, not trickled, and POSTed as
JSON), waits for the channel to open, then:

1. warm-up: K messages with the window, not counted;
2. throughput: N messages of exactly 64 bytes of JSON text
   ({"n":123,"p":"xx..."}), at most W outstanding; every echo is checked
   (its "n" must be the next one expected: lost and out-of-order counts)
   and sends the next message. msgs/s = N / time from the first send to
   the last echo. The phase ends when every echo is back or after --idle
   seconds without one. The CPU seconds (utime + stime, /proc/PID/stat) of
   --server-pid and of this process over this phase are recorded;
3. round-trip time: M messages one at a time, each sent when the previous
   echo arrived; per-message RTT from send to echo (perf_counter).

Prints one JSON object on stdout; exits non-zero only when it could not
connect.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

import aiohttp
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

MESSAGE_BYTES = 64
CONNECT_TIMEOUT_S = 20.0
TICKS = os.sysconf("SC_CLK_TCK")


def message(n):
    """64 bytes of JSON: {"n":<n>,"p":"xxx..."}."""
    head = '{"n":%d,"p":"' % n
    return head + "x" * (MESSAGE_BYTES - len(head) - 2) + '"}'


def number(text):
    """The "n" of message(n), without a JSON parser."""
    return int(text[5:text.index(",", 5)])


def cpu_seconds(pid):
    """utime + stime of every thread of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1,
                   int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Client:
    def __init__(self):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.channel = self.pc.createDataChannel("default", ordered=True)
        self.opened = asyncio.Event()
        self.channel.on("open", self.opened.set)
        self.on_message = lambda text: None
        self.channel.on("message", lambda text: self.on_message(text))

    async def connect(self, url):
        await self.pc.setLocalDescription(await self.pc.createOffer())
        d = self.pc.localDescription
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=json.dumps(
                    {"type": d.type, "sdp": d.sdp}),
                    headers={"Content-Type": "application/json"}) as r:
                body = await r.text()
                if r.status != 200:
                    raise RuntimeError("POST %s: HTTP %d %s" % (
                        url, r.status, body[:200]))
        answer = json.loads(body)
        await self.pc.setRemoteDescription(RTCSessionDescription(
            sdp=answer["sdp"], type=answer["type"]))
        await asyncio.wait_for(self.opened.wait(), CONNECT_TIMEOUT_S)

    async def windowed(self, first, count, window, idle_s):
        """Sends message(first) .. message(first + count - 1) with at most
        window outstanding. Returns (seconds to the last echo or to the
        last progress, echoes received, out-of-order echoes)."""
        loop = asyncio.get_running_loop()
        texts = [message(first + i) for i in range(count)]
        send = self.channel.send
        st = {"sent": 0, "got": 0, "expect": first, "disorder": 0,
              "last": time.perf_counter()}
        done = loop.create_future()

        def on_message(text):
            n = number(text)
            if n != st["expect"]:
                st["disorder"] += 1
            st["expect"] = n + 1
            st["got"] += 1
            st["last"] = time.perf_counter()
            if st["sent"] < count:
                send(texts[st["sent"]])
                st["sent"] += 1
            elif st["got"] >= count and not done.done():
                done.set_result(None)

        self.on_message = on_message
        start = time.perf_counter()
        for _ in range(min(window, count)):
            send(texts[st["sent"]])
            st["sent"] += 1
        while not done.done():
            try:
                await asyncio.wait_for(asyncio.shield(done), 0.2)
            except asyncio.TimeoutError:
                if time.perf_counter() - st["last"] > idle_s:
                    break
        self.on_message = lambda text: None
        return st["last"] - start, st["got"], st["disorder"]

    async def ping_pong(self, first, count, timeout_s):
        """count messages one at a time; returns the RTTs in seconds of
        those that came back and the number that did not."""
        loop = asyncio.get_running_loop()
        rtts, lost = [], 0
        waiting = {}

        def on_message(text):
            fut = waiting.pop(number(text), None)
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())

        self.on_message = on_message
        for i in range(count):
            n = first + i
            text = message(n)
            fut = waiting[n] = loop.create_future()
            t0 = time.perf_counter()
            self.channel.send(text)
            try:
                t1 = await asyncio.wait_for(fut, timeout_s)
                rtts.append(t1 - t0)
            except asyncio.TimeoutError:
                waiting.pop(n, None)
                lost += 1
        self.on_message = lambda text: None
        return rtts, lost

    async def close(self):
        await self.pc.close()


async def run(args):
    client = Client()
    t0 = time.perf_counter()
    try:
        await client.connect(args.url)
    except Exception as e:
        await client.close()
        raise RuntimeError("could not connect to %s: %r" % (args.url, e))
    connect_s = time.perf_counter() - t0
    out = {"url": args.url, "connect_s": round(connect_s, 3),
           "message_bytes": MESSAGE_BYTES, "window": args.window,
           "messages": args.messages}
    try:
        if args.warmup:
            await client.windowed(10_000_000, args.warmup, args.window,
                                  args.idle)
        server0 = cpu_seconds(args.server_pid) if args.server_pid else None
        self0 = cpu_seconds(os.getpid())
        seconds, got, disorder = await client.windowed(
            0, args.messages, args.window, args.idle)
        self1 = cpu_seconds(os.getpid())
        server1 = cpu_seconds(args.server_pid) if args.server_pid else None
        out.update({
            "seconds": round(seconds, 4),
            "msgs_per_s": round(got / seconds, 1) if seconds > 0 else 0.0,
            "received": got,
            "lost": args.messages - got,
            "out_of_order": disorder,
            "server_cpu_s": (round(server1 - server0, 3)
                             if server0 is not None else None),
            "client_cpu_s": round(self1 - self0, 3),
        })
        rtts, lost = await client.ping_pong(20_000_000, args.rtt, args.idle)
        rtts.sort()
        out.update({
            "rtt_messages": args.rtt,
            "rtt_lost": lost,
            "rtt_p50_ms": round(percentile(rtts, 50) * 1e3, 4),
            "rtt_p99_ms": round(percentile(rtts, 99) * 1e3, 4),
            "rtt_max_ms": round(rtts[-1] * 1e3, 4) if rtts else None,
            "rtt_mean_ms": (round(statistics.fmean(rtts) * 1e3, 4)
                            if rtts else None),
        })
    finally:
        await client.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--window", type=int, default=32)
    ap.add_argument("--rtt", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--idle", type=float, default=5.0,
                    help="end a phase after this long without an echo")
    args = ap.parse_args()
    try:
        out = asyncio.run(run(args))
    except RuntimeError as e:
        sys.exit("loadgen: %s" % e)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
