"""`specmock conform`: exercise every operation of a spec and validate every answer against it.

Each operation gets `samples` valid requests (parameters and bodies made from their schemas, path
parameters taken from list answers where a list exists); each answer is checked with openapi-core:
declared status, declared content type, headers, body. Reads run before writes and deletes last,
so that a delete does not take away a name a later read needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from specmock.conformance.exercise import Call, Planner
from specmock.conformance.harvest import Harvest, json_body
from specmock.engine.synth import Synthesizer
from specmock.server.negotiate import default_status, status_number
from specmock.spec import LoadedSpec, Operation
from specmock.spec.verdicts import SpecValidator, Violation

Listener = Callable[["OperationResult", int, int], None]
_ORDER = {"get": 0, "head": 0, "options": 1, "trace": 1, "post": 2, "put": 2, "patch": 2, "delete": 3}
_READS = ("get", "head", "options", "trace")


@dataclass(frozen=True)
class Exchange:
    """One request, the answer's status and content type, and what is wrong with it."""

    call: Call
    status: int | None  # None when no answer came
    content_type: str
    problems: tuple[str, ...]  # `200: $.status: 'lost' is not one of [...] (enum)`
    seconds: float  # validating the answer


@dataclass
class OperationResult:
    """Every exchange of one operation."""

    operation: Operation
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No exchange has a problem."""
        return all(not e.problems for e in self.exchanges)

    @property
    def problems(self) -> list[str]:
        """Each distinct problem once, in the order met, with how many requests met it and one of them."""
        seen: dict[str, list[Call]] = {}
        for exchange in self.exchanges:
            for problem in exchange.problems:
                seen.setdefault(problem, []).append(exchange.call)
        out = []
        for problem, calls in seen.items():
            example = f"{calls[0].method} {calls[0].url}"
            count = "" if len(self.exchanges) == 1 else f"{len(calls)} of {len(self.exchanges)} requests, e.g. "
            out.append(f"{problem}  [{count}{example}]")
        return out

    @property
    def label(self) -> str:
        """`GET /pets/{id} (getPet)`."""
        op = self.operation
        return f"{op.method.upper()} {op.path} ({op.operation_id})"


@dataclass
class RunResult:
    """The outcome of a whole run."""

    spec: str
    target: str  # "specmock (in-process)" or the URL
    seed: int
    samples: int
    operations: list[OperationResult] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # about the spec or the generated code, not the answers

    @property
    def passed(self) -> int:
        """Operations whose every answer conforms."""
        return sum(1 for r in self.operations if r.passed)

    @property
    def failed(self) -> int:
        """Operations with at least one problem."""
        return len(self.operations) - self.passed

    @property
    def responses(self) -> int:
        """Answers validated."""
        return sum(1 for r in self.operations for e in r.exchanges if e.status is not None)

    @property
    def validation_seconds(self) -> float:
        """Time spent validating answers."""
        return sum(e.seconds for r in self.operations for e in r.exchanges)


def expected_status(op: Operation) -> int:
    """What specmock answers a valid request with: the default status, 204 when none is declared."""
    code = default_status(op)
    return 204 if code is None else status_number(code)


def run_order(operations: list[Operation]) -> list[Operation]:
    """Reads first, writes next, deletes last (the deepest path first); otherwise the spec's order."""
    ranked = [
        (_ORDER.get(op.method, 2), -op.path.count("/") if op.method == "delete" else 0, i)
        for i, op in enumerate(operations)
    ]
    return [operations[i] for _, _, i in sorted(ranked)]


