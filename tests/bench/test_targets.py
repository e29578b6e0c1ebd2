"""The target summary at the top of the results, and the served outcomes behind it."""

from __future__ import annotations

from bench import samples, served_tables, targets
from bench.load import Load
from bench.offsets import Plan, fixed, unique
from bench.runs import Run
from bench.served import Memory, Served
from bench.targets import Outcome


def rows(outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    return {goal: (measured, result) for goal, measured, result in summary_rows(outcomes)}


def summary_rows(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    return [tuple(row) for row in targets.summary(outcomes).rows]


def test_every_target_has_a_row_in_the_issues_order() -> None:
    assert [row[0] for row in summary_rows([])] == [t.goal for t in targets.TARGETS]
    assert {row[2] for row in summary_rows([])} == {"not measured"}


def test_a_miss_is_marked_missed() -> None:
    found = rows([Outcome(targets.COLD, "1.80 s", False), Outcome(targets.CODEGEN, "1.50 s", True)])
    assert found[targets.COLD.goal] == ("1.80 s", "missed")
    assert found[targets.CODEGEN.goal] == ("1.50 s", "met")


def test_one_miss_among_several_measurements_misses_the_target() -> None:
    both = [Outcome(targets.DEEP, "1.05x (served)", True), Outcome(targets.DEEP, "1.30x (in-process)", False)]
    assert rows(both)[targets.DEEP.goal] == ("1.05x (served); 1.30x (in-process)", "missed")


def test_a_failed_measurement_is_missed() -> None:
    assert rows([targets.failed(targets.RSS, "server crashed")])[targets.RSS.goal][1] == "missed"


def run(rate: float, plan: Plan | None = None, errors: int = 0, valid: bool | None = True, status: int = 200) -> Run:
    check = samples.Check(statuses=[status], sizes=[14_000], entries=[20], valid=valid)
    load = Load(int(rate * 10), 10.0, errors, 1.0, 5.0, distinct=True, capped=False)
    return Run("specmock serve", plan or unique("u", 10**12), check, load)


def served(unique_rate: float, ceiling_rate: float, **changes: Run) -> Served:
    mine = changes.get("mine", run(unique_rate))
    memory = [Memory(10**3, 60_000, 61_000, run(500)), Memory(10**12, 60_000, 62_000, run(500))]
    return Served(
        unique=[mine, run(ceiling_rate, valid=None)],
        repeated=[run(900, fixed("top", 0)), run(1000, fixed("top", 0), valid=None)],
        first=run(1000),
        deep=changes.get("deep", run(900)),
        unfiltered=run(1000),
        filtered=run(500),
        memory=memory,
    )


def outcomes(result: Served) -> dict[targets.Target, Outcome]:
    return {o.target: o for o in served_tables.measured(result).outcomes}


def test_served_outcomes_compare_with_the_ceiling_and_page_zero() -> None:
    found = outcomes(served(unique_rate=300, ceiling_rate=1000))
    assert found[targets.UNIQUE].met and found[targets.UNIQUE].measured.startswith("30%")
    assert found[targets.REPEATED].met  # 90% >= 60%
    assert found[targets.DEEP].met and found[targets.DEEP].measured.startswith("1.11x")
    assert not found[targets.FILTERED].met  # twice the time of page 0
    assert found[targets.RSS].met  # 63 MB at most, 1.02x


def test_too_slow_is_missed() -> None:
    assert not outcomes(served(unique_rate=200, ceiling_rate=1000))[targets.UNIQUE].met


def test_a_run_with_invalid_or_failed_responses_misses_its_target() -> None:
    invalid = outcomes(served(300, 1000, mine=run(900, valid=False)))[targets.UNIQUE]
    assert not invalid.met and "invalid" in invalid.measured
    erroring = outcomes(served(300, 1000, deep=run(1000, errors=5)))[targets.DEEP]
    assert not erroring.met and "errors" in erroring.measured
    not_ok = outcomes(served(300, 1000, mine=run(900, status=500)))[targets.UNIQUE]
    assert not not_ok.met and "not 200" in not_ok.measured


def test_answers_that_change_fail_the_run_unless_random_by_design() -> None:
    changing = run(900)
    changing.check.deterministic = False
    assert changing.failure is not None and "differ" in changing.failure
    changing.repeatable = False  # Prism's -d answers
    assert changing.failure is None
