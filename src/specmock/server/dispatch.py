"""Answering an operation: a handwritten generator, or synthesis from the spec; then faults,
latency, optional response validation, and the request log."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope, Send

from specmock.context import Context, ProblemError, Reply
from specmock.engine.clock import Clock
from specmock.engine.rng import Rng
from specmock.engine.state import Store
from specmock.engine.synth import Synthesizer
from specmock.registry import Generators
from specmock.server.board import LOG_SIZE, Board
from specmock.server.cache import Cached, Key, ResponseCache, key_of
from specmock.server.negotiate import choose_media, default_status, parse_prefer, status_number
from specmock.server.problems import problem
from specmock.server.requests import BodyError, parse_body, validation_failure
from specmock.server.serialize import to_bytes
from specmock.server.settings import Settings
from specmock.spec import LoadedSpec, Operation


class DropResponse(Exception):
    """A fault: the connection is cut before the response completes."""


@dataclass
class ApiRuntime:
    """One served API: its spec, its generators and what is built from them once."""

    name: str
    spec: LoadedSpec
    generators: Generators | None
    mount: str = "/"  # where its paths are served: the root, or a path such as /api/v3
    operations: dict[str, Operation] = field(default_factory=dict)
    _synth: Synthesizer | None = None
    _validator: Any = None
    body_validators: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.operations = {op.operation_id: op for op in self.spec.index.operations}

    @property
    def prefix(self) -> str:
        """The mount as the part of a request path before the spec's path: "" at the root."""
        return "" if self.mount == "/" else self.mount

    def synthesizer(self) -> Synthesizer:
        """Built on first use (a server that only runs handwritten generators never pays for it)."""
        if self._synth is None:
            self._synth = Synthesizer(self.spec.document, self.spec.version)
        return self._synth

    def validator(self) -> Any:
        """The openapi-core validator, built on first use."""
        with self.lock:
            if self._validator is None:
                from specmock.spec.verdicts import SpecValidator  # noqa: PLC0415 - slow, optional

                self._validator = SpecValidator(self.spec.document)
            return self._validator

    def volumes(self, settings: Settings) -> dict[str, int]:
        """Collection totals: the preset's, then `api.collection=N` overrides."""
        out = {}
        if self.generators is not None:
            out = {name: size.for_preset(settings.preset) for name, size in self.generators.collections.items()}
        prefix = self.name + "."
        out.update({k[len(prefix) :]: v for k, v in settings.volumes.items() if k.startswith(prefix)})
        return out


class Served(NamedTuple):
    """One line of the request log (a tuple: one is made for every request)."""

    seq: int
    method: str
    path: str
    api: str
    operation_id: str
    status: int
    ms: float
    fault: str
    source: str  # generator, synthesis, example, fault or request; "cached " before it for a kept answer


def _canonical(params: dict[str, Any]) -> tuple[object, ...]:
    """The parameters as seed path parts, independent of their order."""
    parts: list[object] = []
    for name in sorted(params):
        value = params[name]
        if value is None or name.lower().startswith("x-"):
            continue  # an identity header must not change the data a list shows
        parts += [name, json.dumps(value, sort_keys=True, default=str)]
    return tuple(parts)


