"""Finds every GStreamer element the project creates, from its files.

What counts as creating an element:
- C: string literals (adjacent ones joined, as the compiler does) that are
  a launch description or whose first word names an element, as passed to
  gst_element_factory_make, gst_parse_launch, properties like `source`;
  the `|[ ... ]|` example blocks of gtk-doc comments;
- Python: every string constant (ast), the same way;
- shell scripts and Markdown: gst-launch-1.0 lines; Markdown code blocks
  are read as the language they are fenced with.

A word counts only when GStreamer knows it as an element: `names` is the
set of element names that this machine's registry or Debian's package
metadata knows, so English words and pad names never count.
"""
import ast
import os
import re
import shlex

SOURCE_SUFFIXES = {".c", ".h", ".py", ".md", ".sh"}
# Folders that hold no code of the project's: builds, packaging output,
# binary fuzz corpora.
SKIP_DIRS = {".git", "node_modules", "corpus", "regressions", "__pycache__"}
SHELL_SCRIPT = re.compile(r"^#!.*\b(ba)?sh\b")
WORD = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Properties whose value is an element's name or a description.
ELEMENT_PROPERTIES = {"video-encoder", "audio-encoder", "source", "sink",
                      "video-sink", "audio-sink"}
LAUNCH_LINE = re.compile(r"gst-launch-1\.0((?:[^\n\\`]|\\\n)*)")


def project_files(root):
    """Every source, script and document of the tree at root."""
    for top, dirs, files in os.walk(root):
        rel_top = os.path.relpath(top, root)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                         and not (rel_top == "." and d.startswith("build"))
                         and not (rel_top == "debian" and d.startswith(".")))
        if rel_top.startswith("debian" + os.sep):
            dirs[:] = []
            continue
        for name in sorted(files):
            path = os.path.join(top, name)
            suffix = os.path.splitext(name)[1]
            if suffix in SOURCE_SUFFIXES:
                yield path
            elif suffix == "" and is_shell_script(path):
                yield path


def is_shell_script(path):
    try:
        with open(path, encoding="utf-8") as f:
            return bool(SHELL_SCRIPT.match(f.readline()))
    except (UnicodeDecodeError, OSError):
        return False


def description_words(text):
    """The bare words of a launch description: element names, and the
    first word of every property value (a property may hold a description
    of its own, like rtcbotsrc's `source`)."""
    text = text.replace("\\\n", " ")
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError:
        tokens = text.split()
    words = []
    for token in tokens:
        for part in token.split("!"):
            part = part.strip()
            if "=" in part:
                key, value = part.split("=", 1)
                if key in ELEMENT_PROPERTIES or "!" in value \
                        or " " in value.strip():
                    words.extend(description_words(value))
            elif WORD.match(part):
                words.append(part)
    return words


def literal_words(text, names, factory_arg=False):
    """The element names a string constant creates: a description when it
    has a `!` or is an element's name followed by properties, the element
    itself when it is one word passed to a make or find call."""
    words = text.split()
    if not words:
        return []
    if "!" in text or (words[0] in names and len(words) > 1
                       and "=" in words[1]):
        return [w for w in description_words(text) if w in names]
    if factory_arg and len(words) == 1 and words[0] in names:
        return words
    return []


def launch_lines(text):
    """(offset, description) of every gst-launch-1.0 line in text."""
    for m in LAUNCH_LINE.finditer(text):
        yield m.start(), m.group(1)


C_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                     re.S)
C_ESCAPE = re.compile(r'\\(["\\\'nt])')
# a call whose name says it makes or finds something, up to the argument:
# gst_element_factory_make (", make (self, "
C_FACTORY_CALL = re.compile(r"\b\w*(?:make|find)\w*\s*\(\s*(?:\w+\s*,\s*)?$")


def c_literals(text):
    """(offset, value, factory_arg) of C string literals, adjacent ones
    joined, and (offset, ("block", text), False) of the gtk-doc example
    blocks in comments."""
    pending, start, end = [], 0, 0
    for m in C_TOKEN.finditer(text):
        tok = m.group(0)
        if tok.startswith('"'):
            if pending and text[end:m.start()].strip() == "":
                pending.append(tok[1:-1])
            else:
                if pending:
                    yield start, unescape("".join(pending)), \
                        is_c_factory_arg(text, start)
                pending, start = [tok[1:-1]], m.start()
            end = m.end()
            continue
        if tok.startswith("/*"):
            for block in re.finditer(r"\|\[(.*?)\]\|", tok, re.S):
                body = re.sub(r"^\s*\*", "", block.group(1), flags=re.M)
                yield m.start() + block.start(), ("block", body), False
    if pending:
        yield start, unescape("".join(pending)), is_c_factory_arg(text, start)


def is_c_factory_arg(text, offset):
    return bool(C_FACTORY_CALL.search(text, max(0, offset - 200), offset))


def unescape(s):
    return C_ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1),
                                                           m.group(1)), s)


def python_literals(text):
    """(offset, value, factory_arg) of every string constant of a Python
    source; factory_arg when it is an argument of a make or find call."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    starts = line_starts(text)
    factory_args = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", "")
            if "make" in name or "find" in name:
                factory_args.update(id(a) for a in node.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield (starts[node.lineno - 1] + node.col_offset, node.value,
                   id(node) in factory_args)


def line_starts(text):
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


MD_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def markdown_uses(text, names):
    """(offset, word) from a Markdown page: launch lines anywhere, and the
    string constants of its Python and C code blocks."""
    for offset, line in launch_lines(text):
        for w in description_words(line):
            if w in names:
                yield offset, w
    for m in MD_BLOCK.finditer(text):
        lang, body = m.group(1), m.group(2)
        base = m.start(2)
        if lang == "python":
            literals = python_literals(body)
        elif lang == "c":
            literals = c_literals(body)
        else:
            continue
        yield from literal_uses(literals, names, base)


def literal_uses(literals, names, base=0):
    for offset, value, factory_arg in literals:
        if isinstance(value, tuple):
            found = [w for w in description_words(value[1]) if w in names]
        else:
            found = literal_words(value, names, factory_arg)
        for w in found:
            yield base + offset, w


def file_uses(path, names):
    """(line, element) for every element the file at path creates."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    suffix = os.path.splitext(path)[1]
    if suffix in (".c", ".h"):
        uses = literal_uses(c_literals(text), names)
    elif suffix == ".py":
        uses = literal_uses(python_literals(text), names)
    elif suffix == ".md":
        uses = markdown_uses(text, names)
    else:
        uses = ((o, w) for o, line in launch_lines(text)
                for w in description_words(line) if w in names)
    for offset, word in uses:
        yield text.count("\n", 0, offset) + 1, word


def project_uses(root, names):
    """{element: [(relative path, line), ...]} over the whole tree."""
    uses = {}
    for path in project_files(root):
        rel = os.path.relpath(path, root)
        for line, word in file_uses(path, names):
            uses.setdefault(word, []).append((rel, line))
    return uses
