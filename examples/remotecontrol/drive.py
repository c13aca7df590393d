"""RTCBot's keyboard and gamepad events -> drive commands, for the
remote-control demo's Python side (remotecontrol.py and motor.py); the C
demo has the same rules in drive.c.

    drive = Drive()
    if drive.handle('{"type": "keydown", "code": "KeyW"}'):
        print(drive.json())          # {"forward": 1, "leftright": 0}

Keys W/A/S/D and the arrows, the gamepad's left stick (axis0, axis1) and
d-pad (btn12..btn15) add up, each axis clamped to -1..1 and rounded to
0.01; anything else is ignored.
"""
import json

# Keys by `code` (the physical key: W/A/S/D stay put on any layout), else
# `key`, else the legacy `keyCode`; pages send only some of them.
KEYS = [  # (code, key, keyCode, axis, direction)
    ("KeyW", "w", 87, "forward", 1), ("ArrowUp", "arrowup", 38, "forward", 1),
    ("KeyS", "s", 83, "forward", -1),
    ("ArrowDown", "arrowdown", 40, "forward", -1),
    ("KeyA", "a", 65, "leftright", -1),
    ("ArrowLeft", "arrowleft", 37, "leftright", -1),
    ("KeyD", "d", 68, "leftright", 1),
    ("ArrowRight", "arrowright", 39, "leftright", 1),
]
# the standard gamepad mapping's d-pad
BUTTONS = {"btn12": ("forward", 1), "btn13": ("forward", -1),
           "btn14": ("leftright", -1), "btn15": ("leftright", 1)}


def number(value):
    # JSON's true is not a number, though Python's bool is an int
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def hundredths(value):
    value = max(-1.0, min(1.0, value))
    return int(value * 100 + (0.5 if value >= 0 else -0.5))


def format_hundredths(value):
    text = "%d" % (abs(value) // 100)
    if abs(value) % 100:
        text += (".%02d" % (abs(value) % 100)).rstrip("0")
    return "-" + text if value < 0 else text


class Drive:
    """RTCBot's keyboard and gamepad events -> {"forward", "leftright"}."""

    def __init__(self):
        self.keys = set()           # (axis, direction) held on the keyboard
        self.buttons = set()        # (axis, direction) held on the d-pad
        self.stick = {"forward": 0.0, "leftright": 0.0}
        self.command = {"forward": 0, "leftright": 0}   # in hundredths

    def _key(self, event):
        code, key, key_code = (event.get("code"), event.get("key"),
                               event.get("keyCode"))
        for k_code, k_key, k_key_code, axis, direction in KEYS:
            if isinstance(code, str):
                match = code == k_code
            elif isinstance(key, str):
                match = key.lower() == k_key
            else:
                match = number(key_code) and int(key_code) == k_key_code
            if match:
                return axis, direction
        return None

    def handle(self, text):
        """Applies one message from the page; True when the command
        changed. Anything but an input event is ignored."""
        try:
            event = json.loads(text)
        except ValueError:
            return False
        if not isinstance(event, dict) or not isinstance(event.get("type"),
                                                           str):
            return False
        kind, value = event["type"], event.get("value")
        if kind in ("keydown", "keyup"):
            held = self._key(event)
            if held and kind == "keydown":
                self.keys.add(held)
            elif held:
                self.keys.discard(held)
        elif kind.startswith("btn") and number(value):
            if kind in BUTTONS and value > 0.5:
                self.buttons.add(BUTTONS[kind])
            elif kind in BUTTONS:
                self.buttons.discard(BUTTONS[kind])
        elif kind == "axis0" and number(value):
            self.stick["leftright"] = float(value)
        elif kind == "axis1" and number(value):
            # browsers report the stick pushed up as -1
            self.stick["forward"] = -float(value)
        else:
            return False
        return self._update()

    def stop(self):
        """Forgets every held input, as when its browser left."""
        self.keys.clear()
        self.buttons.clear()
        self.stick = {"forward": 0.0, "leftright": 0.0}
        return self._update()

    def _update(self):
        held = self.keys | self.buttons
        command = {}
        for axis in ("forward", "leftright"):
            total = sum(d for a, d in held if a == axis)
            command[axis] = hundredths(total + self.stick[axis])
        changed = command != self.command
        self.command = command
        return changed

    @property
    def forward(self):
        return self.command["forward"] / 100

    @property
    def leftright(self):
        return self.command["leftright"] / 100

    def json(self):
        return '{"forward": %s, "leftright": %s}' % (
            format_hundredths(self.command["forward"]),
            format_hundredths(self.command["leftright"]))
