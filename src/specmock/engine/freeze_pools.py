"""Write pools.json from Faker: `uv run python -m specmock.engine.freeze_pools` after a Faker upgrade."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from specmock.engine.values import POOLS_FILE, faker_pools


def main() -> None:
    """Build the pools with the installed Faker and write them beside the values module."""
    target = Path(__file__).with_name(POOLS_FILE)
    target.write_text(json.dumps(asdict(faker_pools()), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
