#!/usr/bin/env python3
"""Every element, Python module and GObject typelib the project uses must
come from a Debian package that tools/common.sh installs.

The elements are found in the project's own files (tests/packages/
elements.py says how), the plugin file providing each through GStreamer's
registry, that file's Debian package with `dpkg -S`. A package counts as
installed by the README's commands when tools/common.sh lists it or one
of its lists pulls it in through Depends or Pre-Depends (never Recommends:
the commands install with --no-install-recommends). It also checks that
gst-libs/gst/rtcbot/element-packages.txt names the right package for each
element (the missing-element errors quote it), and that debian/control's
Depends bring every element the installed plugins create.

Usage: check_packages.py SOURCE_ROOT BUILD_ROOT [--without PKG ELEMENT]

With --without, PKG is taken out of tools/common.sh's lists and the check
must then fail, naming ELEMENT and PKG: the proof that it can fail.
"""
import importlib.util
import os
import re
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elements  # noqa: E402

# Elements the project's elements create without naming them: webrtcbin's
# ICE, DTLS, SRTP, SCTP and RTP session elements, and the decoders that
# decodebin picks for what rtcbotwebrtcbin receives (VP8, Opus).
CREATED_INSIDE = {
    "webrtcbin": ["nicesrc", "nicesink", "dtlssrtpenc", "dtlssrtpdec",
                  "srtpenc", "srtpdec", "sctpenc", "sctpdec", "rtpbin",
                  "rtpfunnel"],
    "decodebin": ["vp8dec", "opusdec"],
}
# What the installed plugins are, for the Depends of debian/control.
PLUGIN_SOURCES = ("gst/", "ext/")


def run(*args):
    return subprocess.run(args, capture_output=True, text=True).stdout


def common_sh_packages(root):
    """Every package tools/common.sh may install."""
    out = run("bash", "-c", 'source "$1" && all_packages',
              "check", os.path.join(root, "tools", "common.sh"))
    return set(out.split())


class Dpkg:
    """The installed packages, their Depends and what provides what."""

    def __init__(self):
        self.depends, self.provides = {}, {}
        fmt = "${Package}\t${Status}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
        for line in run("dpkg-query", "-W", "-f", fmt).splitlines():
            name, status, deps, provides = line.split("\t")
            if not status.endswith("installed") or "not-installed" in status:
                continue
            self.depends[name] = [
                [re.split(r"[\s(:]", alt.strip())[0] for alt in group.split("|")]
                for group in deps.split(",") if group.strip()]
            for p in provides.split(","):
                if p.strip():
                    self.provides.setdefault(
                        re.split(r"[\s(:]", p.strip())[0], []).append(name)

    def resolve(self, name):
        """The installed package apt would use for name, or None."""
        if name in self.depends:
            return name
        for real in self.provides.get(name, []):
            return real
        return None

    def closure(self, names):
        """names and everything they pull in through (Pre-)Depends."""
        seen, todo = set(), list(names)
        while todo:
            pkg = self.resolve(todo.pop())
            if pkg is None or pkg in seen:
                continue
            seen.add(pkg)
            for group in self.depends[pkg]:
                # apt takes the first alternative it can; here, the first
                # one installed
                chosen = next((a for a in group if self.resolve(a)), None)
                if chosen:
                    todo.append(chosen)
        return seen

    @staticmethod
    def owners(paths):
        """{path: package} for the files that a package owns."""
        owners = {}
        out = run("dpkg", "-S", *paths)
        for line in out.splitlines():
            pkgs, _, path = line.partition(": ")
            owners[path] = pkgs.split(",")[0].split(":")[0].strip()
        return owners


def apt_elements():
    """{element: package} from Debian's GStreamer package metadata, for
    elements not installed here."""
    names = run("apt-cache", "pkgnames", "gstreamer1.0-").split()
    if not names:
        return {}
    found, pkg = {}, None
    for line in run("apt-cache", "show", "--no-all-versions",
                    *names).splitlines():
        if line.startswith("Package: "):
            pkg = line.split(": ", 1)[1]
        elif line.startswith("Gstreamer-Elements: "):
            for e in line.split(": ", 1)[1].split(","):
                found.setdefault(e.strip(), pkg)
    return found


