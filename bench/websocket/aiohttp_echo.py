#!/usr/bin/python3
"""Echo server for bench/websocket: python3-aiohttp, same protocol as
echo.c (every message received on /ws is sent back as it came).
Prints "PORT <n>" once listening; stops on SIGTERM/SIGINT (or after the
optional second argument, in seconds)."""
import asyncio
import signal
import sys

from aiohttp import web, WSMsgType


async def echo(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


async def main(port, duration):
    app = web.Application()
    app.router.add_get("/ws", echo)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print("PORT %d" % site._server.sockets[0].getsockname()[1], flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    try:
        await asyncio.wait_for(done.wait(), duration)
    except asyncio.TimeoutError:
        pass
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0,
                     float(sys.argv[2]) if len(sys.argv) > 2 else None))
