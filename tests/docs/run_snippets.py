#!/usr/bin/env python3
"""Runs the code blocks of the documentation, so the docs stay true.

```python blocks run with this interpreter; ```sh blocks that are a
gst-launch-1.0 line must start and keep running for a moment without an
error (they are stopped after that: live pipelines never end by themselves).
A fixed `listen-port=N` in a launch line is run as `listen-port=0` (any free
port): the docs show the port a reader would use, the test must not depend
on that port being free on the machine that runs it.
Usage: run_snippets.py DOC.md [DOC.md ...]
"""
import os
import re
import subprocess
import sys

BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
LAUNCH_SECONDS = 2
FIXED_LISTEN_PORT = re.compile(r"(?<=\blisten-port=)[1-9][0-9]*\b")


def run_python(code):
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=60)
    return proc.returncode == 0, proc.stdout + proc.stderr


def run_launch(line):
    line = FIXED_LISTEN_PORT.sub("0", line)
    args = ["gst-launch-1.0", "-q"] + line.split()[1:]
    try:
        proc = subprocess.run(args, capture_output=True, text=True,
                              timeout=LAUNCH_SECONDS)
    except subprocess.TimeoutExpired:
        return True, ""
    out = proc.stdout + proc.stderr
    return proc.returncode == 0 and "ERROR" not in out, out


def main(paths):
    passed = failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in BLOCK.finditer(text):
            lang, code = match.group(1), match.group(2)
            line_no = text.count("\n", 0, match.start()) + 1
            where = f"{os.path.basename(path)}:{line_no}"
            if lang == "python":
                ok, out = run_python(code)
            elif lang == "sh" and code.startswith("gst-launch-1.0"):
                ok, out = run_launch(" ".join(code.replace("\\\n", " ")
                                              .split()))
            else:
                continue
            print(f"{'ok  ' if ok else 'FAIL'} {where} ({lang})")
            if ok:
                passed += 1
            else:
                failed += 1
                print(out)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
