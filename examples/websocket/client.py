#!/usr/bin/python3
"""RTCBot's Websocket as a client, with rtcbotwebsocketbin: sends a JSON
reading every 100 ms and prints what the server answers, like

    ws = Websocket("ws://127.0.0.1:8080/ws")     # RTCBot
    ws.put_nowait({"reading": 1})
    print(await ws.get())

Run against examples/websocket/server.c:
    GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/websocket \\
        examples/websocket/client.py --url ws://127.0.0.1:8080/ws
or let it start that server itself on a free port:
    ... examples/websocket/client.py --server build/examples/websocket/websocket-server

Exits 0 once it ran for --duration and got at least one answer.
"""
import argparse
import json
import subprocess
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import missing_elements  # noqa: E402  (examples/missing_elements.py)


def start_server(path):
    """Starts the C example on a free port; returns (process, url)."""
    proc = subprocess.Popen([path, "--port", "0", "--duration", "30"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()          # "listening on ws://..."
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit("the server did not start: %r" % line)
    return proc, line.split()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8080/ws")
    parser.add_argument("--server", help="start this server example first")
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()

    Gst.init(None)
    server = None
    if args.server:
        server, args.url = start_server(args.server)

    pipeline = Gst.Pipeline()
    ws = Gst.ElementFactory.make("rtcbotwebsocketbin")
    if ws is None:
        sys.exit(missing_elements.text("rtcbotwebsocketbin"))
    ws.set_property("url", args.url)
    pipeline.add(ws)
    # queued until the connection is open (RTCBot sends before connecting)
    ws.emit("put-json", json.dumps({"hello": "from the python example"}))
    ws.emit("get", 0)                      # subscribe before it opens
    pipeline.set_state(Gst.State.PLAYING)
    bus = pipeline.get_bus()

    answers, n, ok = 0, 0, True
    deadline = time.monotonic() + args.duration
    next_put = time.monotonic()
    while time.monotonic() < deadline:
        msg = bus.pop_filtered(Gst.MessageType.ERROR | Gst.MessageType.EOS)
        if msg is not None:
            if msg.type == Gst.MessageType.ERROR:
                print("ERROR:", msg.parse_error()[0].message)
                ok = False
            else:
                print("the server closed the connection")
            break
        if time.monotonic() >= next_put:
            n += 1
            ws.emit("put-json", json.dumps({"reading": n, "t": time.time()}))
            next_put += 0.1
        sample = ws.emit("get", 20 * Gst.MSECOND)
        if sample is not None:
            buf = sample.get_buffer()
            answer = json.loads(buf.extract_dup(0, buf.get_size()))
            print("answer:", answer)
            answers += 1

    pipeline.set_state(Gst.State.NULL)
    if server is not None:
        server.terminate()
        server.wait(5)
    print("sent %d readings, got %d answers" % (n + 1, answers))
    return 0 if ok and answers > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
