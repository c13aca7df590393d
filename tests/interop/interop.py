"""Helpers shared by the interop tests: an asyncio loop on a thread for
the independent peers, and small GStreamer conveniences."""

import asyncio
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

DEFAULT_TIMEOUT_S = 5.0


def log(fmt, *args):
    print(fmt % args if args else fmt, file=sys.stderr, flush=True)


class AioThread:
    """One asyncio loop on a daemon thread; run() calls a coroutine on it
    from the test thread, with a timeout."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever,
                                       name="asyncio", daemon=True)
        self.thread.start()

    def run(self, coro, timeout=DEFAULT_TIMEOUT_S):
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return fut.result(timeout)
        except BaseException:
            fut.cancel()
            raise

    def stop(self):
        async def _cancel_all():
            # aiortc/aioice leave timers and consent checks behind a close
            tasks = [t for t in asyncio.all_tasks()
                     if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.wait(tasks, timeout=2) if tasks else None
        try:
            self.run(_cancel_all())
        except Exception as e:            # pragma: no cover - best effort
            log("cancelling the asyncio tasks: %r", e)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()


AIO = None


def aio():
    global AIO
    if AIO is None:
        AIO = AioThread()
    return AIO


def payload(sample):
    buf = sample.get_buffer()
    return buf.extract_dup(0, buf.get_size())


def caps_name(sample):
    return sample.get_caps().get_structure(0).get_name()


def parse_launch(description):
    """Gst.parse_launch, always returning a pipeline."""
    element = Gst.parse_launch(description)
    if isinstance(element, Gst.Pipeline):
        return element
    pipeline = Gst.Pipeline()
    pipeline.add(element)
    return pipeline


def describe(msg):
    s = msg.get_structure()
    text = Gst.MessageType.get_name(msg.type).split("(")[0]
    if msg.type in (Gst.MessageType.ERROR, Gst.MessageType.WARNING):
        return "%s(%s): %s" % (text, msg.src.get_name(), message_text(msg))
    if msg.type == Gst.MessageType.ELEMENT and s is not None:
        return "%s(%s): %s" % (text, msg.src.get_name(), s.to_string())
    return text + (":" + s.get_name() if s else "")


def message_text(msg):
    if msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
    else:
        err, dbg = msg.parse_warning()
    return err.message + " / " + (dbg or "")


def stop_aio():
    """Stops the loop thread, if one was started."""
    global AIO
    if AIO is not None:
        AIO.stop()
        AIO = None
