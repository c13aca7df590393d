#!/usr/bin/python3
# GStreamer RTCBot elements
# Copyright (C) 2026 gst-rtcbot developers
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Library General Public License for more details.
#
# You should have received a copy of the GNU Library General Public
# License along with this library; if not, write to the
# Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
# Boston, MA 02110-1301, USA.

"""Independent peers for the fault tests, each run as its own process so
that a test can SIGKILL it: nothing of it says goodbye, exactly like a
crashed or powered-off peer.

    faults_peers.py ws-client URL        connect, print "open", send
                                         {"n": i} every 20 ms
    faults_peers.py ws-server PORT       aiohttp server at /ws (PORT 0 =
                                         any), print "port N", send
                                         {"n": i} every 20 ms per client
    faults_peers.py ws-cycles URL N      N connect/send/close cycles, then
                                         print "done SECONDS"
    faults_peers.py rtc-offer URL        aiortc offerer POSTing to URL,
                                         print "open", send {"n": i} every
                                         20 ms on "default"
    faults_peers.py rtc-answer           aiohttp POST /connect answering
                                         with aiortc, print "port N", then
                                         "open" when a channel opens
    faults_peers.py rtc-cycles URL N     N offer/open/send/close cycles,
                                         then print "done SECONDS"
    faults_peers.py ws-hammer URL        connect/send/close for ever,
                                         ignoring failures
    faults_peers.py rtc-hammer URL       offer/open/close for ever,
                                         ignoring failures

Everything is on 127.0.0.1, ports chosen by the OS, no STUN/TURN. Every
line goes to stdout, flushed; failures exit non-zero with a message on
stderr."""

import asyncio
import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import aiohttp
from aiohttp import web

PERIOD_S = 0.02
STEP_TIMEOUT_S = 20.0


def say(*words):
    print(*words, flush=True)


async def ws_client(url):
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, autoping=True) as ws:
            say("open")
            n = 0
            while True:
                await ws.send_str(json.dumps({"n": n}))
                n += 1
                await asyncio.sleep(PERIOD_S)


async def ws_server(port):
    async def handler(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        say("open")

        async def feed():
            n = 0
            while not ws.closed:
                await ws.send_str(json.dumps({"n": n}))
                n += 1
                await asyncio.sleep(PERIOD_S)
        task = asyncio.ensure_future(feed())
        async for _ in ws:
            pass
        task.cancel()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
    await site.start()
    say("port", site._server.sockets[0].getsockname()[1])
    await asyncio.Event().wait()


async def ws_cycles(url, n):
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        for i in range(n):
            ws = await asyncio.wait_for(session.ws_connect(url),
                                        STEP_TIMEOUT_S)
            await ws.send_str(json.dumps({"cycle": i}))
            await ws.close()
    say("done %.2f" % (time.monotonic() - start))


async def ws_hammer(url):
    """Connect, send, close, for ever; failures (the server is stopped at
    that moment) are expected."""
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                ws = await asyncio.wait_for(session.ws_connect(url), 2)
                for i in range(5):
                    await ws.send_str(json.dumps({"i": i}))
                await ws.close()
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.005)


class RefusedError(Exception):
    pass


def new_pc():
    from aiortc import RTCConfiguration, RTCPeerConnection
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def rtc_connect(session, url):
    """An offerer with RTCBot's "default" channel, open; returns (pc,
    channel)."""
    from aiortc import RTCSessionDescription
    pc = new_pc()
    channel = pc.createDataChannel("default", ordered=True)
    opened = asyncio.Event()
    channel.on("open", opened.set)
    await pc.setLocalDescription(await pc.createOffer())
    offer = {"sdp": pc.localDescription.sdp, "type": "offer"}
    async with session.post(url, data=json.dumps(offer)) as r:
        if r.status != 200:
            raise RefusedError("POST %s: %d %s" % (url, r.status,
                                                   await r.text()))
        answer = json.loads(await r.text())
    await pc.setRemoteDescription(RTCSessionDescription(
        sdp=answer["sdp"], type=answer["type"]))
    await asyncio.wait_for(opened.wait(), STEP_TIMEOUT_S)
    return pc, channel


