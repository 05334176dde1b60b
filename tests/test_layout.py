"""The plan of the code (docs/architecture.md): imports run one way, and no
module outgrows what one reader can hold."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("careers", "portal", "bench")
MAX_LINES = 400
# The benchmark's modules import each other as top-level names.
BENCH_TOP = ("benchmark", "run", "audit")


def project_modules():
    """{dotted name: path} of every project module but tests and migrations."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "results" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported(name, path, modules):
    """The project modules that module `name` imports, at any level (function
    bodies included), but for those under `if TYPE_CHECKING:`, which never run:
    a queryset may name its model in an annotation, as the model names it."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(), str(path))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for child in node.body
        for inner in ast.walk(child)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            elif name.startswith("bench.") and base.split(".")[0] in BENCH_TOP:
                base = f"bench.{base}"  # bench/ runs with itself on sys.path
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        found |= {target for target in targets if target in modules}
    found.discard(name)
    return found


def cycle(graph):
    """One import cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for other in sorted(graph[node]):
            if state.get(other) == "open":
                return [*stack[stack.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def import_graph():
    modules = project_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def test_no_module_imports_itself_back():
    """No import cycle among the project's modules, function-level imports
    included: a package's __init__ may import its own modules, nothing else
    comes back."""
    graph = {
        name: {
            other
            for other in imports
            # A package importing its own modules is how packages work.
            if not other.startswith(f"{name}.")
        }
        for name, imports in import_graph().items()
    }
    assert cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_plumbing_and_leaves_never_import_the_domain():
    """portal/'s plumbing knows nothing of careers (its urls wire the site
    together), and careers.shape imports nothing of the project: anything may
    import them."""
    graph = import_graph()
    for name, imports in graph.items():
        if name.startswith("portal") and name != "portal.urls":
            assert not {i for i in imports if i.startswith("careers")}, name
    assert graph["careers.shape"] == set()


def line_count(path):
    return len(path.read_text().splitlines())


@pytest.mark.parametrize(
    "path",
    [
        path
        for path in project_modules().values()
        # Word tables are data, kept in modules named for it.
        if not path.name.startswith("vocabulary")
    ],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_modules_stay_small(path):
    """Every module but tests, migrations and word tables is at most 400
    lines: a module that grows past it is split by role."""
    assert line_count(path) <= MAX_LINES
