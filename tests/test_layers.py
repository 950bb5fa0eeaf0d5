"""The house's layering (DESIGN.md, "Rules of the house"), checked over the source.

Every import counts, inside functions too: a lower package never imports a higher one,
packages of one layer import each other without a cycle, no two modules import each
other (even through others), and Qt is imported only by the GUI and the PDF export.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "triage"

# Lowest first. A package may import packages of lower layers, and of its own layer
# without a cycle. A top-level module (`paths.py`) counts as a package of its own.
LAYERS = (
    {"triage", "schema", "hashing", "paths", "processes", "time_zones"},  # import nothing of ours
    {"case"},  # the store
    # review sits on the store and the schemes only, so plugins (whose suggestions are
    # tags) and the pipeline can write tags through it, and export and the GUI read it.
    {"evidence", "media", "similarity", "hashsets", "links", "review", "plugins"},
    {"pipeline"},
    {"export"},
    {"demo"},
    {"cli", "gui", "__main__"},
)
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}
QT_ALLOWED = ("gui/", "export/pdf.py")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SOURCE.rglob("*.py"):
        parts = ("triage",) + path.relative_to(SOURCE).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every name `name` imports (absolute; relative ones resolved), anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            # `from package import module` imports the module; any other name, the package
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return found


def _module_of(name: str) -> str | None:
    """The module of ours an imported name lives in (a package's `__init__` for a package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


GRAPH = {name: {target for target in map(_module_of, _imports(name, path))
                if target and target != name}
         for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_package_has_a_layer():
    assert {_package(name) for name in MODULES} <= set(RANK)


def test_no_package_imports_a_higher_layer():
    upward = sorted(f"{name} imports {target}" for name, targets in GRAPH.items()
                    for target in targets if RANK[_package(target)] > RANK[_package(name)])
    assert upward == []


def test_packages_import_each_other_in_one_direction():
    packages: dict[str, set[str]] = defaultdict(set)
    for name, targets in GRAPH.items():
        packages[_package(name)].update(_package(target) for target in targets)
        packages[_package(name)].discard(_package(name))
    assert _cycles(packages) == []


def test_no_module_cycle():
    assert _cycles(GRAPH) == []


def test_qt_only_in_the_gui_and_pdf_export():
    using_qt = sorted(name for name, path in MODULES.items()
                      if not path.relative_to(SOURCE).as_posix().startswith(QT_ALLOWED)
                      and any(imported.split(".")[0] in ("PySide6", "shiboken6")
                              for imported in _imports(name, path)))
    assert using_qt == []


def test_the_store_holds_no_review_logic():
    """case/ is the store: what examiners do and what views read lives in review/."""
    modules = {name.rpartition(".")[2] for name in MODULES if name.startswith("triage.case.")}
    assert not modules & {"tags", "gallery", "queries", "segments", "commands"}


def test_migrations_import_nothing_of_ours_outside_the_store():
    for name, targets in GRAPH.items():
        if ".migrations." in name:
            assert {_package(target) for target in targets} <= {"case"}, name
