"""No duration is added to an instant outside `domain/zones.py`.

`aware + timedelta` in Python adds wall-clock time in the datetime's own zone and ignores the
fold: an hour off across a daylight-saving change. The helpers in domain/zones.py compute in
UTC; this test finds `+`/`-` with a timedelta operand anywhere else in the product code (a
`timedelta(...)` call, a constant or attribute assigned one, a parameter annotated with it).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["bot.py", "blocks", "domain", "handlers", "infra", "jobs", "services", "storage", "tripdesk"]
HELPERS = ROOT / "domain" / "zones.py"


def _sources() -> list[Path]:
    files: list[Path] = []
    for name in PRODUCT:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if f != HELPERS and "migrations" not in f.parts]


def _is_timedelta_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "timedelta"


def _timedelta_names(trees: list[ast.Module]) -> set[str]:
    """Names that hold a timedelta wherever they appear: assigned a timedelta(...) call, or a
    parameter or attribute annotated `timedelta`."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_timedelta_call(node.value):
                names |= {t.id if isinstance(t, ast.Name) else getattr(t, "attr", "") for t in node.targets}
            elif isinstance(node, (ast.arg, ast.AnnAssign)) and "timedelta" in ast.unparse(
                node.annotation or ast.Pass()
            ):
                target = node.arg if isinstance(node, ast.arg) else ast.unparse(node.target).split(".")[-1]
                names.add(target)
    return names - {""}


def offenders(files: list[Path]) -> list[str]:
    trees = {f: ast.parse(f.read_text(), str(f)) for f in files}
    held = _timedelta_names(list(trees.values()))

    def is_duration(node: ast.AST) -> bool:
        if _is_timedelta_call(node):
            return True
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        return name in held

    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
                # One duration and something else: an instant or a date moved by it. (Two
                # durations added together are just a longer duration.)
                if is_duration(node.left) != is_duration(node.right):
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                    found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_durations_are_added_only_by_the_zone_helpers():
    assert offenders(_sources()) == [], "use domain.zones.later/earlier/add_days/start_of_day instead"


def test_the_check_finds_wall_clock_arithmetic(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from datetime import timedelta\n"
        "LEAD = timedelta(hours=1)\n"
        "def due(start, lease: timedelta):\n"
        "    a = start - LEAD\n"
        "    b = start + timedelta(minutes=5)\n"
        "    return start + lease, a, b, lease + LEAD\n"
    )
    assert len(offenders([sample])) == 3
