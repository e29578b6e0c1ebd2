"""Strings that match a regular expression, built by walking the stdlib parser's tree.

JSON Schema patterns are ECMA-262, but the validators specmock is checked against use Python's
`re.search`, so the stdlib parser is the right reference. Every result is checked with
`re.search` before it is returned: lookarounds and anchors in odd places are simply ignored
while walking, and an attempt that does not match is thrown away.
"""

from __future__ import annotations

import importlib
import re
import string
from typing import Any

from specmock.engine.rng import Rng

# `re._parser` has no type stubs and `sre_parse` warns on import, so it is loaded untyped.
_parser: Any = importlib.import_module("re._parser")

_MAXREPEAT: int = int(_parser.MAXREPEAT)
_ATTEMPTS = 14
_EXTRA_ATTEMPTS = 34
# Repeat caps per attempt: small first (short, readable strings), growing when lengths need it.
_CAPS = (3, 2, 5, 1, 8, 0, 12, 20, 32, 4, 64, 128, 256, 512)

_DIGITS = string.digits
_WORD = string.ascii_letters + string.digits + "_"
_NOT_WORD = " -.,:;!?/+=#@"
_SPACE = " "
_NOT_SPACE = string.ascii_letters + string.digits
# What negated classes and `.` choose from: readable characters first.
_POOL = string.ascii_lowercase + string.ascii_uppercase + string.digits + "_-. :/+=,;!?@#$%&*()[]{}<>'\"~^|\\"

_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": _DIGITS,
    "CATEGORY_NOT_DIGIT": string.ascii_letters + "_- ",
    "CATEGORY_SPACE": _SPACE,
    "CATEGORY_NOT_SPACE": _NOT_SPACE,
    "CATEGORY_WORD": _WORD,
    "CATEGORY_NOT_WORD": _NOT_WORD,
    "CATEGORY_LINEBREAK": "\n",
    "CATEGORY_NOT_LINEBREAK": _NOT_SPACE,
}


def _in_category(ch: str, category: str) -> bool:
    if category == "CATEGORY_DIGIT":
        return ch.isdigit()
    if category == "CATEGORY_NOT_DIGIT":
        return not ch.isdigit()
    if category == "CATEGORY_SPACE":
        return ch.isspace()
    if category == "CATEGORY_NOT_SPACE":
        return not ch.isspace()
    if category == "CATEGORY_WORD":
        return ch.isalnum() or ch == "_"
    if category == "CATEGORY_NOT_WORD":
        return not (ch.isalnum() or ch == "_")
    if category == "CATEGORY_LINEBREAK":
        return ch == "\n"
    return ch != "\n"


def _in_class(ch: str, items: list[tuple[Any, Any]]) -> bool:
    code = ord(ch)
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and code == arg:
            return True
        if name == "RANGE" and arg[0] <= code <= arg[1]:
            return True
        if name == "CATEGORY" and _in_category(ch, str(arg)):
            return True
    return False


