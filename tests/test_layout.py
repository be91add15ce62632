"""The package's layout draws the pipeline: stage packages whose imports point down it.

A module may import from its own layer or from a lower one (`LAYERS`, lowest first), never from
a higher one, and no import circle exists, counting the package `__init__` every import runs and
imports made only for type checking. A private name (`_x`) stays in its module.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scraper"

# Lowest first. "root" is the records, errors and small helpers at the package's top.
LAYERS = (
    "root",
    "extract",
    "dedupe",
    "config",
    "store",
    "fetch",
    "listings",
    "outputs",
    "pipeline",
    "runners",
    "commands",
    "cli",
)
STAGES = frozenset(LAYERS) - {"root", "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if module in ("scraper.cli", "scraper.__main__"):
        return "cli"
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "root"


def imports_of(module: str) -> set[str]:
    """The scraper modules `module` imports, each with the packages Python runs on the way."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                named.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
    out: set[str] = set()
    own_packages = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 2)}
    for name in named:
        parts = name.split(".")
        for i in range(2, len(parts) + 1):
            candidate = ".".join(parts[:i])
            if candidate in MODULES and candidate not in own_packages:
                out.add(candidate)
    out.discard(module)
    return out


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_layer_is_known_and_every_stage_is_a_package() -> None:
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


# Modules that act when imported, by design: the command line's entry, and the extraction
# forkserver's preload (it ties its process's life to the scraper's and freezes its heap).
ACTS_ON_IMPORT = {"scraper.__main__", "scraper.runners._forkserver_preload"}


@pytest.mark.parametrize("module", sorted(set(MODULES) - ACTS_ON_IMPORT))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_imports_point_down_the_pipeline() -> None:
    upward = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(module))
    ]
    assert upward == []


def test_no_import_circle() -> None:
    """Tarjan's strongly connected components: any with two modules or more is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert circles == []


def test_no_private_name_is_imported_from_another_module() -> None:
    crossings = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scraper"):
                crossings += [
                    f"{module}: {alias.name} from {node.module}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert crossings == []


PACKED = re.compile(r"#\s*fmt:\s*(?:skip|off)")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_CLI_LINES = 100


def test_no_code_is_packed_past_the_formatter() -> None:
    trees = [PACKAGE, PACKAGE.parent / "tests", PACKAGE.parent / "bench"]
    packed = [
        f"{path}:{number}"
        for tree in trees
        for path in sorted(tree.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PACKED.search(line)
    ]
    assert packed == []


def test_every_module_fits_in_one_head_and_the_cli_only_assembles() -> None:
    lines = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: n for name, n in lines.items() if n > MAX_MODULE_LINES} == {}
    assert lines["scraper.cli"] < MAX_CLI_LINES


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []
