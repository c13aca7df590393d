"""What to install when a GStreamer element is missing, for the examples.

The answers come from gst-libs/gst/rtcbot/element-packages.txt, the table
that the plugins and the C examples build in (tests/packages keeps it
true): the Debian package and GStreamer plugin set of every element gst-rtcbot
creates. The examples add this folder to sys.path to import it.
"""
import os

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                     "gst-libs", "gst", "rtcbot", "element-packages.txt")
RTCBOT_PACKAGE = "gstreamer1.0-rtcbot"


def table():
    """{element: (Debian package, plugin set)}"""
    found = {}
    try:
        with open(TABLE, encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if len(fields) == 3 and not line.startswith("#"):
                    found[fields[0]] = (fields[1], fields[2])
    except OSError:
        pass
    return found


def remedy(factory):
    """What to do when factory is missing."""
    known = table().get(factory)
    if known is None:
        return ("install the GStreamer plugin set that provides it "
                "(gst-plugins-base, -good, -bad, -ugly or gst-libav; on "
                "Debian the packages gstreamer1.0-plugins-* and "
                "gstreamer1.0-libav), then check with gst-inspect-1.0 %s"
                % factory)
    package, plugin_set = known
    if package == RTCBOT_PACKAGE:
        return ("part of gst-rtcbot: install it (the Debian package %s, or "
                'meson install), or run from a build tree inside "meson '
                'devenv -C build"' % package)
    return "install the Debian package %s (from %s)" % (package, plugin_set)


def text(factory):
    """e.g. 'element "clockoverlay" not found: install the Debian package
    gstreamer1.0-x (from gst-plugins-base)'"""
    return 'element "%s" not found: %s' % (factory, remedy(factory))


def _missing_text(names):
    grouped = {}
    for name in dict.fromkeys(names):
        grouped.setdefault(remedy(name), []).append('"%s"' % name)
    return "; ".join("%s %s not found: %s"
                     % ("elements" if len(quoted) > 1 else "element",
                        ", ".join(quoted), what)
                     for what, quoted in grouped.items())


def _parse(parse, *args):
    context = Gst.ParseContext.new()
    try:
        return parse(*args, context, Gst.ParseFlags.FATAL_ERRORS)
    except GLib.Error as e:
        missing = context.get_missing_elements()
        if not missing:
            raise
        raise GLib.Error.new_literal(Gst.core_error_quark(),
                                     _missing_text(missing),
                                     int(Gst.CoreError.MISSING_PLUGIN)) from e


def parse_launch(description):
    """Gst.parse_launch that fails on any error; a GLib.Error whose message
    says what to install when an element is missing."""
    return _parse(Gst.parse_launch_full, description)


def parse_bin(description):
    """Gst.parse_bin_from_description with ghost pads, failing the same
    way as parse_launch."""
    return _parse(Gst.parse_bin_from_description_full, description, True)
