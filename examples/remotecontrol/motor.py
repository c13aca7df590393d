#!/usr/bin/python3
"""A stand-in motor controller for the remote-control demo: a websocket
server (python3-aiohttp) that prints every drive command it receives.

    examples/remotecontrol/motor.py --port 9000
    ./tools/demo --ws-url ws://127.0.0.1:9000/motor

On a robot this is where the commands meet the hardware: replace say()
with your motor driver. Each message is one JSON command,
{"forward": -1..1, "leftright": -1..1}, sent whenever it changes; the demo
reconnects by itself if this server restarts.

It also takes the page's raw keyboard and gamepad events, as the demo's
gst-launch line forwards them (no program in between to turn them into
commands), and applies the demo's rules to them (drive.py).
"""
import argparse
import asyncio
import json
import signal
import sys

from aiohttp import WSMsgType, web

from drive import Drive, number  # examples/remotecontrol/drive.py


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def motor(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    request.app["connections"].add(ws)
    say("Connected: %s" % request.remote)
    try:
        await drive(ws)
    finally:
        request.app["connections"].discard(ws)
    say("Disconnected: %s" % request.remote)
    return ws


def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def is_command(message):
    return (isinstance(message, dict) and
            all(number(message.get(k)) for k in ("forward", "leftright")))


def is_input_event(message):
    return isinstance(message, dict) and isinstance(message.get("type"), str)


async def drive(ws):
    events = Drive()            # this connection's held keys and sticks
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            continue
        message = parse(msg.data)
        if is_command(message):
            text = json.dumps(message)
            forward, leftright = message["forward"], message["leftright"]
        elif is_input_event(message):
            if not events.handle(msg.data):
                continue
            text = events.json()
            forward, leftright = events.forward, events.leftright
        else:
            say("Not a drive command: %r" % msg.data)
            continue
        # a differential drive: the two wheels' speeds, each -1..1
        left = max(-1.0, min(1.0, forward + leftright))
        right = max(-1.0, min(1.0, forward - leftright))
        say("Motor: %s -> left %+.2f right %+.2f" % (text, left, right))


async def close_connections(app):
    # aiohttp waits for open websockets on shutdown; "going away" tells
    # the demo to reconnect instead
    for ws in list(app["connections"]):
        await ws.close(code=1001, message=b"motor controller stopping")


async def serve(host, port):
    app = web.Application()
    app["connections"] = set()
    app.router.add_get("/motor", motor)
    app.on_shutdown.append(close_connections)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as e:
        await runner.cleanup()
        sys.exit("motor.py: cannot listen on %s:%d: %s"
                 % (host, port, e.strerror))
    port = runner.addresses[0][1]
    say("Listening on ws://%s:%d/motor" % (host, port))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000,
                        help="default 9000, 0 = any free port")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
