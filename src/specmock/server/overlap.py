"""Whether two routes can answer the same request: a concrete path that both templates match.

Templates are read as the direct router reads them (`spec.paths.PLACEHOLDER`): a placeholder is one
or more characters other than `/`, anywhere in a segment. Two templates overlap when they have
as many segments and every pair of segments has a common string; the string found is shown in
errors, so a user sees a request that would reach both routes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from specmock.spec.paths import PLACEHOLDER

# a placeholder is _ONE then _MORE: one character, then zero or more
_ONE, _MORE = object(), object()
_FILL = "x"  # a character of a request where both templates have a placeholder


@dataclass(frozen=True)
class Claim:
    """A route someone answers: method (WEBSOCKET for one), full path template, its API and its name in errors."""

    method: str
    path: str
    api: str
    label: str


def _tokens(segment: str) -> list[object]:
    out: list[object] = []
    for i, part in enumerate(PLACEHOLDER.split(segment)):
        out += [_ONE, _MORE] if i % 2 else list(part)
    return out


def _common(a: str, b: str) -> str | None:
    """A string both segment templates match, or None: a breadth-first search over pairs of positions."""
    if "{" not in a and "{" not in b:
        return a if a == b else None
    ta, tb = _tokens(a), _tokens(b)
    end = (len(ta), len(tb))
    came: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {(0, 0): None}
    todo = deque([(0, 0)])  # breadth first: the string found is a short one, easy to read in an error
    while todo:
        state = todo.popleft()
        if state == end:
            text = []
            step = came[state]
            while step is not None:
                state, char = step
                text.append(char)
                step = came[state]
            return "".join(reversed(text))
        i, j = state
        x = ta[i] if i < len(ta) else None
        y = tb[j] if j < len(tb) else None
        moves = []
        if x is _MORE:
            moves.append(((i + 1, j), ""))
        if y is _MORE:
            moves.append(((i, j + 1), ""))
        if x is not None and y is not None and not (isinstance(x, str) and isinstance(y, str) and x != y):
            char = x if isinstance(x, str) else y if isinstance(y, str) else _FILL
            moves.append(((i if x is _MORE else i + 1, j if y is _MORE else j + 1), char))
        for following, char in moves:
            if following not in came:
                came[following] = (state, char)
                todo.append(following)
    return None


def common_path(a: str, b: str) -> str | None:
    """A concrete request path both templates match, or None when no path matches both."""
    left, right = a.split("/"), b.split("/")
    if len(left) != len(right):
        return None
    parts = []
    for x, y in zip(left, right, strict=True):
        part = _common(x, y)
        if part is None:
            return None
        parts.append(part)
    return "/".join(parts)


def clash_with(claim: Claim, claims: Iterable[Claim]) -> tuple[Claim, str] | None:
    """The first of `claims` that a request for `claim` can reach too, with such a request path."""
    for other in claims:
        if other.method == claim.method:
            found = common_path(claim.path, other.path)
            if found is not None:
                return other, found
    return None


def first_clash(claims: Iterable[Claim]) -> tuple[Claim, Claim, str] | None:
    """Two claims of different APIs that one request can reach, and its path; None when there are none."""
    # a placeholder never spans a "/": only routes with as many segments can meet
    groups: dict[tuple[str, int], list[Claim]] = {}
    for claim in claims:
        group = groups.setdefault((claim.method, claim.path.count("/")), [])
        found = clash_with(claim, (c for c in group if c.api != claim.api))
        if found is not None:
            return found[0], claim, found[1]
        group.append(claim)
    return None
