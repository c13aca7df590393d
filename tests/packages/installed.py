#!/usr/bin/env python3
"""`meson install` gives working plugins, wherever the tree lands.

Installs the build into a temporary directory (DESTDIR), then uses only
that tree (GST_PLUGIN_PATH_1_0 pointing at its plugin directory, no
GST_RTCBOT_HELPER): gst-inspect-1.0 finds the three plugins there, an
isolation=process pipeline runs the installed gst-rtcbot-isolate, and the
installed rtcbotwebrtcbin serves its page and rtcbot.js.

Usage: installed.py BUILD_ROOT
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

BUILD = None


class InstalledTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.destdir = tempfile.mkdtemp(prefix="rtcbot-install-")
        subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                        "--quiet", "--destdir", cls.destdir], check=True,
                       stdout=subprocess.DEVNULL)
        found = glob.glob(os.path.join(cls.destdir, "**", "gstreamer-1.0",
                                       "libgstrtcbot.so"), recursive=True)
        assert len(found) == 1, found
        cls.plugins = os.path.dirname(found[0])
        cls.env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("GST_PLUGIN_PATH", "GST_RTCBOT"))}
        cls.env["GST_PLUGIN_PATH_1_0"] = cls.plugins
        cls.env["GST_REGISTRY"] = os.path.join(cls.destdir, "registry.bin")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir)

    def run_gst(self, args, timeout=30, **extra_env):
        env = dict(self.env, **extra_env)
        return subprocess.run(args, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def test_plugins_are_found_in_the_installed_tree(self):
        for plugin, element in (("rtcbot", "rtcbotsrc"),
                                ("rtcbotwebsocket", "rtcbotwebsocketbin"),
                                ("rtcbotwebrtc", "rtcbotwebrtcbin")):
            with self.subTest(plugin=plugin):
                proc = self.run_gst(["gst-inspect-1.0", plugin])
                self.assertEqual(proc.returncode, 0, proc.stderr)
                m = re.search(r"Filename\s+(\S+)", proc.stdout)
                self.assertTrue(m and m.group(1).startswith(self.plugins),
                                proc.stdout)
                self.assertIn(element, proc.stdout)

    def test_isolation_runs_the_installed_helper(self):
        proc = self.run_gst([
            "gst-launch-1.0", "-e", "rtcbotsrc", "name=s",
            "source=videotestsrc num-buffers=30", "isolation=process",
            "s.src_0", "!", "fakesink"], GST_DEBUG="rtcbotisolation:4")
        out = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, out)
        self.assertIn("Got EOS", out)
        m = re.search(r"started (\S+) \(pid", out)
        self.assertTrue(m, out)
        helper = m.group(1)
        self.assertTrue(helper.startswith(self.destdir + os.sep), helper)
        self.assertTrue(helper.endswith("/gst-rtcbot-isolate"), helper)

    def test_page_and_rtcbot_js_are_served(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen(
            ["gst-launch-1.0", "videotestsrc", "is-live=true", "!",
             "rtcbotwebrtcbin", "listen-port=%d" % port],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        try:
            page = self.get(port, "/", proc)
            script = self.get(port, "/rtcbot.js", proc)
        finally:
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
        self.assertIn("<html", page.lower())
        self.assertIn("rtcbot.js", page)
        self.assertIn("RTCConnection", script)

    def get(self, port, path, proc, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d%s"
                                            % (port, path), timeout=5) as r:
                    return r.read().decode()
            except OSError:
                if proc.poll() is not None:
                    self.fail("gst-launch-1.0 ended: %s"
                              % proc.stdout.read().decode())
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


if __name__ == "__main__":
    BUILD = sys.argv[1]
    unittest.main(argv=sys.argv[:1], verbosity=2)
