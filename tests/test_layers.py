"""The layers of docs/architecture.md, enforced: no package imports one above it, no
package cycles, PySide6 only in kiosk_ui. An AST walk over every import, including those
inside functions and TYPE_CHECKING blocks (a lazy import is still a dependency)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Each package and the packages it may import (besides itself and third-party code).
FOUNDATION = {"kiosk_core"}
DEVICES = FOUNDATION | {"devices"}
DOMAIN = DEVICES  # identity, receipts, o2o_sync, video_teller, bank_host: siblings, none
# imports another
FLOWS = DOMAIN | {"identity", "receipts", "o2o_sync", "video_teller", "bank_host", "esign",
                  "fleet", "voice"}
ALLOWED: dict[str, set[str]] = {
    "kiosk_core": set(),
    "devices": FOUNDATION,
    "identity": DOMAIN,
    "receipts": DOMAIN,
    "o2o_sync": DOMAIN,
    "video_teller": DOMAIN,
    "bank_host": DOMAIN,
    "esign": FOUNDATION,
    "fleet": DOMAIN,
    "voice": DOMAIN,
    "technician": FLOWS | {"fleet"},
    "customer_flows": FLOWS,
    "demo": FLOWS | {"customer_flows"},
    "kiosk_ui": FLOWS | {"customer_flows", "demo", "technician"},
    "kiosk_app": FLOWS | {"customer_flows", "demo", "technician", "kiosk_ui"},
}
QT = ("PySide6", "shiboken6")
QT_PACKAGES = {"kiosk_ui"}


def _imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if path.name == "__init__.py" else 0)]
                yield node.lineno, ".".join([*base, node.module or ""]).rstrip(".")
            elif node.module:
                yield node.lineno, node.module


def violations(root: Path = ROOT) -> list[str]:
    found: list[str] = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            for line, name in _imports(path, root):
                top = name.split(".")[0]
                where = f"{path.relative_to(root)}:{line}"
                if top in ALLOWED and top != package and top not in allowed:
                    found.append(f"{where}: {package} imports {name} (a layer above or beside it)")
                if top in QT and package not in QT_PACKAGES:
                    found.append(f"{where}: {package} imports {name} (Qt only in kiosk_ui)")
    return found


def package_graph(root: Path = ROOT) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {p: set() for p in ALLOWED}
    for package in ALLOWED:
        for path in (root / package).rglob("*.py"):
            for _, name in _imports(path, root):
                top = name.split(".")[0]
                if top in ALLOWED and top != package:
                    graph[package].add(top)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each package that can reach itself (sorted, deduplicated)."""
    out: list[list[str]] = []
    for start in sorted(graph):
        paths = [[start]]
        seen = {start}
        while paths:
            path = paths.pop(0)
            for nxt in sorted(graph.get(path[-1], ())):
                if nxt == start:
                    cycle = [*path, start]
                    if sorted(cycle[:-1]) not in [sorted(c[:-1]) for c in out]:
                        out.append(cycle)
                    paths = []
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    paths.append([*path, nxt])
    return out


def test_no_package_imports_a_layer_above_it() -> None:
    assert violations() == []


def test_no_package_cycles() -> None:
    assert cycles(package_graph()) == []


def test_every_package_has_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"tests", "bench"} <= set(ALLOWED), "add the new package to ALLOWED"


@pytest.mark.parametrize(("package", "source", "expected"), [
    ("devices", "from customer_flows.checkin import CheckinService\n",
     "devices imports customer_flows"),
    ("kiosk_core", "def f():\n    from devices.base import Device\n", "kiosk_core imports devices"),
    ("receipts", "import o2o_sync.aio\n", "receipts imports o2o_sync"),
    ("identity", "from PySide6.QtGui import QImage\n", "Qt only in kiosk_ui"),
    ("kiosk_ui", "from kiosk_app.config import load_config\n", "kiosk_ui imports kiosk_app"),
])
def test_a_planted_forbidden_import_fails(tmp_path: Path, package: str, source: str,
                                          expected: str) -> None:
    # A copy of the tree's layout with one planted file: the same check must name it.
    for p in ALLOWED:
        (tmp_path / p).mkdir()
        (tmp_path / p / "__init__.py").write_text("")
    (tmp_path / package / "planted.py").write_text(source)
    found = violations(tmp_path)
    assert len(found) == 1 and expected in found[0] and "planted.py" in found[0]


def test_a_planted_cycle_is_found() -> None:
    graph = {p: set() for p in ALLOWED}
    graph["identity"].add("devices")
    graph["devices"].add("identity")
    assert ["devices", "identity", "devices"] in cycles(graph)


def test_the_real_tree_fails_with_a_planted_file(tmp_path: Path) -> None:
    """End to end on the checkout: plant a forbidden import, run this test file, see it fail."""
    planted = ROOT / "devices" / "_planted_layer_check.py"
    planted.write_text("from kiosk_ui import app  # planted by tests/test_layers.py\n")
    try:
        proc = subprocess.run(
            [sys.executable, __file__],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        planted.unlink()
    assert proc.returncode == 1, textwrap.shorten(proc.stdout, 400)
    assert "_planted_layer_check.py:1: devices imports kiosk_ui" in proc.stdout


if __name__ == "__main__":  # python tests/test_layers.py: list what breaks the layers
    problems = violations() + [" -> ".join(c) for c in cycles(package_graph())]
    print("\n".join(problems) or "layers ok")
    sys.exit(1 if problems else 0)
