#!/usr/bin/env python3
"""RTCBot's producer/consumer model from Python, with rtcbotsrc/rtcbotsink.

A producer fans JSON sensor readings out to a printing subscriber and a
`latest` subscriber; a consumer switches between two producers.

Run with Debian's interpreter (the one that has python3-gst-1.0):
    GST_PLUGIN_PATH=build/gst/rtcbot /usr/bin/python3 examples/python/sensors.py
"""
import argparse
import json
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import missing_elements  # noqa: E402  (examples/missing_elements.py)


def text_of(sample):
    buf = sample.get_buffer()
    return buf.extract_dup(0, buf.get_size()).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()

    Gst.init(None)
    try:
        pipeline = missing_elements.parse_launch(
            "rtcbotsrc name=imu "
            "imu.src_0 ! rtcbotsink name=printer "
            "imu.src_1 ! rtcbotsink name=dashboard policy=latest "
            "rtcbotsrc name=joystick ! motors.sink_0 "
            "rtcbotsrc name=autopilot ! motors.sink_1 "
            "rtcbotsink name=motors policy=latest")
    except GLib.Error as e:
        sys.exit("Could not build the pipeline: " + e.message)
    imu, printer, dashboard, joystick, autopilot, motors = (
        pipeline.get_by_name(n) for n in
        ("imu", "printer", "dashboard", "joystick", "autopilot", "motors"))
    # the dashboard's subscription keeps only the newest reading
    imu.get_static_pad("src_1").set_property("policy", "latest")

    counts = {"put": 0, "printed": 0, "dashboard": 0, "switched": False}
    loop = GLib.MainLoop()

    def produce():
        reading = {"seq": counts["put"], "accel": [0.1, -0.05, 9.81]}
        imu.emit("put-json", json.dumps(reading))
        joystick.emit("put-json", json.dumps({"forward": 1, "leftright": 0}))
        autopilot.emit("put-json",
                       json.dumps({"forward": 0.5, "leftright": -0.25}))
        counts["put"] += 1
        return True

    def drain():
        while (sample := printer.emit("get", 0)) is not None:
            if counts["printed"] % 25 == 0:
                print("printer   <-", text_of(sample))
            counts["printed"] += 1
        if (sample := dashboard.emit("get", 0)) is not None:
            counts["dashboard"] += 1
            print("dashboard <-", text_of(sample), "(latest)")
        if (sample := motors.emit("get", 0)) is not None:
            active = motors.get_property("active-pad")
            print("motors    <-", text_of(sample), "via",
                  active.get_name() if active else "put")
        return True

    def switch():
        print("motors: switching subscription to the autopilot (sink_1)")
        motors.set_property("active-pad", motors.get_static_pad("sink_1"))
        counts["switched"] = True
        return False

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print("error:", err.message, dbg, file=sys.stderr)
            loop.quit()
        elif (msg.type == Gst.MessageType.ELEMENT
              and msg.get_structure().get_name() == "rtcbot-ready"
              and msg.get_structure().get_value("ready")):
            print(msg.src.get_name(), "is ready")

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    GLib.timeout_add(20, produce)
    GLib.timeout_add(250, drain)
    GLib.timeout_add(int(args.duration * 500), switch)
    GLib.timeout_add(int(args.duration * 1000), loop.quit)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()

    print(f"\n{counts['put']} readings put; printer saw {counts['printed']},"
          f" the `latest` dashboard {counts['dashboard']}")
    ok = counts["put"] and counts["printed"] and counts["dashboard"]
    return 0 if ok and counts["switched"] else 1


if __name__ == "__main__":
    sys.exit(main())
