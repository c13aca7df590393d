#!/usr/bin/python3
"""Echo server for bench/websocket: python3-aiohttp, same protocol as
echo.c: every message received on /ws is sent, as it came, to every
connected client (with one client, an echo; with many, a relay, as
rtcbotwebsocketbin's server mode does).
Prints "PORT <n>" once listening; stops on SIGTERM/SIGINT (or after the
optional second argument, in seconds)."""
import asyncio
import signal
import sys

from aiohttp import web, WSMsgType


CLIENTS = set()


async def echo(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    CLIENTS.add(ws)
    try:
        async for msg in ws:
            for client in list(CLIENTS):
                try:
                    if msg.type == WSMsgType.TEXT:
                        await client.send_str(msg.data)
                    elif msg.type == WSMsgType.BINARY:
                        await client.send_bytes(msg.data)
                except ConnectionResetError:
                    pass            # that client is going; the others are not
    finally:
        CLIENTS.discard(ws)
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
