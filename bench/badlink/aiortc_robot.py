#!/usr/bin/python3
"""Robot B of the badlink benchmark: RTCBot's Python robot, on aiortc.

    aiortc_robot.py --host ADDR --port N --page-dir DIR [--camera PROPS]

What an RTCBot robot program is (RTCConnection + aiohttp): aiohttp serves
the viewer page (DIR/index.html) at GET / and POST /connect, which takes
the browser's offer JSON {"type", "sdp"} and answers with aiortc after ICE
gathering (no trickle). The robot sends one 640x480 30 fps video track,
encoded by aiortc's own VP8 encoder, and echoes every message received on
the "default" data channel back on it. The "camera" is a live GStreamer
videotestsrc with the properties PROPS (default "pattern=ball") read
through an appsink, so that both robots of the benchmark send the same
pictures.

Prints "READY" once listening; exits on SIGTERM/SIGINT or when stdin
closes.
"""

import argparse
import asyncio
import json
import os
import signal
import sys

import gi
import numpy
from aiohttp import web
from aiortc import (RTCConfiguration, RTCPeerConnection,
                    RTCSessionDescription, VideoStreamTrack)
from av import VideoFrame

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 480, 30


class CameraTrack(VideoStreamTrack):
    """640x480 at 30 fps from a live videotestsrc (the same pictures the
    gst robot sends), paced by VideoStreamTrack's clock; the newest frame
    is taken each time, as a camera driver would give it."""

    def __init__(self, videotestsrc_props):
        super().__init__()
        Gst.init(None)
        self.pipeline = Gst.parse_launch(
            "videotestsrc is-live=true %s ! video/x-raw,format=I420,"
            "width=%d,height=%d,framerate=%d/1 ! appsink name=s "
            "max-buffers=1 drop=true sync=false"
            % (videotestsrc_props, WIDTH, HEIGHT, FPS))
        self.sink = self.pipeline.get_by_name("s")
        self.pipeline.set_state(Gst.State.PLAYING)
        self.last = None

    def _pull(self):
        sample = GstApp.AppSink.try_pull_sample(self.sink, Gst.SECOND // 10)
        if sample is None:
            return self.last
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        if not ok:
            return self.last
        try:
            # I420 without padding at 640x480: Y, U, V planes back to back
            img = numpy.frombuffer(info.data, numpy.uint8,
                                   WIDTH * HEIGHT * 3 // 2).reshape(
                                       HEIGHT * 3 // 2, WIDTH).copy()
        finally:
            buf.unmap(info)
        self.last = img
        return img

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        img = await asyncio.get_running_loop().run_in_executor(
            None, self._pull)
        if img is None:
            img = numpy.zeros((HEIGHT * 3 // 2, WIDTH), numpy.uint8)
        frame = VideoFrame.from_ndarray(img, format="yuv420p")
        frame.pts = pts
        frame.time_base = time_base
        return frame

    def close(self):
        self.pipeline.set_state(Gst.State.NULL)


async def serve(host, port, page_dir, camera):
    pcs = set()
    video = CameraTrack(camera)   # one camera for every peer, as RTCBot

    async def index(request):
        return web.FileResponse(os.path.join(page_dir, "index.html"),
                                headers={"Cache-Control": "no-cache"})

    async def connect(request):
        offer = json.loads(await request.read())
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pcs.add(pc)

        @pc.on("datachannel")
        def on_datachannel(channel):
            if channel.label != "default":
                return

            @channel.on("message")
            def on_message(message):
                channel.send(message)

        @pc.on("connectionstatechange")
        async def on_state():
            if pc.connectionState in ("failed", "closed"):
                pcs.discard(pc)
                await pc.close()

        await pc.setRemoteDescription(RTCSessionDescription(
            sdp=offer["sdp"], type=offer.get("type", "offer")))
        # reuses the transceiver of the browser's recvonly video offer
        pc.addTrack(video)
        await pc.setLocalDescription(await pc.createAnswer())
        d = pc.localDescription
        return web.json_response({"sdp": d.sdp, "type": d.type})

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_post("/connect", connect)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()

    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def quit(*_):
        if not stop.done():
            stop.set_result(None)

    def on_stdin():
        if not sys.stdin.buffer.raw.read(4096):
            loop.remove_reader(sys.stdin.fileno())
            quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, quit)
    loop.add_reader(sys.stdin.fileno(), on_stdin)
    print("READY", flush=True)
    await stop
    for pc in list(pcs):
        await pc.close()
    await runner.cleanup()
    video.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--page-dir", required=True)
    ap.add_argument("--camera", default="pattern=ball",
                    help="videotestsrc properties (default: %(default)s)")
    args = ap.parse_args()
    asyncio.run(serve(args.host, args.port, args.page_dir, args.camera))


if __name__ == "__main__":
    main()