def registry_elements():
    """{element: (plugin file, plugin name, plugin set)} for every element
    this machine's registry knows."""
    found = {}
    registry = Gst.Registry.get()
    for f in registry.get_feature_list(Gst.ElementFactory):
        plugin = f.get_plugin()
        if plugin is not None and plugin.get_filename():
            found[f.get_name()] = (os.path.realpath(plugin.get_filename()),
                                   plugin.get_name(), plugin.get_source())
    return found


def hint_table(root):
    """gst-libs/gst/rtcbot/element-packages.txt:
    {element: (package, plugin set)}"""
    table = {}
    with open(os.path.join(root, "gst-libs", "gst", "rtcbot",
                           "element-packages.txt")) as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if len(fields) == 3:
                table[fields[0]] = (fields[1], fields[2])
    return table


def control_depends(root):
    """The package names debian/control's binary package depends on."""
    with open(os.path.join(root, "debian", "control")) as f:
        text = f.read()
    m = re.search(r"^Package: gstreamer1.0-rtcbot$.*?^Depends:(.*?)^\S",
                  text, re.M | re.S)
    deps = m.group(1) if m else ""
    return {re.split(r"[\s(:]", alt.strip())[0]
            for group in deps.split(",") for alt in group.split("|")
            if alt.strip() and not alt.strip().startswith("$")}


def python_modules(root):
    """{module: [(file, line)]} of the top-level modules that the
    project's Python files import, and {namespace: [...]} of gi.repository."""
    import ast
    modules, typelibs = {}, {}
    for path in elements.project_files(root):
        if not path.endswith(".py"):
            continue
        with open(path, encoding="utf-8") as f:
            try:
                tree = ast.parse(f.read())
            except SyntaxError:
                continue
        where = (os.path.relpath(path, root),)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                if node.module == "gi.repository":
                    for a in node.names:
                        typelibs.setdefault(a.name, []).append(
                            where + (node.lineno,))
                names = [node.module]
            for n in names:
                modules.setdefault(n.split(".")[0], []).append(
                    where + (node.lineno,))
    return modules, typelibs


def module_file(name, root):
    """The file a module is loaded from, None for the interpreter's
    built-ins, "" when it cannot be imported, and "project" for the
    project's own modules."""
    if name in sys.builtin_module_names:
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        # the project's own modules sit beside the scripts importing them
        for top, _, files in os.walk(root):
            if name + ".py" in files:
                return "project"
        return ""
    if not spec.origin or spec.origin in ("built-in", "frozen"):
        return None
    if os.path.realpath(spec.origin).startswith(os.path.realpath(root)):
        return "project"
    return os.path.realpath(spec.origin)


def typelib_file(namespace):
    for d in ("/usr/lib/x86_64-linux-gnu/girepository-1.0",
              "/usr/lib/girepository-1.0") + tuple(
            os.path.join("/usr/lib", t, "girepository-1.0")
            for t in os.listdir("/usr/lib") if "-linux-" in t):
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                if name.startswith(namespace + "-"):
                    return os.path.join(d, name)
    return ""


def place(use):
    path, line = use
    return "%s:%d" % (path, line) if line else path


