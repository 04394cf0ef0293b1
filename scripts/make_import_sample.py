"""Writes the sample files of the family import into resources/samples/.

import_familles.csv as French Excel saves it (cp1252, semicolons) and import_familles.xlsx,
the same 30 families. Usage: uv run python scripts/make_import_sample.py [--families 30]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.samples.import_sheet import (  # noqa: E402
    sample_sheet,
    write_csv,
    write_xlsx,
)

OUT = ROOT / "resources" / "samples"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    headers, rows = sample_sheet(args.families, args.seed)
    for path in (
        write_csv(OUT / "import_familles.csv", headers, rows),
        write_xlsx(OUT / "import_familles.xlsx", headers, rows),
    ):
        print(f"{path.relative_to(ROOT)}: {len(rows)} enfants de {args.families} familles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
