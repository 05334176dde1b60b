"""The plumbing in portal/ never imports the domain: imports run one way."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# The project's wiring, which names the apps it serves.
WIRING = {"settings.py", "urls.py"}


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_the_plumbing_imports_nothing_from_careers():
    """Not even inside a function: the page cache reads the content version
    through the PAGE_CACHE_VERSION_SOURCE setting instead."""
    modules = sorted(path for path in PORTAL.rglob("*.py") if path.name not in WIRING)
    assert any(path.parent.name == "pagecache" for path in modules)
    offending = {
        str(path.relative_to(PORTAL)): module
        for path in modules
        for module in imported_modules(path)
        if module == "careers" or module.startswith("careers.")
    }
    assert offending == {}
