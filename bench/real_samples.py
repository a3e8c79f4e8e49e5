"""Load every real sample in a shared data folder and report read / loaded / quarantined.

    python bench/real_samples.py ../shared/data

Checks the issue-2 acceptance figure "every real sample file loads with zero unexplained
quarantined rows" on the original files (the repository ships copies of them in
src/warchest/samples/; this reads the originals and is never run by the tests).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import warchest

LOADERS = [
    ("patentsview", warchest.load_patentsview),
    ("assignments", warchest.load_assignments),
    ("cpc", warchest.load_cpc),
    ("ipc", warchest.load_ipc),
    ("ppubs", warchest.load_ppubs),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data folder")
    args = parser.parse_args()
    with warchest.Store(":memory:") as store:
        print("| folder | files | read | loaded | quarantined | skipped |")
        print("|---|---|---|---|---|---|")
        for folder, load in LOADERS:
            report = load(store, [args.data / folder])
            print(f"| {folder} | {len(report.files)} | {report.rows_read:,} | "
                  f"{report.rows_loaded:,} | {report.rows_quarantined:,} | "
                  f"{len(report.skipped)} |")
        for row in warchest.quarantined_rows(store).records:
            print(f"quarantined: {row['path']} line {row['line']}: {row['reason']}")


if __name__ == "__main__":
    main()
