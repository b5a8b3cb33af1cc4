"""The shape of the code: layers, no cycles, small modules, one registry, a short front door.

The layer of a module is the first entry of ``LAYERS`` that is a prefix of its name; a module may
import its own layer's modules and lower layers only, counting imports inside functions.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import mmbounds
from mmbounds.api import estimate

PKG = Path(mmbounds.__file__).parent
# lowest first; a module's layer is the first prefix it matches
LAYERS = [
    ("mmbounds.exceptions", "mmbounds._version", "mmbounds.info", "mmbounds._progress"),
    ("mmbounds.results",),
    ("mmbounds._validation",),
    ("mmbounds._options", "mmbounds.data"),
    ("mmbounds.marginals",),
    ("mmbounds.solvers",),
    ("mmbounds._pid",),
    ("mmbounds.bounds",),
    ("mmbounds.core",),
    ("mmbounds.raw",),
    ("mmbounds.inference",),
    ("mmbounds.api",),
    ("mmbounds.performance", "mmbounds.pretraining"),
    ("mmbounds.plotting",),
    ("mmbounds.figures",),
    ("mmbounds.cli", "mmbounds.__main__"),
    ("mmbounds",),
]
MAX_LINES = 450


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _layer(name: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        for pre in prefixes:
            if name == pre or name.startswith(pre + "."):
                return i
    raise AssertionError(f"{name} is in no layer; add it to LAYERS")


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Package modules imported anywhere in the file (function-local imports too)."""
    tree = ast.parse(path.read_text())
    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            subs = [f"{mod}.{a.name}" for a in node.names]
            # ``from pkg import module`` imports the module, not the package's other contents
            targets = subs if all(t in known for t in subs) else [mod, *subs]
        else:
            continue
        for t in targets:
            if t.startswith("mmbounds"):
                # the longest known module named by the import
                while t and t not in known:
                    t = t.rpartition(".")[0]
                if t and t != name:
                    out.add(t)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {n: _imports(n, p, known) for n, p in mods.items()}


def test_every_module_has_a_layer_and_imports_no_higher_layer():
    bad = []
    for name, deps in _graph().items():
        for dep in deps:
            if _layer(dep) > _layer(name):
                bad.append(f"{name} -> {dep}")
    assert not bad, "upward imports:\n" + "\n".join(sorted(bad))


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for d in sorted(graph[n]):
            # a package's __init__ re-exporting its own submodules is not a cycle
            if d.startswith(n + "."):
                continue
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d) :] + [d] if d in stack else [n, d])
            elif d not in state:
                visit(d, stack + [d])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert not cycles, f"import cycles: {cycles}"


def test_modules_are_small():
    long = {n: len(p.read_text().splitlines()) for n, p in _modules().items()}
    assert {n: k for n, k in long.items() if k > MAX_LINES} == {}


def test_front_door_is_short():
    sig = inspect.signature(estimate)
    assert len(sig.parameters) <= 12
    src = inspect.getsource(estimate)
    tree = ast.parse(src)
    fn = tree.body[0]
    body = fn.body[1:] if isinstance(fn.body[0].value, ast.Constant) else fn.body  # no docstring
    n_lines = body[-1].end_lineno - body[0].lineno + 1
    assert n_lines <= 80, n_lines


def test_the_registry_is_the_only_list_of_bound_names():
    """Bound names appear as string literals only where they are registered."""
    names = set(mmbounds.BOUNDS)
    registering = {
        "mmbounds.bounds._shared",
        "mmbounds.bounds._disagreement",
        "mmbounds.bounds._upper",
    }
    found = []
    for mod, path in _modules().items():
        tree = ast.parse(path.read_text())
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value in names
                and mod not in registering
            ):
                found.append((mod, node.value))
    assert not found, f"bound names outside the registry: {found}"
    # every registered name is spelled once, in a register() call (the disagreement forms build
    # theirs from one template)
    assert len(names) == len(mmbounds.BOUNDS)


def test_core_imports_without_optional_dependencies():
    import subprocess
    import sys

    code = (
        "import sys, mmbounds; mmbounds.estimate; "
        "print(sorted(m for m in ('torch', 'matplotlib', 'cvxpy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_package_attribute_hides_a_submodule():
    # ``mmbounds.solvers.broja`` was the dispatcher function re-exported by ``mmbounds.solvers``,
    # not the subpackage: ``mmbounds.solvers.broja.broja_fast`` failed with an AttributeError
    import importlib
    import pkgutil
    import types

    hidden = []
    for info in pkgutil.walk_packages(mmbounds.__path__, "mmbounds."):
        parent_name, _, child = info.name.rpartition(".")
        if child == "__main__":  # running it is the command line
            continue
        parent = importlib.import_module(parent_name)
        module = importlib.import_module(info.name)
        attr = getattr(parent, child, module)
        if attr is not module:
            hidden.append(f"{info.name} (is {type(attr).__name__})")
        assert isinstance(module, types.ModuleType)
    assert not hidden, hidden
