#!/usr/bin/python3
"""The badlink benchmark's viewer written with aiortc, as RTCBot's Python
side would watch a robot: what the Chromium page (page/index.html) does,
for a peer that sends receiver reports and NACKs but no transport-wide
feedback (aiortc sends REMB only with the abs-send-time header extension,
which rtcbotwebrtcbin does not send).

It offers (video receive-only and the "default" data channel, every
candidate in the SDP), POSTs the offer to URL's /connect and applies the
answer; then sends {"seq": n, "t": ms, "id": ID} ten times a second, times
the echoes of its own messages, decodes every frame and samples once a
second what the page samples with getStats(): framesDecoded,
bytesReceived (RTP payload), frameWidth/frameHeight and freezeCount,
counted as Chromium counts it (a frame interval of at least three times
the mean of the last 30 and at least 150 ms more than it).

The harness (run.py) drives it over fds 3 (commands) and 4 (replies),
NUL-separated JSON as with Chromium's DevTools pipe: {"id", "command":
"status" | "stop-sending" | "data"} answered by {"id", "result"}.

    aiortc_viewer.py URL     (URL as for the page: http://HOST:PORT/?id=ID)
"""
import argparse
import asyncio
import collections
import json
import os
import sys
import time
import urllib.parse

import aiohttp
from aiortc import (RTCConfiguration, RTCPeerConnection,
                    RTCSessionDescription)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpreceiver import RTCRtpReceiver

FREEZE_WINDOW = 30          # frame intervals a freeze is judged against
FREEZE_MIN_EXTRA_S = 0.150
SEND_INTERVAL_S = 0.1

payload_bytes = 0


def count_payload(handle):
    """RTCRtpReceiver._handle_rtp_packet, counting the payload received
    (getStats()'s bytesReceived)."""
    async def wrapper(self, packet, arrival_time_ms):
        global payload_bytes
        payload_bytes += len(packet.payload)
        return await handle(self, packet, arrival_time_ms)
    return wrapper


RTCRtpReceiver._handle_rtp_packet = count_payload(
    RTCRtpReceiver._handle_rtp_packet)


class Viewer:
    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.connect_url = "%s://%s/connect" % (parsed.scheme, parsed.netloc)
        self.id = urllib.parse.parse_qs(parsed.query).get("id", ["v"])[0]
        self.state = "starting"
        self.error = None
        self.sending = True
        self.sent = []          # [seq, wall ms]
        self.echoes = []        # [seq, rtt ms, wall ms]
        self.foreign = 0
        self.samples = []
        self.first_frame_at = None
        self.frames = 0
        self.size = (None, None)
        self.intervals = collections.deque(maxlen=FREEZE_WINDOW)
        self.last_frame = None
        self.freezes = 0
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

    def status(self):
        return {"state": self.state, "error": self.error,
                "first": self.first_frame_at, "samples": len(self.samples),
                "sent": len(self.sent), "echoes": len(self.echoes),
                "last": self.samples[-1] if self.samples else None}

    def data(self):
        return {"sent": self.sent, "echoes": self.echoes,
                "foreign": self.foreign, "samples": self.samples,
                "first": self.first_frame_at}

    def on_frame(self, frame):
        now = time.monotonic()
        if self.last_frame is not None:
            interval = now - self.last_frame
            if len(self.intervals) >= FREEZE_WINDOW:
                mean = sum(self.intervals) / len(self.intervals)
                if interval >= max(3 * mean, mean + FREEZE_MIN_EXTRA_S):
                    self.freezes += 1
            self.intervals.append(interval)
        self.last_frame = now
        self.frames += 1
        self.size = (frame.width, frame.height)
        if self.first_frame_at is None:
            self.first_frame_at = wall_ms()

    async def consume(self, track):
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self.on_frame(frame)

    async def sample_every_second(self):
        while True:
            await asyncio.sleep(1)
            self.samples.append({
                "wall": wall_ms(), "framesDecoded": self.frames,
                "bytesReceived": payload_bytes, "freezeCount": self.freezes,
                "frameWidth": self.size[0], "frameHeight": self.size[1]})

    async def send_every_tenth(self, channel):
        seq = 0
        while True:
            await asyncio.sleep(SEND_INTERVAL_S)
            if not self.sending or channel.readyState != "open":
                continue
            self.sent.append([seq, wall_ms()])
            channel.send(json.dumps({"seq": seq, "t": monotonic_ms(),
                                     "id": self.id}))
            seq += 1

    def on_message(self, text):
        now = monotonic_ms()
        try:
            m = json.loads(text)
        except ValueError:
            return
        if not isinstance(m, dict):
            return
        if m.get("id") != self.id:
            self.foreign += 1
        elif isinstance(m.get("seq"), int) and \
                isinstance(m.get("t"), (int, float)):
            self.echoes.append([m["seq"], now - m["t"], wall_ms()])

    async def run(self):
        pc = self.pc
        pc.addTransceiver("video", direction="recvonly")
        channel = pc.createDataChannel("default", ordered=True)
        tasks = []

        @pc.on("track")
        def on_track(track):
            if track.kind == "video":
                tasks.append(asyncio.ensure_future(self.consume(track)))

        @pc.on("connectionstatechange")
        def on_state():
            if pc.connectionState in ("failed", "closed"):
                self.state = "failed: connection " + pc.connectionState

        @channel.on("open")
        def on_open():
            self.state = "connected"
            tasks.append(asyncio.ensure_future(
                self.send_every_tenth(channel)))

        channel.on("message", self.on_message)
        self.state = "connecting"
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"type": pc.localDescription.type,
                 "sdp": pc.localDescription.sdp}
        async with aiohttp.ClientSession() as session:
            async with session.post(self.connect_url, json=offer) as r:
                if r.status != 200:
                    raise RuntimeError("/connect: HTTP %d %s" % (
                        r.status, await r.text()))
                answer = await r.json(content_type=None)
        await pc.setRemoteDescription(RTCSessionDescription(
            sdp=answer["sdp"], type=answer["type"]))
        tasks.append(asyncio.ensure_future(self.sample_every_second()))


def wall_ms():
    return time.time() * 1000.0


def monotonic_ms():
    return time.monotonic() * 1000.0


async def serve_commands(viewer):
    """Commands on fd 3, replies on fd 4, until fd 3 closes."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(3, "rb"))
    replies = os.fdopen(4, "wb", buffering=0)
    while True:
        try:
            raw = await reader.readuntil(b"\0")
        except asyncio.IncompleteReadError:
            return
        msg = json.loads(raw[:-1])
        command = msg.get("command")
        if command == "status":
            result = viewer.status()
        elif command == "stop-sending":
            viewer.sending = False
            result = True
        elif command == "data":
            result = viewer.data()
        else:
            result = None
        replies.write(json.dumps({"id": msg.get("id"),
                                  "result": result}).encode() + b"\0")


async def main_async(url):
    viewer = Viewer(url)
    try:
        await viewer.run()
    except Exception as e:         # reported through status, not a crash
        viewer.error = "%s: %s" % (type(e).__name__, e)
        viewer.state = "failed: " + viewer.error
    await serve_commands(viewer)
    await viewer.pc.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    args = ap.parse_args()
    asyncio.run(main_async(args.url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
