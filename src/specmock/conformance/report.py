"""The reports of `specmock conform`: text lines, a JSON document, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from specmock.conformance.runner import OperationResult, RunResult

FORMATS = ("text", "json", "junit")


def summary(result: RunResult) -> str:
    """The last line: `N passed, M failed`."""
    return f"{result.passed} passed, {result.failed} failed"


def text_line(outcome: OperationResult) -> str:
    """One operation: `ok`/`FAIL`, its label, the statuses seen; then one indented line per problem."""
    statuses = sorted({e.status for e in outcome.exchanges if e.status is not None})
    seen = ",".join(str(s) for s in statuses) or "no answer"
    head = f"{'ok  ' if outcome.passed else 'FAIL'} {outcome.label} {seen}"
    return "\n".join([head, *(f"     {problem}" for problem in outcome.problems)])


def text_footer(result: RunResult) -> str:
    """Totals: responses, time, then the summary line."""
    per = result.seconds / result.responses * 1000 if result.responses else 0.0
    checking = result.validation_seconds / result.responses * 1000 if result.responses else 0.0
    if not result.operations:  # a document of webhooks or components only
        return f"{result.spec} has no operations under `paths`: nothing to exercise\n{summary(result)}"
    return "\n".join(
        [
            f"{result.responses} responses from {result.target} validated against {result.spec} "
            f"in {result.seconds:.1f}s ({per:.1f} ms per response, {checking:.1f} ms of it checking the answer)",
            summary(result),
        ]
    )


def as_json(result: RunResult) -> str:
    """The whole run as one JSON document."""
    data: dict[str, Any] = {
        "spec": result.spec,
        "target": result.target,
        "seed": result.seed,
        "samples": result.samples,
        "passed": result.passed,
        "failed": result.failed,
        "responses": result.responses,
        "seconds": round(result.seconds, 3),
        "operations": [
            {
                "operationId": r.operation.operation_id,
                "method": r.operation.method.upper(),
                "path": r.operation.path,
                "passed": r.passed,
                "problems": r.problems,
                "exchanges": [
                    {"request": f"{e.call.method} {e.call.url}", "status": e.status, "content_type": e.content_type}
                    for e in r.exchanges
                ],
            }
            for r in result.operations
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def as_junit(result: RunResult) -> str:
    """JUnit XML: one test case per operation, one failure element listing its problems."""
    suites = ET.Element("testsuites", tests=str(len(result.operations)), failures=str(result.failed))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"specmock conform {result.spec}",
        tests=str(len(result.operations)),
        failures=str(result.failed),
        errors="0",
        time=f"{result.seconds:.3f}",
    )
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="target", value=result.target)
    for outcome in result.operations:
        case = ET.SubElement(suite, "testcase", classname=result.spec, name=outcome.label)
        if not outcome.passed:
            problems = outcome.problems
            failure = ET.SubElement(case, "failure", message=problems[0] if problems else "failed")
            failure.text = "\n".join(problems)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode")
