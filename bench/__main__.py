"""Run the benchmarks and write bench/results/latest.md."""

from __future__ import annotations

from pathlib import Path

from bench import codegen, generation, machine, osmo_pages, pages, serve
from bench.report import Table

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"


def codegen_table() -> Table:
    """`specmock codegen` wall times."""
    table = Table("Codegen (process start to exit, 5 runs)", ("what", "median", "worst", "target"))
    for what, median, worst, target in codegen.rows():
        table.rows.append((what, f"{median:.2f} s", f"{worst:.2f} s", target))
    return table


def main() -> None:
    """Measure, print and save; the file is written only when every benchmark finished."""
    lines = ["# specmock benchmarks", "", *machine.describe(), ""]
    print("\n".join(lines), flush=True)
    measures = (
        codegen_table,
        pages.page_table,
        osmo_pages.osmo_page_table,
        pages.engine_table,
        pages.memory_table,
        generation.item_table,
        generation.synthesis_table,
        serve.served_tables,
        serve.cold_start_table,
    )
    for measure in measures:
        measured = measure()
        for table in measured if isinstance(measured, list) else [measured]:
            section = table.lines()
            print("\n".join(section), flush=True)
            lines += section
    text = "\n".join(lines).rstrip("\n") + "\n"
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
