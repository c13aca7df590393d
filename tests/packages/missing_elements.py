#!/usr/bin/env python3
"""A missing element is named with what to install, everywhere.

Each case runs a program on a GStreamer that lacks one plugin: a plugin
directory holding links to every system plugin but that one, with a
registry of its own. What the program prints must name the element and
the Debian package, never guess about GST_PLUGIN_PATH.

Usage: missing_elements.py BUILD_ROOT SOURCE_ROOT
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

BUILD = SOURCE = None
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
    else sys.executable


def system_plugin_dir():
    Gst.init(None)
    plugin = Gst.Registry.get().find_plugin("coreelements")
    return os.path.dirname(plugin.get_filename())


class MissingElementTest(unittest.TestCase):
    def without(self, plugin_file, project=True):
        """The environment of a GStreamer without plugin_file (and without
        gst-rtcbot's plugins when project is False)."""
        tmp = tempfile.mkdtemp(prefix="rtcbot-missing-")
        self.addCleanup(shutil.rmtree, tmp)
        plugins = os.path.join(tmp, "plugins")
        os.mkdir(plugins)
        for path in glob.glob(os.path.join(system_plugin_dir(), "*.so")):
            name = os.path.basename(path)
            if name != plugin_file and (
                    project or not name.startswith("libgstrtcbot")):
                os.symlink(path, os.path.join(plugins, name))
        env = dict(os.environ)
        env["GST_PLUGIN_SYSTEM_PATH_1_0"] = plugins
        env["GST_REGISTRY"] = os.path.join(tmp, "registry.bin")
        if not project:
            env["GST_PLUGIN_PATH_1_0"] = ""
            env.pop("GST_PLUGIN_PATH", None)
        return env

    def run_program(self, args, env, timeout=30):
        proc = subprocess.run(args, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        out = proc.stdout + proc.stderr
        self.assertNotIn("GST_PLUGIN_PATH", out)
        return proc.returncode, out

    def demos(self):
        return [[os.path.join(BUILD, "examples", "remotecontrol",
                              "remotecontrol")],
                [PYTHON, os.path.join(SOURCE, "examples", "remotecontrol",
                                      "remotecontrol.py")]]

    def test_demo_runs_without_the_clock_overlay(self):
        env = self.without("libgstpango.so")
        for demo in self.demos():
            with self.subTest(demo=demo[-1]):
                code, out = self.run_program(demo + [
                    "--port", "0", "--test-pattern", "--duration", "2"], env)
                self.assertEqual(code, 0, out)
                self.assertIn('element "clockoverlay" not found: install the '
                              'Debian package gstreamer1.0-x', out)
                self.assertIn("runs without the clock", out)
                self.assertIn("Open http://127.0.0.1:", out)

    def test_demo_without_the_project_plugins(self):
        env = self.without("", project=False)
        for demo in self.demos():
            with self.subTest(demo=demo[-1]):
                code, out = self.run_program(demo + ["--port", "0"], env)
                self.assertNotEqual(code, 0, out)
                self.assertIn('"rtcbotwebrtcbin"', out)
                self.assertIn("not found: part of gst-rtcbot: install it "
                              "(the Debian package gstreamer1.0-rtcbot", out)

    def test_examples_without_the_project_plugins(self):
        env = self.without("", project=False)
        examples = [
            [os.path.join(BUILD, "examples", "sensors")],
            [os.path.join(BUILD, "examples", "webrtc", "webrtc-robot")],
            [PYTHON, os.path.join(SOURCE, "examples", "python",
                                  "sensors.py")],
            [PYTHON, os.path.join(SOURCE, "examples", "webrtc", "robot.py")],
            [PYTHON, os.path.join(SOURCE, "examples", "webrtc",
                                  "controller.py")],
            [PYTHON, os.path.join(SOURCE, "examples", "websocket",
                                  "client.py")],
        ]
        for example in examples:
            if not os.path.exists(example[-1]):
                continue
            with self.subTest(example=example[-1]):
                code, out = self.run_program(example, env)
                self.assertNotEqual(code, 0, out)
                self.assertRegex(out, r'elements? "rtcbot\w+"(, "rtcbot\w+")*'
                                 r' not found: part of gst-rtcbot')

    def test_source_description_names_the_package(self):
        env = self.without("libgstpango.so")
        for isolation in ("none", "process"):
            with self.subTest(isolation=isolation):
                code, out = self.run_program([
                    "gst-launch-1.0", "rtcbotsrc", "name=s",
                    "source=videotestsrc ! clockoverlay",
                    "isolation=" + isolation, "s.src_0", "!", "fakesink"],
                    env)
                self.assertNotEqual(code, 0, out)
                self.assertIn('element "clockoverlay" not found: install the '
                              'Debian package gstreamer1.0-x '
                              '(from gst-plugins-base)', out)

    def test_webrtcbin_transport_names_the_package(self):
        env = self.without("libgstnice.so")
        code, out = self.run_program([
            "gst-launch-1.0", "videotestsrc", "!", "rtcbotwebrtcbin",
            "listen-port=0"], env)
        self.assertNotEqual(code, 0, out)
        self.assertIn('element "nicesrc" not found: install the Debian '
                      'package gstreamer1.0-nice', out)

    def test_missing_plugin_message_is_posted(self):
        env = self.without("libgstnice.so")
        code, out = self.run_program([PYTHON, "-c", MISSING_PLUGIN_MESSAGE],
                                     env)
        self.assertEqual(code, 0, out)
        self.assertIn("missing-plugin: element nicesrc", out)


# Starts rtcbotwebrtcbin and prints GStreamer's missing-plugin message, as
# an application offering to install plugins would see it.
MISSING_PLUGIN_MESSAGE = """
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstPbutils", "1.0")
from gi.repository import Gst, GstPbutils
Gst.init(None)
pipeline = Gst.parse_launch("videotestsrc ! rtcbotwebrtcbin listen-port=0")
pipeline.set_state(Gst.State.PLAYING)
bus = pipeline.get_bus()
while True:
    msg = bus.timed_pop(5 * Gst.SECOND)
    if msg is None:
        break
    if GstPbutils.is_missing_plugin_message(msg):
        s = msg.get_structure()
        print("missing-plugin: %s %s" % (s.get_string("type"),
                                        s.get_string("detail")))
    if msg.type == Gst.MessageType.ERROR:
        break
pipeline.set_state(Gst.State.NULL)
"""


if __name__ == "__main__":
    BUILD, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
