"""Path parameter values taken from the API's own answers, so that detail operations see real names
(query parameters that name a thing, such as `task_name`, too).

For `{p}` in `/a/b/{p}/...` the sources are tried in this order: the collection `GET /a/b`, then
`GET`s of the path's ancestors (`GET /a/{id}` holds the names of its sub-resources), then any
parameterless `GET` whose last segment names the same thing (`/bucket/list_dataset` for
`/bucket/{bucket}/dataset/{name}`). In an answer, items are the objects of a list or of a map
(whose keys are names); the value is the item's field named like the parameter, else the field
its suffix names (`task_name` -> `name`, `user_id` -> `id`), else the map key, `name` or `id`.
An item that names parameters chosen before must agree with them, so pairs stay consistent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from specmock.conformance.exercise import Call, Planner
from specmock.spec import Operation, Parameter
from specmock.spec.media import is_json
from specmock.spec.paths import placeholders

_SUFFIXES = (("_name", "name"), ("Name", "name"), ("_id", "id"), ("Id", "id"), ("_uuid", "uuid"), ("Uuid", "uuid"))
_MAX_VALUES = 20

Fetch = Callable[[Call], Any]  # the parsed JSON body of a 2xx answer, or None


@dataclass(frozen=True)
class Choice:
    """A value for one path parameter, and values the same item gives for earlier ones."""

    value: str
    also: tuple[tuple[str, str], ...] = ()
    raw: Any = None  # the value as the answer had it (a number stays a number)


@dataclass
class _Items:
    key: str | None  # the field holding the collection (None: the body itself)
    depth: int
    items: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)


def _parts(name: str) -> tuple[str | None, str]:
    """(stem, field) of a parameter name: task_name -> (task, name); bucket -> (None, bucket)."""
    for suffix, fieldname in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)].lower(), fieldname
    return None, name


def _names_a_thing(param: Parameter) -> bool:
    """A scalar query parameter named like a reference: task_name, user_id."""
    schemas = [param.schema, *(param.schema.get("anyOf") or []), *(param.schema.get("oneOf") or [])]
    kinds = {str(k) for s in schemas if isinstance(s, dict) for k in _list(s.get("type"))}
    return _parts(param.name)[0] is not None and bool(kinds & {"string", "integer"}) and "array" not in kinds


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if text and "/" not in text and text not in (".", "..") else None


def _collections(body: Any) -> Iterator[_Items]:
    """Every list or map of objects in the body, shallowest first."""
    queue: list[tuple[str | None, Any, int]] = [(None, body, 0)]
    while queue:
        key, node, depth = queue.pop(0)
        if isinstance(node, list):
            objects: list[tuple[str | None, dict[str, Any]]] = [(None, item) for item in node if isinstance(item, dict)]
            if objects:
                yield _Items(key, depth, objects)
            queue += [(key, item, depth + 1) for item in node[:3] if isinstance(item, dict)]
        elif isinstance(node, dict):
            values = list(node.values())
            if values and all(isinstance(v, dict) for v in values) and key is not None:
                yield _Items(key, depth, [(str(k), v) for k, v in node.items()])
            queue += [(str(k), v, depth + 1) for k, v in node.items() if isinstance(v, dict | list)]


class Harvest:
    """Chooses parameter values from list and detail answers, fetching each source once (until a write)."""

    def __init__(self, operations: list[Operation], planner: Planner, fetch: Fetch, seed: int) -> None:
        self.gets = {op.path: op for op in operations if op.method == "get"}
        self.planner = planner
        self.fetch = fetch
        self.seed = seed
        self._bodies: dict[str, Any] = {}

    def known(self, op: Operation, sample: int = 0) -> dict[str, str]:
        """Values for the operation's path parameters, and for query parameters that name a thing
        (`task_name`, `pool_id`), as far as the API's answers give them."""
        wanted = [(name, op.path[: op.path.index("{" + name + "}")].rstrip("/")) for name in placeholders(op.path)]
        wanted += [(p.name, op.path) for p in op.parameters if p.location == "query" and _names_a_thing(p)]
        schemas = {p.name: p.schema for p in op.parameters if p.location in ("path", "query")}
        known: dict[str, str] = {}
        for name, prefix in wanted:
            choices = [c for c in self._choices(name, prefix, known, op) if self._fits(c, schemas.get(name))]
            if not choices:
                continue
            choice = choices[sample % len(choices)]
            known.update(dict(choice.also))
            known[name] = choice.value
        return known

    def _fits(self, choice: Choice, schema: dict[str, Any] | None) -> bool:
        """Whether the value is one the parameter's schema allows (a uuid where a uuid is wanted)."""
        if not schema:
            return True
        # a numeric id may be a number in one answer and text in a parameter, or the other way round
        forms = [choice.raw, choice.value]
        if choice.value.lstrip("-").isdigit():
            forms.append(int(choice.value))
        return any(self.planner.synth.valid(form, schema) for form in forms)

    def forget(self) -> None:
        """Drop the answers seen so far (after a write: names may have changed)."""
        self._bodies.clear()

    def _sources(
        self, name: str, prefix: str, known: dict[str, str], op: Operation
    ) -> Iterator[tuple[Operation, bool]]:
        """(operation, is the collection itself) in the order they are tried."""
        tried: set[str] = {op.path}
        path = prefix
        while path:
            source = self.gets.get(path)
            if source is not None and source.path not in tried and self._ready(source, known):
                tried.add(source.path)
                yield source, path == prefix
            path = path.rsplit("/", 1)[0]
        stems = self._stems(name, prefix)
        ranked = []
        for order, source in enumerate(self.gets.values()):
            last = source.path.rstrip("/").rsplit("/", 1)[-1].lower()
            if source.path in tried or "{" in source.path or not any(s in last for s in stems):
                continue
            # `/workflow` names workflows better than `/configs/workflow` or `/workflow_stats`
            ranked.append((_singular(last) not in stems, source.path.count("/"), order, source))
        for *_, source in sorted(ranked, key=lambda r: r[:3]):
            yield source, True

    def _stems(self, name: str, prefix: str) -> list[str]:
        stem, _ = _parts(name)
        last = prefix.rsplit("/", 1)[-1]
        out = [] if last.startswith("{") or not last else [_singular(last)]
        return out + ([stem] if stem and stem not in out else [])

    @staticmethod
    def _ready(source: Operation, known: dict[str, str]) -> bool:
        return all(p in known for p in placeholders(source.path))

    def _choices(self, name: str, prefix: str, known: dict[str, str], op: Operation) -> list[Choice]:
        stems = self._stems(name, prefix)
        for source, collection in self._sources(name, prefix, known, op):
            body = self._body(source, known)
            if body is None:
                continue
            found = self._pick(body, name, stems, collection, known, set(placeholders(source.path)))
            if found:
                return found
        return []

    def _body(self, source: Operation, known: dict[str, str]) -> Any:
        call = self.planner.call(source, self.seed, known=known, optional=False)
        if call.url not in self._bodies:
            self._bodies[call.url] = self.fetch(call)
        return self._bodies[call.url]

    def _pick(
        self,
        body: Any,
        name: str,
        stems: list[str],
        collection: bool,
        known: dict[str, str],
        bound: set[str],
    ) -> list[Choice]:
        _, fieldname = _parts(name)
        best: tuple[int, _Items, list[str | None]] | None = None
        for found in _collections(body):
            keyed = found.key is not None and _singular(found.key) in stems
            fields: list[str | None] = [name]
            if any(name in item for _, item in found.items):
                score = 3
            elif keyed or (collection and found.depth <= 1):
                score, fields = (2 if keyed else 1), [fieldname, None, "name", "id"]  # None: the map key
            else:
                continue
            if best is None or score > best[0]:
                best = (score, found, fields)
        if best is None:
            return []
        _, found, fields = best
        # items that name earlier parameters must agree with them, unless the source was fetched by them
        shared = [k for k in known if k not in bound]
        agreeing = [(k, item) for k, item in found.items if all(str(item.get(s, known[s])) == known[s] for s in shared)]
        out: list[Choice] = []
        for mapkey, item in agreeing or found.items:
            raw = self._value(mapkey, item, fields, fieldname)
            if raw is None:
                continue
            also = () if agreeing else tuple((s, v) for s in shared if (v := _scalar(item.get(s))) is not None)
            out.append(Choice(str(raw), also, raw))
            if len(out) >= _MAX_VALUES:
                break
        return out

    @staticmethod
    def _value(mapkey: str | None, item: dict[str, Any], fields: list[str | None], fieldname: str) -> Any:
        for fieldkey in fields:
            raw = mapkey if fieldkey is None else item.get(fieldkey)
            if _scalar(raw) is not None:
                return raw
        if len(fields) > 1:  # a resource's `hostname` is its name
            for key, raw in item.items():
                if key.endswith(fieldname) and _scalar(raw) is not None:
                    return raw
        return None


def json_body(content_type: str, content: bytes) -> Any:
    """The parsed body of a JSON answer, None for any other."""
    if not is_json(content_type):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None
