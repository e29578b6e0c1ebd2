"""Run the benchmarks and write bench/results/latest.md."""

from __future__ import annotations

from pathlib import Path

from bench import codegen, machine

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"


def main() -> None:
    """Measure, print and save."""
    lines = [
        "# specmock benchmarks",
        "",
        *machine.describe(),
        "",
        "## Codegen (process start to exit, 5 runs)",
        "",
        "| what | median | worst | target |",
        "|---|---|---|---|",
    ]
    for what, median, worst, target in codegen.rows():
        lines.append(f"| {what} | {median:.2f} s | {worst:.2f} s | {target} |")
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
