"""Generates the Python code of `protos/` into `gen/`, and checks it has not drifted.

`python -m tools.protos` regenerates; `python -m tools.protos --check` regenerates into a
scratch folder and fails when any file differs from, is missing from or is extra to `gen/`.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
GEN_ROOT = ROOT / "gen"
WELL_KNOWN = Path(grpc_tools.__file__).parent / "_proto"


def proto_files() -> list[Path]:
    """Every .proto under protos/, in a stable order."""
    return sorted(PROTO_ROOT.rglob("*.proto"))


def generate(out_dir: Path) -> None:
    """Writes the messages, type stubs and gRPC stubs of every proto into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(PROTO_ROOT)) for p in proto_files()]
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{WELL_KNOWN}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *files,
    ]
    code = protoc.main(args)
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")
    # Package markers make the generated tree importable and visible to mypy.
    for folder in [out_dir / "callsheet", *(p for p in (out_dir / "callsheet").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    (out_dir / "callsheet" / "py.typed").touch()


def _tree(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def drift() -> list[str]:
    """Lists the generated files that differ from what the protos produce now."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch)
        generate(fresh)
        want, have = _tree(fresh), _tree(GEN_ROOT) if GEN_ROOT.exists() else {}
        problems = [f"missing: gen/{name}" for name in sorted(want.keys() - have.keys())]
        problems += [f"extra: gen/{name}" for name in sorted(have.keys() - want.keys())]
        problems += [
            f"differs: gen/{name}"
            for name in sorted(want.keys() & have.keys())
            if not filecmp.cmp(want[name], have[name], shallow=False)
        ]
        return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when gen/ has drifted")
    args = parser.parse_args()
    if args.check:
        problems = drift()
        if problems:
            print("generated code is out of date; run `make protos`:", *problems, sep="\n  ")
            sys.exit(1)
        print("generated code matches protos/")
        return
    if GEN_ROOT.exists():
        shutil.rmtree(GEN_ROOT / "callsheet", ignore_errors=True)
    generate(GEN_ROOT)


if __name__ == "__main__":
    main()