class Conformance:
    """Exercises the operations of one spec through an httpx client and validates the answers.

    An answer passes when its status, content type, headers and body are what the spec declares
    and it is not a server error; a declared 4xx passes too (a backend, or a generator, may refuse
    a request the schemas allow: a workflow that is not running). `require_success` makes any
    status but the operation's success status a failure: right for synthesis, which answers every
    valid request that way.
    """

    def __init__(
        self,
        spec: LoadedSpec,
        client: httpx.Client,
        *,
        seed: int = 0,
        samples: int = 1,
        require_success: bool = False,
        synth: Synthesizer | None = None,
        validator: SpecValidator | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.client = client
        self.seed = seed
        self.samples = samples
        self.require_success = require_success
        self.planner = Planner(spec, synth)
        self.validator = validator or SpecValidator(spec.document)
        self.headers = headers or {}
        self.deleted: set[str] = set()
        self.harvest = Harvest(spec.index.operations, self.planner, self._fetch, seed)

    def run(self, target: str, on_result: Listener | None = None) -> RunResult:
        """Exercise every operation; `on_result` hears of each as it completes (with done and total counts)."""
        result = RunResult(self.spec.file, target, self.seed, self.samples)
        started = time.perf_counter()
        operations = run_order(self.spec.index.operations)
        for op in operations:
            outcome = self.exercise(op)
            result.operations.append(outcome)
            if on_result is not None:
                on_result(outcome, len(result.operations), len(operations))
        result.seconds = time.perf_counter() - started
        return result

    def exercise(self, op: Operation) -> OperationResult:
        """Send `samples` valid requests for one operation and check each answer."""
        outcome = OperationResult(op)
        for sample in range(self.samples):
            try:
                call = self.planner.call(op, self.seed, sample, known=self.harvest.known(op, sample))
            except ValueError as exc:  # no value of a path parameter's schema fits in a URL
                outcome.exchanges.append(Exchange(Call(op, op.method.upper(), op.path), None, "", (str(exc),), 0))
                break
            if op.method == "delete" and call.path in self.deleted:
                continue  # a second delete of the same thing is rightly refused: not a defect
            exchange = self.check(call)
            outcome.exchanges.append(exchange)
            if op.method not in _READS and exchange.status is not None and 200 <= exchange.status < 300:
                self.harvest.forget()  # a write may rename or remove what the lists showed
                if op.method == "delete":
                    self.deleted.add(call.path)
        return outcome

    def send(self, call: Call) -> httpx.Response:
        """Send one planned request."""
        return self.client.request(call.method, call.url, headers={**self.headers, **call.headers}, content=call.body)

    def check(self, call: Call) -> Exchange:
        """Send a call and judge its answer."""
        try:
            response = self.send(call)
        except httpx.HTTPError as exc:
            return Exchange(call, None, "", (f"no answer ({type(exc).__name__}: {exc})",), 0)
        started = time.perf_counter()
        problems = self.judge(call, response)
        return Exchange(
            call,
            response.status_code,
            response.headers.get("content-type", ""),
            tuple(problems),
            time.perf_counter() - started,
        )

    def judge(self, call: Call, response: httpx.Response) -> list[str]:
        """Every problem with one answer, each a sentence naming the status, the place and the rule."""
        status = response.status_code
        where = str(status)
        expected = expected_status(call.operation)
        violations: list[Violation] = []
        if call.operation.responses:  # 3.1 lets an operation declare none: then any answer conforms
            violations = self.validator.response_violations(
                call.method,
                call.path,
                call.query,
                status,
                response.headers.get("content-type", ""),
                response.content,
                list(response.headers.items()),
            )
        if status >= 500 or (self.require_success and status != expected):
            why = "server error" if status >= 500 else f"expected {expected}"
            undeclared = [v.message for v in violations if v.where == "status"]
            text = f"{where}: {why}" + (f"; {undeclared[0]}" if undeclared else "") + f": {_excerpt(response)}"
            refused = self._request_problems(call) if 400 <= status < 500 else []
            if refused:  # the planner could not satisfy the spec here: say where, that is the cause
                text += " (the request breaks the spec: " + "; ".join(str(v) for v in refused[:3]) + ")"
            return [text]
        # an undeclared status says little by itself: what the server said comes with it
        return [
            f"{where}: {v.message}: {_excerpt(response)}" if v.where == "status" else f"{where}: {v}"
            for v in violations
        ]

    def _request_problems(self, call: Call) -> list[Violation]:
        return self.validator.request_violations(
            call.method, call.path, call.query, list(call.headers.items()), call.content_type, call.body
        )

    def _fetch(self, call: Call) -> Any:
        try:
            response = self.send(call)
        except httpx.HTTPError:
            return None
        if not 200 <= response.status_code < 300:
            return None
        return json_body(response.headers.get("content-type", ""), response.content)


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    text = response.text.strip().replace("\n", " ")
    return (text[:limit] + "...") if len(text) > limit else text or "(empty body)"