def main(root, build_root, without=None):
    Gst.init(None)
    failures, passed = [], 0
    dpkg = Dpkg()
    listed = common_sh_packages(root) - {without}
    if not listed:
        print("FAIL tools/common.sh: all_packages printed nothing")
        return 1
    installable = dpkg.closure(listed)
    registry = registry_elements()
    from_apt = apt_elements()
    names = set(registry) | set(from_apt)
    uses = elements.project_uses(root, names)
    for parent, inner in CREATED_INSIDE.items():
        for path, line in uses.get(parent, []):
            for e in inner:
                uses.setdefault(e, []).append(
                    ("%s:%d, inside %s" % (path, line, parent), 0))

    build_root = os.path.realpath(build_root)
    ours = {e for e, (path, _, _) in registry.items()
            if path.startswith(build_root + os.sep)}
    owners = dpkg.owners(sorted({registry[e][0] for e in uses
                                 if e in registry and e not in ours}))
    table = hint_table(root)
    depends = control_depends(root)
    runtime = dpkg.closure(depends) if depends else set()
    if not depends:
        failures.append("debian/control: no Depends found for "
                        "gstreamer1.0-rtcbot")

    for element in sorted(uses):
        where = place(uses[element][0])
        if element in ours:
            continue
        if element not in registry:
            pkg = from_apt.get(element, "?")
            failures.append(
                'element "%s" (%s) is not installed here; it is in the '
                'Debian package %s: %s' % (element, where, pkg,
                                          "run ./tools/test to install it"
                                          if pkg in listed else
                                          "add it to tools/common.sh"))
            continue
        path, plugin, source = registry[element]
        pkg = owners.get(path)
        if pkg is None:
            failures.append('element "%s" (%s) comes from %s, which no '
                            'Debian package owns' % (element, where, path))
            continue
        problems = []
        if pkg not in installable:
            problems.append("its Debian package %s is neither listed in "
                            "tools/common.sh nor pulled in by a listed "
                            "package through Depends" % pkg)
        if table.get(element) != (pkg, source):
            problems.append("gst-libs/gst/rtcbot/element-packages.txt must "
                            'say "%s %s %s" (it says %s)'
                            % (element, pkg, source,
                               " ".join(table[element])
                               if element in table else "nothing"))
        plugin_uses = [u for u in uses[element]
                       if u[0].startswith(PLUGIN_SOURCES)]
        if plugin_uses and depends and pkg not in runtime:
            problems.append("the plugins create it (%s) but debian/"
                            "control's Depends do not bring %s"
                            % (place(plugin_uses[0]), pkg))
        if problems:
            failures.append('element "%s" (%s, plugin %s): %s'
                            % (element, where, plugin, "; ".join(problems)))
        else:
            passed += 1
            print("ok   %-16s %-28s %s" % (element, pkg, where))

    modules, typelibs = python_modules(root)
    files = {}
    for name in sorted(modules):
        f = module_file(name, root)
        if f == "":
            failures.append('Python module "%s" (%s:%d) cannot be imported '
                            'by %s' % ((name,) + modules[name][0]
                                       + (sys.executable,)))
        elif f and f != "project":
            files[("module", name)] = f
    for ns in sorted(typelibs):
        f = typelib_file(ns)
        if not f:
            failures.append('GObject typelib "%s" (%s:%d) is not installed'
                            % ((ns,) + typelibs[ns][0]))
        else:
            files[("typelib", ns)] = f
    owners = dpkg.owners(sorted(set(files.values())))
    for (kind, name), f in sorted(files.items()):
        where = "%s:%d" % (modules if kind == "module" else typelibs)[name][0]
        pkg = owners.get(f)
        if pkg is None:
            failures.append('Python %s "%s" (%s) comes from %s, which no '
                            'Debian package owns (pip?): use a Debian '
                            'package' % (kind, name, where, f))
        elif pkg not in installable:
            failures.append('Python %s "%s" (%s) is in the Debian package '
                            '%s, which tools/common.sh neither lists nor '
                            'pulls in through Depends' % (kind, name, where,
                                                          pkg))
        else:
            passed += 1
            print("ok   %-16s %-28s %s" % (name, pkg, where))

    unused = sorted(e for e in set(table) - set(uses)
                    if table[e][0] != "gstreamer1.0-rtcbot")
    for element in unused:
        failures.append('gst-libs/gst/rtcbot/element-packages.txt lists '
                        '"%s", which nothing in the project creates'
                        % element)
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed" % (passed, len(failures)))
    return (1 if failures or not passed else 0), failures


def must_fail_without(root, build_root, pkg, element):
    """0 when the check, without pkg, fails on element naming pkg."""
    print("==> the check without %s in tools/common.sh" % pkg)
    status, failures = main(root, build_root, without=pkg)
    named = [f for f in failures
             if '"%s"' % element in f and pkg in f]
    print("==> %s: %s" % ("as expected, it failed" if named else
                          "it should have failed on %s" % element,
                          named[0] if named else ""))
    return 0 if status and named else 1


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[3] == "--without":
        sys.exit(must_fail_without(*sys.argv[1:3], *sys.argv[4:6]))
    sys.exit(main(sys.argv[1], sys.argv[2])[0])
