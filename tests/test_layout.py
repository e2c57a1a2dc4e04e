"""The shape of the code (docs/development.md): stages as packages whose imports run one way, checked
by import-linter's contract in pyproject.toml; and each package used by the others only through its
public face (its `__init__`), never through its submodules or private names."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from catalogue.settings import PROJECT_DIR

PACKAGE = PROJECT_DIR / "catalogue"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def packages(root: Path = PACKAGE) -> set[str]:
    return {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}


def trespasses(source: str, module: str, pkgs: set[str]) -> list[str]:
    """The imports in `source` (the module `catalogue.<...>`) that reach into another package:
    a submodule of it, or a private name of it."""
    parts = module.split(".")
    own = parts[1] if len(parts) > 2 and parts[1] in pkgs else None
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            target = node.module.split(".")
            if target[0] != "catalogue" or len(target) < 2 or target[1] not in pkgs or target[1] == own:
                continue
            if len(target) > 2:
                found.append(f"{module}:{node.lineno} imports from {node.module}, inside catalogue.{target[1]}")
            found += [f"{module}:{node.lineno} imports the private name {alias.name} of {node.module}"
                      for alias in node.names if alias.name.startswith("_")]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name.split(".")
                if target[0] == "catalogue" and len(target) > 2 and target[1] in pkgs and target[1] != own:
                    found.append(f"{module}:{node.lineno} imports {alias.name}, inside catalogue.{target[1]}")
    return found


def test_no_module_reaches_into_another_package() -> None:
    pkgs = packages()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts)
        found += trespasses(path.read_text("utf-8"), module, pkgs)
    assert not found, "use the package's public face (its __init__):\n" + "\n".join(found)


@pytest.mark.parametrize(("source", "module", "expected"), [
    ("from catalogue.search.index import search", "catalogue.web.routes", 1),
    ("import catalogue.cutting.jobs", "catalogue.cli.commands", 1),
    ("from catalogue.cutlist import _Checker", "catalogue.lessons.pack", 1),
    ("from catalogue.search import search", "catalogue.web.routes", 0),
    ("from catalogue.search.analysis import stem", "catalogue.search.index", 0),  # inside its own package
    ("from catalogue.model import Clip", "catalogue.cutting.jobs", 0),  # the core is not a package
])
def test_trespasses_finds_what_crosses_a_package(source: str, module: str, expected: int) -> None:
    assert len(trespasses(source, module, {"search", "cutting", "cutlist", "web", "cli", "lessons"})) == expected


def test_every_package_face_exports_what_it_imports() -> None:
    for name in sorted(packages()):
        face = __import__(f"catalogue.{name}", fromlist=["__all__"])
        missing = [n for n in getattr(face, "__all__", ()) if not hasattr(face, n)]
        assert not missing, f"catalogue.{name}.__all__ names what it does not have: {missing}"


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(project / "pyproject.toml")],
                          cwd=project, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)})


@pytest.mark.skipif(not LINT_IMPORTS.is_file(), reason="import-linter is not installed (pip install -e '.[test]')")
def test_the_stages_import_downwards_only() -> None:
    result = lint_imports(PROJECT_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.skipif(not LINT_IMPORTS.is_file(), reason="import-linter is not installed (pip install -e '.[test]')")
def test_the_contract_breaks_when_a_stage_imports_upwards(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "catalogue", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_DIR / "pyproject.toml", tmp_path)
    checker = tmp_path / "catalogue" / "cutlist" / "checker.py"
    checker.write_text(checker.read_text("utf-8") + "\nimport catalogue.web  # a cut list that knows the site\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "catalogue.cutlist.checker -> catalogue.web" in result.stdout


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every direct import a -> b for which b also leads back to a (a cycle through them)."""
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                found.append((module, *back))
    return found


def test_no_import_cycle_anywhere() -> None:
    graph = grimp.build_graph("catalogue", exclude_type_checking_imports=True)
    assert not cycles(graph), "\n".join(" -> ".join(cycle) for cycle in cycles(graph))


def test_cycles_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph)[0] == ("p.a", "p.b", "p.c", "p.a")
    graph.remove_import(importer="p.c", imported="p.a")
    assert cycles(graph) == []
