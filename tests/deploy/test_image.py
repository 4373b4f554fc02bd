"""The image: built by the Makefile's own install path, run without build tools and without root.

The suite runs without a container engine, so the Dockerfile is read rather than built: its
build stage must make the virtual environment with the same recipe as ``make up`` (the same
requirements file, the same venv and ``callsheet.pth`` steps, at the path the final stage runs
from), and its final stage must carry no compiler or build tool and run as an unprivileged
numeric user.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
DOCKERIGNORE = ROOT / ".dockerignore"

BASE_IMAGE = "python:3.11-slim"
BUILD_TOOLS = ("build-essential", "gcc", "g++", "clang", "make", "cmake", "cc", "python3-dev", "libpq-dev")


@dataclass
class Stage:
    """One ``FROM`` … of the Dockerfile and its instructions, as (keyword, argument) pairs."""

    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """The arguments of every instruction of that keyword, in order."""
        return [argument for key, argument in self.instructions if key == keyword]


def dockerfile_stages(text: str) -> list[Stage]:
    """The Dockerfile's stages, line continuations joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, argument = line.partition(" ")
        keyword = keyword.upper()
        argument = " ".join(argument.split())
        if keyword == "FROM":
            words = argument.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else ""
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append((keyword, argument))
    return stages


def make_recipe(text: str, target: str) -> tuple[list[str], list[str]]:
    """The prerequisites and recipe lines of ``target`` in the Makefile."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(rf"^{re.escape(target)}\s*:(?!=)(.*)$", line)
        if match:
            recipe = []
            for body in lines[index + 1 :]:
                if not body.startswith("\t"):
                    break
                recipe.append(body.strip())
            return match.group(1).split(), recipe
    raise AssertionError(f"the Makefile has no target {target}")


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return dockerfile_stages(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def build(stages: list[Stage]) -> Stage:
    return stages[0]


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def workdir(stage: Stage) -> str:
    workdirs = stage.all("WORKDIR")
    assert workdirs, f"stage {stage.name or stage.base} sets no WORKDIR"
    return workdirs[-1]


def test_multi_stage_on_the_slim_python_base(stages: list[Stage]) -> None:
    assert len(stages) >= 2, "a build stage and a final stage"
    assert {stage.base for stage in stages} == {BASE_IMAGE}
    assert stages[0].name, "the build stage is named, for COPY --from"


def test_the_makefile_installs_by_venv_requirements_and_pth() -> None:
    """What the image relies on: the Makefile's venv target is the whole install of ``make up``."""
    text = MAKEFILE.read_text()
    up_needs, _ = make_recipe(text, "up")
    venv_needs, _ = make_recipe(text, "venv")
    assert "venv" in up_needs, "make up installs through the venv target"
    assert venv_needs == ["$(STAMP)"]
    stamp_needs, recipe = make_recipe(text, "$(STAMP)")
    assert stamp_needs == ["requirements.txt"]
    steps = "\n".join(recipe)
    assert "$(PYTHON) -m venv $(VENV)" in steps
    assert re.search(r"\$\(PY\) -m pip install .*-r requirements\.txt", steps)
    pth = next(line for line in recipe if "callsheet.pth" in line)
    assert "site.getsitepackages()[0]" in pth
    assert r"'$(CURDIR)\n$(CURDIR)/gen\n'" in pth, "the .pth names the code and gen/ by absolute path"


def test_the_build_stage_installs_by_the_makefile(build: Stage) -> None:
    """The venv is made by ``make venv`` from the Makefile and requirements.txt alone, at the code's path."""
    runs = build.all("RUN")
    make_runs = [index for index, (key, arg) in enumerate(build.instructions) if key == "RUN" and "make venv" in arg]
    assert len(make_runs) == 1, f"one `make venv` in the build stage, found in: {runs}"
    before = build.instructions[: make_runs[0]]
    copied = [shlex.split(arg)[:-1] for key, arg in before if key == "COPY"]
    sources = {source for sources in copied for source in sources if not source.startswith("--")}
    assert {"Makefile", "requirements.txt"} <= sources, "make venv sees the Makefile and the requirements"
    assert all(source in {"Makefile", "requirements.txt"} for source in sources), (
        "only the Makefile and requirements.txt precede the install, so code changes reuse its layer"
    )
    make_line = build.instructions[make_runs[0]][1]
    assert "-f" not in shlex.split(make_line), "the repository's own Makefile"
    assert not any("pip install" in run for run in runs), "no install besides the Makefile's"
    assert workdir(build).startswith("/")


def test_the_final_stage_runs_the_environment_where_it_was_built(build: Stage, final: Stage) -> None:
    """A venv and callsheet.pth name absolute paths: the code must sit at the build stage's path."""
    root = workdir(build)
    assert workdir(final) == root
    copies = [shlex.split(arg) for arg in final.all("COPY")]
    assert [f"--from={build.name}", root, root] in copies
    env = " ".join(final.all("ENV"))
    assert f"{root}/.venv/bin" in env, "python on PATH is the venv's"


def test_the_final_stage_has_no_build_tools(final: Stage) -> None:
    for run in final.all("RUN"):
        words = set(re.split(r"[\s;&|=]+", run))
        assert not words & set(BUILD_TOOLS), f"the final stage installs or runs build tools: {run}"
        assert "pip" not in words, f"the final stage installs nothing: {run}"
    assert not final.all("ADD"), "the final stage only copies what the build stage made"


def test_the_final_stage_runs_as_a_numeric_unprivileged_user(final: Stage) -> None:
    users = final.all("USER")
    assert users, "the final stage sets USER"
    user, _, group = users[-1].partition(":")
    assert user.isdigit() and int(user) > 0, f"a numeric, non-root user, not {users[-1]!r}"
    assert not group or (group.isdigit() and int(group) > 0)


def test_one_image_for_every_process(final: Stage) -> None:
    """No fixed entry point: the command (the pod's args) picks the process; the gateway by default."""
    assert not final.all("ENTRYPOINT")
    assert final.all("CMD") == ['["python", "-m", "gateway"]']


def test_nothing_is_written_at_run_time(final: Stage) -> None:
    env = " ".join(final.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "HOME=/tmp" in env, "anything a library keeps under HOME goes to the /tmp emptyDir"


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip()}
    assert {".venv", ".devstack", ".git"} <= ignored
    assert "requirements.txt" not in ignored and "Makefile" not in ignored
