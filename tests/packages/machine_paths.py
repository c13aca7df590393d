#!/usr/bin/env python3
"""The README and docs name no path of the machine that wrote them (a
benchmark report quoting its command with /work/... or /tmp/...); and
bench/report.py writes commands relative to the repository.

Usage: machine_paths.py SOURCE_ROOT
"""
import glob
import os
import re
import sys

MACHINE_PATH = re.compile(r"(?:^|[^\w.])(/(?:work|home|root|tmp|var/tmp)/\S*)")


def main(root):
    failures = 0
    pages = [os.path.join(root, "README.md")] + sorted(
        glob.glob(os.path.join(root, "docs", "*.md")))
    for page in pages:
        with open(page, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                for m in MACHINE_PATH.finditer(line):
                    failures += 1
                    print("FAIL %s:%d names a machine path: %s"
                          % (os.path.relpath(page, root), n, m.group(1)))
    sys.path.insert(0, os.path.join(root, "bench"))
    try:
        import report
    except ImportError as e:
        print("FAIL bench/report.py cannot be imported: %s" % e)
        return 1
    command = "%s/build-bench/bench/fanout --json %s/build-bench/r.json" % (
        report.REPO, report.REPO)
    relative = report.repo_relative(command)
    if relative != "build-bench/bench/fanout --json build-bench/r.json":
        failures += 1
        print("FAIL bench/report.py keeps a machine path: %s" % relative)
    print("%d passed, %d failed" % (len(pages) + 1 - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
