"""``python -m bench [--smoke] [--json PATH]``: the bench, as ``make bench`` runs it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.run import SMOKE, Counts, run


def main() -> None:
    """Parses the command line and runs the bench."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks the harness, measures nothing")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures as JSON")
    args = parser.parse_args()
    run(SMOKE if args.smoke else Counts(), args.json)


if __name__ == "__main__":
    main()