class Dispatcher:
    """Installed on app.state.specmock; generated routes call it through specmock.runtime.dispatch.

    In a single process the request counter, the log and the settings live here, in memory. A
    worker of `serve --workers N` has a board instead (server.board): it takes each request's
    number there, records its line there, and adopts settings another worker changed.
    """

    def __init__(
        self, apis: dict[str, ApiRuntime], settings: Settings, clock: Clock, store: Store, board: Board | None = None
    ) -> None:
        self.apis = apis
        self.settings = settings
        self.clock = clock
        self.store = store
        self.log: deque[Served] = deque(maxlen=LOG_SIZE)
        self.seq = 0
        self.cache = ResponseCache(settings.cache_mb << 20)
        self.board = board
        self._generation = 0  # of the board's settings this worker has adopted
        if board is not None:
            self._adopt(*board.settings())

    def _adopt(self, generation: int, shown: dict[str, Any]) -> None:
        self.settings = self.settings.with_shown(shown)
        self._generation = generation

    def sync(self) -> None:
        """Adopt the settings another worker changed, if any did; nothing to do in a single process."""
        board = self.board
        if board is not None and board.generation() != self._generation:
            self._adopt(*board.settings())

    def _take(self, board: Board) -> int:
        """The next request number from the board, adopting changed settings before the request uses them."""
        seq, generation = board.take()
        if generation != self._generation:
            self._adopt(*board.settings())
        self.seq = seq  # what sampled validation draws from, as in a single process
        return seq

    def _number(self) -> int:
        """The next request number: this process's own, or the board's with workers."""
        if self.board is None:
            self.seq += 1
            return self.seq
        return self._take(self.board)

    def _record(self, line: Served) -> None:
        """One line of the request log, where the workers' log lives if they share one."""
        if self.board is None:
            self.log.append(line)
        else:
            self.board.record(list(line))

    def served(self, limit: int) -> list[Served]:
        """The last `limit` lines of the request log (at most 200), newest first."""
        if limit <= 0:
            return []
        if self.board is not None:
            return [Served(*line) for line in self.board.lines(limit)]
        return list(self.log)[-min(limit, LOG_SIZE) :][::-1]

    def configure(self, changes: dict[str, Any]) -> None:
        """Apply an admin settings change (ConfigError and no change if bad); with workers, on the board they share."""
        board = self.board
        if board is None:
            self.settings.update(changes)
            return

        def change(shown: dict[str, Any]) -> dict[str, Any]:
            draft = self.settings.with_shown(shown)
            draft.update(changes)
            return draft.to_json()

        self._adopt(*board.change(change))

    def now(self) -> datetime:
        """The clock's now to the whole second: what generators see, so an answer can be kept for that second."""
        return self.clock.now().replace(microsecond=0)

    def reset(self) -> None:
        """Forget the request count and log: fault decisions replay from the start."""
        self.seq = 0
        self.log.clear()
        self.cache.clear()
        if self.board is not None:
            self.board.reset()

    def context(
        self,
        runtime: ApiRuntime,
        operation_id: str,
        params: dict[str, Any],
        body: Any,
        seed: int,
        request: Request | None,
        now: datetime | None = None,
    ) -> Context:
        """What a generator receives: the request's data with the seed, the clock's now, volumes and state."""
        return Context(
            runtime.name,
            operation_id,
            params,
            body,
            seed,
            now or self.now(),
            runtime.volumes(self.settings),
            self.store,
            request,
        )

    def _cache_key(self, scope: Scope, now: datetime, version: int) -> Key | None:
        """Everything a GET answer depends on, or None when the answer must be made afresh."""
        settings = self.settings
        if scope["method"] != "GET" or settings.validate != "off" or self.cache.budget == 0:
            return None
        rest = (scope["headers"], settings.seed, settings.preset, sorted(settings.volumes.items()), now, version)
        return key_of(scope["path"], scope["query_string"], rest)

    async def replay(self, scope: Scope, send: Send, api: str, operation_id: str) -> bool:
        """Send the kept answer to this request, if there is one, as the full path would; False otherwise.

        Tried before the request's parameters are even read: a kept answer was made for exactly
        this path, query and headers, so they were valid then and the answer is the same now.
        """
        self.sync()  # faults or a seed set on another worker decide whether a kept answer may go
        if not self._calm(api, operation_id):
            return False
        key = self._cache_key(scope, self.now(), self.store.version())
        kept = None if key is None else self.cache.get(key)
        if kept is None:
            return False
        started = time.perf_counter()
        seq = self._number()
        headers = [
            *kept.headers,
            (b"x-specmock-seed", kept.seed.encode("latin-1")),
            (b"x-specmock-request", str(seq).encode()),
            (b"x-specmock-fault", b"none"),
        ]
        await send({"type": "http.response.start", "status": kept.status, "headers": headers})
        await send({"type": "http.response.body", "body": kept.body})
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        line = Served(
            seq, "GET", scope["path"], api, operation_id, kept.status, elapsed, "none", "cached " + kept.source
        )
        self._record(line)
        return True

    async def __call__(self, request: Request, api: str, operation_id: str, params: dict[str, Any]) -> Response:
        """Answer one request of one operation."""
        started = time.perf_counter()
        seq = self._number()
        runtime = self.apis[api]
        op = runtime.operations[operation_id]
        prefer = parse_prefer(request.headers.get("prefer"))
        fault = await self._faults(api, operation_id, seq)
        if fault.startswith("error:"):
            status = int(fault.split(":")[1])
            response = problem(status, "Injected fault", f"specmock injected a {status} (request {seq})")
            source = "fault"
        else:
            response, source = await self._kept_or_fresh(request, runtime, op, params, prefer)
        seed = prefer.get("seed", str(self.settings.seed))
        # appended raw: no answer carries these already, and MutableHeaders would search for them
        response.raw_headers += [
            (b"x-specmock-seed", seed.encode("latin-1")),
            (b"x-specmock-request", str(seq).encode()),
            (b"x-specmock-fault", fault.encode()),
        ]
        line = Served(
            seq,
            request.method,
            request.scope["path"],
            api,
            operation_id,
            response.status_code,
            round((time.perf_counter() - started) * 1000, 2),
            fault,
            source,
        )
        self._record(line)
        if fault == "drop":
            raise DropResponse
        return response

    async def _kept_or_fresh(
        self, request: Request, runtime: ApiRuntime, op: Operation, params: dict[str, Any], prefer: dict[str, str]
    ) -> tuple[Response, str]:
        """The kept answer to the same request in the same second and state, else a fresh one (then kept)."""
        now, version = self.now(), self.store.version()
        key = self._cache_key(request.scope, now, version)
        kept = None if key is None else self.cache.get(key)
        if kept is not None:
            response = Response(kept.body, kept.status)
            response.raw_headers = list(kept.headers)
            return response, "cached " + kept.source
        try:
            response, source = await self._answer(request, runtime, op, params, prefer, now)
        except ProblemError as exc:
            response, source = self._problem_reply(runtime, op, exc), "generator"
        response = self._validated(request, runtime, response)
        body = getattr(response, "body", None)
        # a write during a GET, or a streamed or background answer, is not a pure function of the key
        if (
            key is not None
            and isinstance(body, bytes)
            and response.background is None
            and version == self.store.version()
        ):
            seed = prefer.get("seed", str(self.settings.seed))
            self.cache.put(key, Cached(response.status_code, tuple(response.raw_headers), body, source, seed))
        return response, source

    def _calm(self, api: str, operation_id: str) -> bool:
        """Whether the operation has neither latency nor faults set: its fault outcome is always none."""
        latency = self.settings.latency_for(api, operation_id)
        faults = self.settings.faults_for(api, operation_id)
        return latency.high_ms <= 0 and faults.error_rate + faults.drop_rate + faults.slow_rate <= 0

    async def _faults(self, api: str, operation_id: str, seq: int) -> str:
        """Decide and apply latency and faults: a pure function of (seed, api, operation, request number)."""
        if self._calm(api, operation_id):
            return "none"  # nothing to draw: the outcome is the same without hashing a key
        latency = self.settings.latency_for(api, operation_id)
        faults = self.settings.faults_for(api, operation_id)
        rng = Rng.root(self.settings.seed, "faults", api, operation_id, seq)
        delay = rng.uniform(latency.low_ms, latency.high_ms, "latency") if latency.high_ms > 0 else 0.0
        draw = rng.random("fault")
        outcome = "none"
        if draw < faults.error_rate:
            outcome = f"error:{rng.choice(faults.statuses, 'status')}"
        elif draw < faults.error_rate + faults.drop_rate:
            outcome = "drop"
        elif draw < faults.error_rate + faults.drop_rate + faults.slow_rate:
            outcome = f"slow:{faults.slow_ms:g}ms"
            delay += faults.slow_ms
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        return outcome

    async def _answer(
        self,
        request: Request,
        runtime: ApiRuntime,
        op: Operation,
        params: dict[str, Any],
        prefer: dict[str, str],
        now: datetime,
    ) -> tuple[Response, str]:
        body = None
        if op.request_body is not None:
            try:
                body = parse_body(runtime, op, request.headers.get("content-type"), await request.body())
            except BodyError as exc:
                return validation_failure(runtime.spec.index, op, exc.errors, exc.status), "request"
        seed = self.settings.seed
        if "seed" in prefer:
            try:
                seed = int(prefer["seed"])
            except ValueError:
                return problem(
                    400, "Bad Prefer header", f"Prefer seed={prefer['seed']!r} is not a whole number"
                ), "request"
        handler = runtime.generators.handlers.get(op.operation_id) if runtime.generators else None
        wants_spec = "code" in prefer or "example" in prefer or prefer.get("dynamic") == "false"
        if handler is not None and not wants_spec:
            ctx = self.context(runtime, op.operation_id, params, body, seed, request, now)
            result = handler(ctx)
            if inspect.isawaitable(result):
                result = await result
            return self._reply(runtime, op, result, request.headers.get("accept")), "generator"
        return self._synthesized(request, runtime, op, params, prefer, seed)

    def _reply(self, runtime: ApiRuntime, op: Operation, result: Any, accept: str | None) -> Response:
        if isinstance(result, Response):
            return result
        reply = result if isinstance(result, Reply) else Reply(result)
        declared = op.responses.get(str(reply.status)) or op.responses.get("default") or {}
        media = reply.media_type or choose_media(declared.get("content") or {}, accept) or "application/json"
        if reply.body is None and not declared.get("content"):
            return Response(status_code=reply.status, headers=reply.headers)
        return Response(to_bytes(reply.body, media), status_code=reply.status, media_type=media, headers=reply.headers)

    def _problem_reply(self, runtime: ApiRuntime, op: Operation, exc: ProblemError) -> Response:
        declared = op.responses.get(str(exc.status))
        content = (declared or {}).get("content") or {}
        media = choose_media(content, "application/json")
        if exc.body is not None and media is not None:
            return Response(to_bytes(exc.body, media), status_code=exc.status, media_type=media)
        if media is not None and "schema" in content[media]:
            rng = Rng.root(self.settings.seed, runtime.name, op.operation_id, "error", exc.status)
            data = runtime.synthesizer().body(media, content[media], rng)
            return Response(data, status_code=exc.status, media_type=media)
        return problem(exc.status, "Not found" if exc.status == 404 else "Error", exc.detail)

    def _synthesized(
        self,
        request: Request,
        runtime: ApiRuntime,
        op: Operation,
        params: dict[str, Any],
        prefer: dict[str, str],
        seed: int,
    ) -> tuple[Response, str]:
        code = prefer.get("code") or default_status(op)
        if code is None:  # only when the operation declares no response at all, which 3.1 allows
            return Response(status_code=204), "synthesis"
        if code not in op.responses:
            known = ", ".join(op.responses) or "none"
            return problem(
                400, "Bad Prefer header", f"{op.operation_id} declares no response {code} (declared: {known})"
            ), "request"
        declared = op.responses[code]
        status = status_number(code)
        content = declared.get("content") or {}
        if not content:
            return Response(status_code=status), "synthesis"
        media = choose_media(content, request.headers.get("accept"))
        if media is None:
            return problem(
                406,
                "Not acceptable",
                f"{op.operation_id} answers {', '.join(content)}; "
                f"Accept: {request.headers.get('accept')} allows none of them",
            ), "request"
        synth = runtime.synthesizer()
        if "example" in prefer or prefer.get("dynamic") == "false":
            name = prefer.get("example")
            found, value = synth.example(content[media], name if name not in (None, "true") else None)
            if found:
                return Response(to_bytes(value, media), status_code=status, media_type=media), "example"
            if name not in (None, "true"):
                return problem(
                    404, "No such example", f"{op.operation_id} {code} {media} has no example {name!r}"
                ), "request"
        rng = Rng.root(seed, runtime.name, op.operation_id, code, media, *_canonical(params))
        data = synth.body(media, content[media], rng)
        return Response(data, status_code=status, media_type=media), "synthesis"

    def _validated(self, request: Request, runtime: ApiRuntime, response: Response) -> Response:
        mode = self.settings.validate
        if mode == "off":
            return response
        if mode == "sample":
            rng = Rng.root(self.settings.seed, "sample", self.seq)
            if not rng.chance(self.settings.sample_rate, "sample"):
                return response
        violations = runtime.validator().response_violations(
            request.method,
            request.url.path[len(runtime.prefix) :],  # the validator knows the spec's paths, not the mount
            list(request.query_params.multi_items()),
            response.status_code,
            response.media_type or response.headers.get("content-type", ""),
            bytes(response.body),
        )
        if not violations:
            return response
        return problem(
            500,
            "Response does not conform to the spec",
            f"{len(violations)} violation(s): " + "; ".join(str(v) for v in violations[:5]),
            violations=[{"where": v.where, "message": v.message} for v in violations],
        )
