#!/usr/bin/python3
"""Data-channel echo server on python3-aiortc (server B of the datachannel
benchmark; run.py starts it).

    aiortc_echo.py [--lifetime S]

RTCBot's server side as RTCBot programs write it: aiohttp serves
POST /connect on a free port of 127.0.0.1 (prints "PORT <n>" on stdout once
listening), takes the offer JSON {"type", "sdp"}, answers with aiortc after
ICE gathering (no trickle) and echoes every message received on the
"default" channel back with channel.send from the "message" handler.

Exits after --lifetime seconds or when stdin closes (the parent went away).
"""

import argparse
import asyncio
import json
import sys

from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription


async def serve(lifetime):
    pcs = set()

    async def connect(request):
        offer = json.loads(await request.read())
        # no STUN/TURN: host candidates only
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
        await pc.setLocalDescription(await pc.createAnswer())
        d = pc.localDescription
        return web.json_response({"sdp": d.sdp, "type": d.type})

    app = web.Application()
    app.router.add_post("/connect", connect)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]

    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_stdin():
        if not sys.stdin.buffer.raw.read(4096) and not stop.done():
            stop.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    print("PORT %d" % port, flush=True)
    try:
        await asyncio.wait_for(stop, lifetime)
    except asyncio.TimeoutError:
        pass
    loop.remove_reader(sys.stdin.fileno())
    for pc in list(pcs):
        await pc.close()
    await runner.cleanup()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lifetime", type=float, default=300.0)
    args = ap.parse_args()
    asyncio.run(serve(args.lifetime))


if __name__ == "__main__":
    main()