async def rtc_offer(url):
    async with aiohttp.ClientSession() as session:
        pc, channel = await rtc_connect(session, url)
    say("open")
    n = 0
    while True:
        channel.send(json.dumps({"n": n}))
        n += 1
        await asyncio.sleep(PERIOD_S)


async def rtc_answer():
    from aiortc import RTCSessionDescription
    pcs = []

    async def handler(request):
        offer = json.loads(await request.read())
        pc = new_pc()
        pcs.append(pc)

        @pc.on("datachannel")
        def on_datachannel(channel):
            async def feed():
                n = 0
                while channel.readyState == "open":
                    channel.send(json.dumps({"n": n}))
                    n += 1
                    await asyncio.sleep(PERIOD_S)

            @channel.on("open")
            def on_open():
                say("open")
                asyncio.ensure_future(feed())
            if channel.readyState == "open":
                on_open()

        await pc.setRemoteDescription(RTCSessionDescription(
            sdp=offer["sdp"], type=offer["type"]))
        await pc.setLocalDescription(await pc.createAnswer())
        return web.json_response({"sdp": pc.localDescription.sdp,
                                  "type": pc.localDescription.type})

    app = web.Application()
    app.router.add_post("/connect", handler)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    say("port", site._server.sockets[0].getsockname()[1])
    await asyncio.Event().wait()


async def rtc_cycles(url, n):
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        for i in range(n):
            pc, channel = await rtc_connect(session, url)
            channel.send(json.dumps({"cycle": i}))
            # let the message leave before the SCTP ABORT of close()
            await asyncio.sleep(0.05)
            await pc.close()
    say("done %.2f" % (time.monotonic() - start))


# ---------------------------------------------------------------------------
# the test side: one peer process, and what a process holds

def die_with_parent():
    """In the child: SIGKILL when the test process dies, so a test that
    crashes leaves no peer behind (holding the test's output open, which
    meson would wait on until its timeout)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


class PeerProcess:
    """One of the peers above in its own process; its stdout lines go to
    a queue. kill() is SIGKILL: no close frame, no SCTP ABORT, nothing."""

    def __init__(self, *args):
        self.args = [str(a) for a in args]
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__)] + self.args,
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, preexec_fn=die_with_parent)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.split())
        self.lines.put(None)

    def expect(self, word, timeout=STEP_TIMEOUT_S):
        """The words of the next stdout line starting with word."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                words = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                words = ()
            if words is None:
                raise AssertionError("peer %s exited with %s before %r" % (
                    self.args, self.proc.wait(), word))
            if words and words[0] == word:
                return words
            if left <= 0:
                raise AssertionError("peer %s: no %r within %.1f s" % (
                    self.args, word, timeout))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc.stdout.close()


def process_figures():
    """(fds, threads, RSS KiB) of this process."""
    rss = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return (len(os.listdir("/proc/self/fd")),
            len(os.listdir("/proc/self/task")), rss)


async def rtc_hammer(url):
    """Offer, and close once open or after 2 s, for ever."""
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                pc, _ = await asyncio.wait_for(rtc_connect(session, url), 2)
                await pc.close()
            except Exception:
                await asyncio.sleep(0.01)


def main(argv):
    what = argv[1]
    if what == "ws-hammer":
        coro = ws_hammer(argv[2])
    elif what == "rtc-hammer":
        coro = rtc_hammer(argv[2])
    elif what == "ws-client":
        coro = ws_client(argv[2])
    elif what == "ws-server":
        coro = ws_server(int(argv[2]))
    elif what == "ws-cycles":
        coro = ws_cycles(argv[2], int(argv[3]))
    elif what == "rtc-offer":
        coro = rtc_offer(argv[2])
    elif what == "rtc-answer":
        coro = rtc_answer()
    elif what == "rtc-cycles":
        coro = rtc_cycles(argv[2], int(argv[3]))
    else:
        sys.exit("unknown peer %r" % what)
    try:
        asyncio.run(coro)
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError,
            RefusedError) as e:
        # the other side refused or dropped us: a test may want that
        sys.exit("%s: %r" % (what, e))


if __name__ == "__main__":
    main(sys.argv)