class _Walker:
    """One attempt: draws are numbered, so the same pattern, rng and cap give the same string.

    With a target length, repeats and alternatives are steered toward it (for tight length
    bounds); without one, unbounded repeats are capped at `cap` extra rounds.
    """

    def __init__(self, rng: Rng, cap: int, state: Any) -> None:
        self.rng = rng
        self.cap = cap
        self.state = state
        self.draws = 0
        self.groups: dict[int, str] = {}

    def integer(self, low: int, high: int) -> int:
        self.draws += 1
        return self.rng.integer(low, high, "re", self.draws)

    def pick(self, chars: str) -> str:
        return chars[self.integer(0, len(chars) - 1)]

    def width(self, nodes: list[Any]) -> tuple[int, int]:
        low, high = _parser.SubPattern(self.state, nodes).getwidth()
        return int(low), int(min(high, _MAXREPEAT))

    def walk(self, nodes: Any, target: int | None = None) -> str:
        items = list(nodes)
        if target is None:
            return "".join(self.node(op, arg, None) for op, arg in items)
        widths = [self.width([item]) for item in items]
        out: list[str] = []
        produced = 0
        for i, (op, arg) in enumerate(items):
            rest = sum(w[0] for w in widths[i + 1 :])
            low, high = widths[i]
            text = self.node(op, arg, max(low, min(high, target - produced - rest)))
            out.append(text)
            produced += len(text)
        return "".join(out)

    def node(self, op: Any, arg: Any, want: int | None) -> str:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "NOT_LITERAL":
            return self.pick("".join(c for c in _POOL if ord(c) != arg))
        if name == "ANY":
            return self.pick(string.ascii_letters + string.digits)
        if name == "IN":
            return self.char_class(arg)
        if name == "BRANCH":
            options = list(arg[1])
            if want is not None:
                fitting = [o for o in options if self.width(list(o))[0] <= want <= self.width(list(o))[1]]
                options = fitting or options
            return self.walk(options[self.integer(0, len(options) - 1)], want)
        if name in ("SUBPATTERN", "ATOMIC_GROUP"):
            text = self.walk(arg[-1] if name == "SUBPATTERN" else arg, want)
            if name == "SUBPATTERN" and arg[0] is not None:
                self.groups[arg[0]] = text
            return text
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(arg, want)
        if name == "GROUPREF":
            return self.groups.get(arg, "")
        if name == "GROUPREF_EXISTS":
            group, yes, no = arg
            if group in self.groups:
                return self.walk(yes, want)
            return self.walk(no, want) if no is not None else ""
        # AT (anchors), ASSERT and ASSERT_NOT (lookarounds) produce no text; the final check decides.
        return ""

    def repeat(self, arg: Any, want: int | None) -> str:
        low, high, sub = arg
        if want is None:
            top = low + self.cap if high == _MAXREPEAT else min(high, low + self.cap)
            return "".join(self.walk(sub) for _ in range(self.integer(low, max(low, top))))
        each = max(1, self.width(list(sub))[0])
        count = max(low, min(high, low + 4096, want // each))
        parts: list[str] = []
        left = want
        for i in range(count):
            text = self.walk(sub, max(0, left // (count - i)))
            parts.append(text)
            left -= len(text)
        return "".join(parts)

    def char_class(self, items: list[tuple[Any, Any]]) -> str:
        if items and str(items[0][0]) == "NEGATE":
            rest = items[1:]
            allowed = "".join(c for c in _POOL if not _in_class(c, rest))
            return self.pick(allowed) if allowed else "\u00e9"
        weighted: list[tuple[str, int]] = []
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                weighted.append((chr(arg), 1))
            elif name == "RANGE":
                low, high = arg
                # Prefer printable ASCII when a wide range such as \u0000-\uffff includes it.
                if low <= 0x7E and high >= 0x21 and high - low > 0x5D:
                    low, high = max(low, 0x21), min(high, 0x7E)
                chars = "".join(chr(c) for c in range(low, min(high, low + 255) + 1))
                weighted.append((chars, min(len(chars), 26)))
            elif name == "CATEGORY":
                chars = _CATEGORY_CHARS.get(str(arg), _NOT_SPACE)
                weighted.append((chars, min(len(chars), 26)))
        if not weighted:
            return ""
        total = sum(w for _, w in weighted)
        point = self.integer(0, total - 1)
        for chars, weight in weighted:
            if point < weight:
                return self.pick(chars)
            point -= weight
        return self.pick(weighted[-1][0])


def _anchored(nodes: Any) -> tuple[bool, bool]:
    items = list(nodes)
    start = bool(items) and str(items[0][0]) == "AT" and str(items[0][1]) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
    end = bool(items) and str(items[-1][0]) == "AT" and str(items[-1][1]) in ("AT_END", "AT_END_STRING")
    return start, end


def generate(pattern: str, rng: Rng, min_length: int = 0, max_length: int | None = None) -> str | None:
    """A string that `re.search(pattern, s)` matches, of a length within the bounds; None when none is found."""
    try:
        compiled = re.compile(pattern)
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    if max_length is not None and max_length < min_length:
        return None
    start, end = _anchored(tree)
    constrained = min_length > 0 or max_length is not None
    widest = max(min_length, max_length or 0) + 2
    for attempt in range(_ATTEMPTS + (_EXTRA_ATTEMPTS if constrained else 0)):
        if attempt < _ATTEMPTS:
            cap = max(_CAPS[attempt], min_length) if min_length > 8 and attempt < 4 else _CAPS[attempt]
        else:  # lengths are tight: try caps spread over the whole allowed range
            cap = rng.integer(0, min(widest, 1024), "regex-cap", attempt)
        walker = _Walker(rng.child("regex", attempt), cap, tree.state)
        # Odd attempts past the first batch aim at a length drawn from the allowed range.
        target = None
        if constrained and attempt >= _ATTEMPTS // 2 and attempt % 2:
            target = rng.integer(min_length, max_length if max_length is not None else min_length + 8, "len", attempt)
        try:
            text = walker.walk(tree, target)
        except (ValueError, OverflowError, RecursionError):
            continue
        if len(text) < min_length and not (start and end):
            filler = "".join(walker.pick(string.ascii_lowercase) for _ in range(min_length - len(text)))
            text = text + filler if not end else filler + text
        if len(text) < min_length or (max_length is not None and len(text) > max_length):
            continue
        if compiled.search(text):
            return text
    return None
