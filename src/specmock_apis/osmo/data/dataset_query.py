"""The dataset query language of GET /api/bucket/{bucket}/query, evaluated over records.

The real service compiles it to SQL (a lark grammar); this is the same language read by a small
recursive-descent parser:

    clause     := expr [ORDER BY (name|created_date|user) (ASC|DESC)] [LIMIT number]
    expr       := and (OR and)*            and := unary (AND unary)*
    unary      := NOT unary | "(" expr ")" | comparison
    comparison := name|id|user (=|!=) "s" | name|id|user IN ["s", ...] | <field> CONTAINS "s"
                | created_date (=|!=|<|>|<=|>=) "date" | is_collection (=|!=) true|false
                | label.k[.k...] / metadata.k[...] (=|!=|<|>|<=|>=) "s"|number, IN [...],
                  CONTAINS "s", CONTAINS [values], CONTAINS KEY "k"
                | label / metadata CONTAINS KEY "k" | LEN(label.k) (=|!=|<|>|<=|>=) number
                | "s" (=|!=) <field>  (either side)

Keywords are upper or lower case. Comparisons follow SQL: a missing label is unknown, and an
unknown condition never selects a row, even under NOT. A query that names `metadata` lists
dataset versions (type VERSION); any other lists datasets and collections (type DATASET).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from specmock.generators import as_utc
from specmock_apis.generated.osmo.models import DatasetType
from specmock_apis.osmo.data.datasets import when

Row = tuple[dict[str, Any], dict[str, Any] | None]  # (dataset record, version or None)
Test = Callable[[Row], bool | None]

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w-]))'
    r"|(?P<op><=|>=|=<|=>|!=|[=<>()\[\],.])|(?P<word>[A-Za-z0-9_-]+))"
)
_EQUAL = ("=", "!=")
_ORDERED = ("<", ">", "<=", ">=")


class QueryError(ValueError):
    """A query the language does not allow; the message says where."""


@dataclass(frozen=True)
class Token:
    """One token: its kind (string, number, op, word), its text and where it starts."""

    kind: str
    text: str
    at: int

    def keyword(self, *words: str) -> bool:
        """Whether it is one of the keywords (upper or lower case, as the grammar allows)."""
        return self.kind == "word" and self.text in {w for k in words for w in (k, k.lower())}


@dataclass
class Query:
    """A parsed query: its test, whether it reads version metadata, its order and limit."""

    test: Test
    versions: bool
    order_by: str | None = None
    descending: bool = False
    limit: int | None = None


def tokens(text: str) -> list[Token]:
    """The tokens of a query; names the first character that starts none."""
    out, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise QueryError(f"unexpected character {text[at:].lstrip()[:1]!r} at position {at}")
        kind = match.lastgroup or "word"
        out.append(Token(kind, match.group(kind), match.start(kind)))
        at = match.end()
    return out


def parse(text: str) -> Query:
    """Parse a query; QueryError names the first token that does not fit."""
    return _Parser(tokens(text)).clause()


class _Parser:
    def __init__(self, items: list[Token]) -> None:
        self.items = items
        self.at = 0
        self.versions = False

    def peek(self) -> Token | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise QueryError("the query ends too early")
        self.at += 1
        return token

    def fail(self, expected: str) -> QueryError:
        token = self.peek()
        if token is None:
            return QueryError(f"expected {expected}, but the query ends")
        return QueryError(f"expected {expected} at position {token.at}, found {token.text!r}")

    def expect_op(self, op: str) -> None:
        token = self.peek()
        if token is None or token.kind != "op" or token.text != op:
            raise self.fail(repr(op))
        self.at += 1

    def clause(self) -> Query:
        test = self.expr()
        query = Query(test, self.versions)
        token = self.peek()
        if token is not None and token.keyword("ORDER"):
            self.take()
            if not self.take().keyword("BY"):
                raise QueryError("ORDER must be followed by BY")
            target = self.take()
            if target.text not in ("name", "created_date", "user"):
                raise QueryError(f"cannot order by {target.text!r}; use name, created_date or user")
            direction = self.take()
            if not direction.keyword("ASC", "DESC"):
                raise QueryError(f"expected ASC or DESC after ORDER BY {target.text}")
            query.order_by, query.descending = target.text, direction.text.upper() == "DESC"
        token = self.peek()
        if token is not None and token.keyword("LIMIT"):
            self.take()
            number = self.take()
            if number.kind != "number":
                raise QueryError("LIMIT needs a number")
            query.limit = int(float(number.text))
        if self.peek() is not None:
            raise self.fail("AND, OR, ORDER BY, LIMIT or the end of the query")
        return query

    def expr(self) -> Test:
        parts = [self.conjunction()]
        while (token := self.peek()) is not None and token.keyword("OR"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else _any(parts)

    def conjunction(self) -> Test:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.keyword("AND"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else _all(parts)

    def unary(self) -> Test:
        token = self.peek()
        if token is None:
            raise self.fail("a condition")
        if token.keyword("NOT"):
            self.take()
            inner = self.unary()
            return lambda row: None if (value := inner(row)) is None else not value
        if token.kind == "op" and token.text == "(":
            self.take()
            inner = self.expr()
            self.expect_op(")")
            return inner
        if token.keyword("LEN"):
            return self.length()
        if token.kind in ("string", "number") or token.text.lower() in ("true", "false"):
            return self.reversed()
        return self.comparison()

    def target(self) -> tuple[str, tuple[str, ...]]:
        """A field: (name, key path); key path only for label and metadata."""
        token = self.take()
        name = token.text
        if name not in ("name", "id", "user", "created_date", "is_collection", "label", "metadata"):
            raise QueryError(f"unknown field {name!r} at position {token.at}")
        path: list[str] = []
        while (dot := self.peek()) is not None and dot.kind == "op" and dot.text == ".":
            if name not in ("label", "metadata"):
                raise QueryError(f"{name} has no keys")
            self.take()
            key = self.take()
            if key.kind not in ("word", "string", "number"):
                raise QueryError(f"expected a key after '.' at position {key.at}")
            path.append(json.loads(key.text) if key.kind == "string" else key.text)
        if name == "metadata":
            self.versions = True
        return name, tuple(path)

    def comparison(self) -> Test:
        name, path = self.target()
        operator = self.take()
        info = name in ("label", "metadata")
        if info and not path:
            if not (operator.keyword("CONTAINS") and self.take().keyword("KEY")):
                raise QueryError(f'{name} needs a key, e.g. {name}.project, except in {name} CONTAINS KEY "k"')
            key = self.string()
            return lambda row: _has_key(_info(row, name, ()), key)
        if operator.keyword("CONTAINS"):
            token = self.peek()
            if info and token is not None and token.keyword("KEY"):
                self.take()
                key = self.string()
                return lambda row: _has_key(_info(row, name, path), key)
            if info and token is not None and token.kind == "op" and token.text == "[":
                wanted = self.values(allow_numbers=True)
                return lambda row: _contains_all(_info(row, name, path), wanted)
            if name in ("created_date", "is_collection"):
                raise QueryError(f"{name} cannot use CONTAINS")
            needle = self.string()
            return _text_test(name, path, lambda text: needle in text)
        if operator.keyword("IN"):
            if name in ("created_date", "is_collection"):
                raise QueryError(f"{name} cannot use IN")
            options = self.values(allow_numbers=False)
            return _text_test(name, path, lambda text: text in options)
        if operator.kind != "op" or operator.text not in (*_EQUAL, *_ORDERED, "=<", "=>"):
            raise QueryError(f"expected an operator after {name} at position {operator.at}, found {operator.text!r}")
        op = {"=<": "<=", "=>": ">="}.get(operator.text, operator.text)
        return self.compare(name, path, op, self.take())

    def compare(self, name: str, path: tuple[str, ...], op: str, value: Token) -> Test:
        if name == "is_collection":
            if op not in _EQUAL or value.text.lower() not in ("true", "false"):
                raise QueryError("is_collection compares with = or != to true or false")
            flag = value.text.lower() == "true"
            return lambda row: _check(op, _is_collection(row) == flag)
        if name == "created_date":
            if value.kind != "string":
                raise QueryError("created_date compares with a date in quotes")
            try:
                moment = as_utc(datetime.fromisoformat(json.loads(value.text)))
            except ValueError:
                raise QueryError(f"{value.text} is not a date") from None
            return lambda row: _order(op, _created(row), moment)
        if value.kind == "number" and name in ("label", "metadata"):
            number = float(value.text)
            return lambda row: _number_test(_info(row, name, path), op, number)
        if value.kind != "string" or op not in _EQUAL:
            raise QueryError(f"{name} compares with = or != to a string in quotes")
        text = json.loads(value.text)
        return _text_test(name, path, lambda found: _check(op, found == text))

    def reversed(self) -> Test:
        value = self.take()
        operator = self.take()
        if operator.kind != "op" or operator.text not in _EQUAL:
            raise QueryError(f"expected = or != after {value.text} at position {operator.at}")
        name, path = self.target()
        return self.compare(name, path, operator.text, value)

    def length(self) -> Test:
        self.take()
        self.expect_op("(")
        name, path = self.target()
        if name not in ("label", "metadata") or not path:
            raise QueryError("LEN takes a label or metadata key, e.g. LEN(metadata.classes)")
        self.expect_op(")")
        operator = self.take()
        op = {"=<": "<=", "=>": ">="}.get(operator.text, operator.text)
        number = self.take()
        if op not in (*_EQUAL, *_ORDERED) or number.kind != "number":
            raise QueryError("LEN(...) compares with a number")
        limit = float(number.text)
        return lambda row: _length_test(_info(row, name, path), op, limit)

    def string(self) -> str:
        token = self.take()
        if token.kind != "string":
            raise QueryError(f"expected a string in quotes at position {token.at}, found {token.text!r}")
        text: str = json.loads(token.text)
        return text

    def values(self, allow_numbers: bool) -> list[Any]:
        self.expect_op("[")
        out: list[Any] = []
        while True:
            token = self.take()
            if token.kind == "string":
                out.append(json.loads(token.text))
            elif token.kind == "number" and allow_numbers:
                out.append(float(token.text))
            else:
                raise QueryError(f"expected a string in the list at position {token.at}, found {token.text!r}")
            closing = self.take()
            if closing.kind == "op" and closing.text == "]":
                return out
            if closing.kind != "op" or closing.text != ",":
                raise QueryError(f"expected ',' or ']' at position {closing.at}")


def _any(parts: list[Test]) -> Test:
    def test(row: Row) -> bool | None:
        results = [p(row) for p in parts]
        return True if True in results else None if None in results else False

    return test


def _all(parts: list[Test]) -> Test:
    def test(row: Row) -> bool | None:
        results = [p(row) for p in parts]
        return False if False in results else None if None in results else True

    return test


def _check(op: str, equal: bool) -> bool:
    return equal if op == "=" else not equal


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _order(op: str, left: Any, right: Any) -> bool:
    return bool(_OPERATORS[op](left, right))


def _is_collection(row: Row) -> bool:
    return bool(row[0]["type"] == DatasetType.COLLECTION.value)


def _created(row: Row) -> datetime:
    record, version = row
    return when((version or record)["created_date"])


_MISSING = object()


def _info(row: Row, name: str, path: tuple[str, ...]) -> Any:
    record, version = row
    value: Any = record["labels"] if name == "label" else (version or {}).get("metadata", {})
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _text_test(name: str, path: tuple[str, ...], accept: Callable[[str], bool]) -> Test:
    def test(row: Row) -> bool | None:
        record, version = row
        if name in ("label", "metadata"):
            value = _info(row, name, path)
            return None if value is _MISSING or value is None else accept(_as_text(value))
        if name == "user":
            makers = [version["created_by"]] if version else [v["created_by"] for v in record["versions"]]
            return any(accept(m) for m in makers)
        return accept(record[name])

    return test


def _number_test(value: Any, op: str, number: float) -> bool | None:
    if value is _MISSING or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return _order(op, float(value), number)


def _length_test(value: Any, op: str, number: float) -> bool | None:
    if value is _MISSING or value is None:
        return None
    return isinstance(value, list) and _order(op, float(len(value)), number)


def _has_key(value: Any, key: str) -> bool | None:
    if value is _MISSING or value is None:
        return None
    return (isinstance(value, dict) and key in value) or (isinstance(value, list) and key in value)


def _contains_all(value: Any, wanted: list[Any]) -> bool | None:
    if value is _MISSING or value is None:
        return None
    if not isinstance(value, list):
        return False
    return all(any(_same(v, w) for v in value) for w in wanted)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, float):
        return not isinstance(value, bool) and isinstance(value, int | float) and float(value) == wanted
    return bool(value == wanted)


def rows(query: Query, records: list[dict[str, Any]]) -> list[Row]:
    """The rows a query selects from records (already in the list's order), ordered and limited."""
    if query.versions:
        candidates: list[Row] = [(r, v) for r in records for v in r["versions"]]
    else:
        candidates = [(r, None) for r in records]
    selected = [row for row in candidates if query.test(row) is True]
    if query.order_by is not None:
        key = query.order_by

        def sort_key(row: Row) -> Any:
            record, version = row
            if key == "created_date":
                return _created(row)
            if key == "user":
                return (version or record)["created_by"]
            return record["name"]

        selected.sort(key=sort_key, reverse=query.descending)
    return selected if query.limit is None else selected[: max(0, query.limit)]
