"""numpy-style docstrings on the public API (STYLE.md §4).

A public object is a function or class defined in ``mmbounds`` whose name (no leading underscore)
is listed in some module's ``__all__`` (package ``__init__`` re-exports included), together with
the public methods and properties its class defines. For each one:

(a) it has a docstring;
(b) a function or method with parameters (besides ``self``/``cls`` and ``_private`` ones) has a
    ``Parameters`` section naming each of them (``*args``/``**kwargs`` and grouped names
    ``a, b : ...`` allowed), and names no parameter it does not have;
(c) it has a ``Returns`` (or ``Yields``) section unless it returns None (read from the return
    annotation, else from the source: a ``return <value>`` or a ``yield``); properties are exempt;
(d) no line is broken mid-sentence: a prose line that does not end a sentence, followed by a line of
    the same indentation whose first word (or whole leading code span) would have fitted on it
    with room to spare, or a line ending inside a ````code```` span. Module docstrings are checked
    for (d) too.

Besides, (e) every function and class that a public namespace exports (``mmbounds`` and each
module without an underscore in its dotted name, by its ``__all__``; exceptions and warnings
excepted) has an ``Examples`` section with a doctest, which ``pytest --doctest-modules`` runs.

A class with many one-line operations (the array namespaces) may list them in a numpydoc
``Methods`` section instead; a method named there needs no docstring of its own.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

import mmbounds

# Modules other engineers are rewriting now; their docstrings are fixed after those branches merge.
# A module is skipped when its dotted name equals an entry or starts with an entry followed by ".".
PENDING: set[str] = set()

LINE_LIMIT = 100  # [tool.ruff] line-length
SLACK = 15  # a continuation is "broken" only if its first word fits with this many columns left
SECTION_NAMES = {
    "Parameters",
    "Other Parameters",
    "Returns",
    "Yields",
    "Raises",
    "Warns",
    "See Also",
    "Notes",
    "References",
    "Examples",
    "Attributes",
    "Methods",
}
_SENTENCE_END = (".", ":", ";", "?", "!")
# list items and numpydoc entries (``name : type``, ``a, b : type``) are not prose continuations
_ITEM = re.compile(r"^([-*+] |\d+[.)] |\(\w\) |\**\w+(, \**\w+)* : )")


def _pending(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in PENDING)


def _modules() -> Iterator[Any]:
    yield mmbounds
    for info in pkgutil.walk_packages(mmbounds.__path__, "mmbounds."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def public_objects(*, include_pending: bool = False) -> dict[str, Any]:
    """``{"module.qualname": object}`` for every public function, class, method and property."""
    found: dict[int, tuple[str, Any]] = {}
    for mod in _modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("mmbounds"):
                continue
            if not include_pending and _pending(obj.__module__):
                continue
            found.setdefault(id(obj), (f"{obj.__module__}.{obj.__qualname__}", obj))
    out = dict(found.values())
    for qual, obj in list(out.items()):
        if not inspect.isclass(obj):
            continue
        listed = _documented_names(_sections(obj.__doc__ or "").get("Methods", []))
        for attr, member in vars(obj).items():
            if attr.startswith("_") or attr in listed:
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if inspect.isfunction(member) or isinstance(member, property):
                out[f"{qual}.{attr}"] = member
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------------
# parsing


def _sections(doc: str) -> dict[str, list[str]]:
    """Section title -> its body lines (the cleaned docstring; "" holds the text before any)."""
    lines = inspect.cleandoc(doc).splitlines()
    out: dict[str, list[str]] = {"": []}
    current = ""
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        under = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if title in SECTION_NAMES and under and set(under) == {"-"}:
            current = title
            out.setdefault(current, [])
            i += 2
            continue
        out[current].append(lines[i])
        i += 1
    return out


def _documented_names(body: list[str]) -> set[str]:
    """Names of the entries of a section (``a, b : type``: ``a`` and ``b``; ``f(x)``: ``f``)."""
    text = [ln for ln in body if ln.strip()]
    if not text:
        return set()
    base = min(len(ln) - len(ln.lstrip()) for ln in text)
    names: set[str] = set()
    for ln in text:
        if len(ln) - len(ln.lstrip()) != base:
            continue
        head = re.sub(r"\([^)]*\)", "", ln.strip().split(" : ", 1)[0].rstrip(":"))
        for part in head.split(","):
            part = part.strip().lstrip("*")
            if part.isidentifier():
                names.add(part)
    return names


def _parameters(fn: Any) -> list[str]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return []
    names = list(sig.parameters)
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return [n for n in names if not n.startswith("_")]  # private keywords are internal


def _returns_value(fn: Any) -> bool:
    """Whether ``fn`` returns something other than None."""
    ann = fn.__annotations__.get("return", inspect.Signature.empty)
    if ann is not inspect.Signature.empty:
        return ann not in (None, "None", "NoReturn", "Never")
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):  # pragma: no cover - no source
        return True
    body = tree.body[0]
    for node in ast.walk(body):
        if node is not body and isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
        ):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                return True
    return False


def _prose_lines(doc: str) -> list[tuple[int, str]]:
    """(column width in the source, text) of each line that is prose: no doctest, no literal block.

    Lines of doctests and their output, literal blocks after ``::`` and section underlines become
    ``(0, "")`` so that they separate paragraphs.
    """
    raw = doc.expandtabs().splitlines()
    rest = [ln for ln in raw[1:] if ln.strip()]
    indent = min((len(ln) - len(ln.lstrip()) for ln in rest), default=0)
    out: list[tuple[int, str]] = []
    in_doctest = False
    literal_indent: int | None = None
    for i, ln in enumerate(raw):
        width = len(ln) + (indent + 3 if i == 0 else 0)  # the first line follows the quotes
        text = ln.strip()
        ind = len(ln) - len(ln.lstrip())
        if not text:
            in_doctest = False
            out.append((0, ""))
            continue
        if literal_indent is not None:
            if ind > literal_indent:
                out.append((0, ""))
                continue
            literal_indent = None
        if text.startswith(">>>") or in_doctest or set(text) <= {"-", "="}:
            in_doctest = in_doctest or text.startswith(">>>")
            out.append((0, ""))
            continue
        out.append((width, text))
        if text.endswith("::"):
            literal_indent = ind
    # remember each line's indentation for the same-paragraph test
    return [
        (w, t if not t else " " * (len(r) - len(r.lstrip())) + t) for (w, t), r in zip(out, raw)
    ]


def broken_lines(doc: str) -> list[str]:
    """The lines of ``doc`` broken mid-sentence or inside a code span (criterion (d))."""
    found = []
    lines = _prose_lines(doc)
    for (width, line), (_, nxt) in zip(lines, lines[1:] + [(0, "")]):
        text = line.strip()
        if not text:
            continue
        if text.count("``") % 2:
            found.append(f"code span split across lines: {text!r}")
            continue
        if not nxt.strip() or text.endswith(_SENTENCE_END) or _ITEM.match(text):
            continue
        ind = len(line) - len(line.lstrip())
        if len(nxt) - len(nxt.lstrip()) != ind:
            continue
        if _ITEM.match(nxt.strip()) or "   " in text or "   " in nxt.strip():
            continue  # an item, or an aligned table
        word = nxt.split()[0]
        if word.startswith("``"):  # a code span moves as a whole
            end = nxt.strip().find("``", 2)
            word = nxt.strip()[: end + 2] if end > 0 else nxt.strip()
        if width + 1 + len(word) <= LINE_LIMIT - SLACK:
            found.append(f"line broken mid-sentence: {text!r} / {nxt.strip()!r}")
    return found


def problems(obj: Any) -> list[str]:
    """Every finding of criteria (a)-(d) for one public object."""
    doc = obj.__doc__ if isinstance(obj, property) else inspect.getdoc(obj)
    if isinstance(obj, property) and obj.__doc__ is None and obj.fget is not None:
        doc = obj.fget.__doc__
    if not doc or not doc.strip():
        return ["no docstring"]
    raw = obj.__doc__ if obj.__doc__ else doc
    found = broken_lines(raw)
    if inspect.isfunction(obj):
        secs = _sections(doc)
        params = _parameters(obj)
        if params:
            if "Parameters" not in secs:
                found.append(f"no Parameters section (parameters: {', '.join(params)})")
            else:
                named = _documented_names(secs["Parameters"] + secs.get("Other Parameters", []))
                missing = [p for p in params if p not in named]
                extra = sorted(n for n in named - set(params) if not n.startswith("_"))
                if missing:
                    found.append(f"Parameters does not name: {', '.join(missing)}")
                if extra:
                    found.append(f"Parameters names what is not a parameter: {', '.join(extra)}")
        if _returns_value(obj) and not ({"Returns", "Yields"} & secs.keys()):
            found.append("no Returns section")
    return found


# ---------------------------------------------------------------------------------------------
# tests


def test_public_docstrings() -> None:
    report = [f"{name}: {p}" for name, obj in public_objects().items() for p in problems(obj)]
    assert not report, f"{len(report)} docstring findings:\n" + "\n".join(report)


def namespace_objects() -> dict[str, Any]:
    """``{"namespace.name": object}`` for the functions and classes of the public namespaces.

    A public namespace is ``mmbounds`` or one of its modules with no underscore-prefixed part in
    its dotted name; its objects are those its ``__all__`` names (each object once, under the
    first namespace found). Exceptions and warnings are left out.
    """
    found: dict[int, tuple[str, Any]] = {}
    for mod in _modules():
        parts = mod.__name__.split(".")[1:]
        if any(p.startswith("_") for p in parts) or _pending(mod.__name__):
            continue
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            if not getattr(obj, "__module__", "").startswith("mmbounds"):
                continue
            if not _pending(obj.__module__):
                found.setdefault(id(obj), (f"{mod.__name__}.{name}", obj))
    return dict(found.values())


def has_examples(obj: Any) -> bool:
    """Whether the docstring of ``obj`` has an ``Examples`` section holding a doctest."""
    body = _sections(inspect.getdoc(obj) or "").get("Examples", [])
    return any(line.lstrip().startswith(">>>") for line in body)


def test_public_namespaces_have_examples() -> None:
    """Criterion (e): every public function and class shows its use in a doctest."""
    objects = namespace_objects()
    assert len(objects) > 100, sorted(objects)  # the walk reached the namespaces
    missing = sorted(name for name, obj in objects.items() if not has_examples(obj))
    assert not missing, f"{len(missing)} without an Examples section:\n" + "\n".join(missing)


def test_module_docstrings_are_not_broken() -> None:
    report = [
        f"{mod.__name__}: {p}"
        for mod in _modules()
        if not _pending(mod.__name__)
        for p in broken_lines(mod.__doc__ or "")
    ]
    assert not report, f"{len(report)} module docstring findings:\n" + "\n".join(report)


def test_bound_functions_from_the_template_pass() -> None:
    from mmbounds import bounds

    assert bounds.BOUND_FUNCTIONS
    for name in bounds.BOUND_FUNCTIONS:
        assert problems(getattr(bounds, name)) == [], name


def _sample(*, a: int, b: int = 0) -> int:
    """Sum of two numbers.

    Parameters
    ----------
    a, b : int
        The numbers; this description
        wraps at a column far below the limit.

    Returns
    -------
    int
        ``a +
        b``.
    """
    return a + b


def _no_sections(x: int) -> int:
    """Twice ``x``."""
    return 2 * x


def _none(x: int) -> None:
    """Nothing.

    Parameters
    ----------
    x : int
        Ignored.

    Examples
    --------
    >>> _none(1)
    >>> print("a line of output that is short and
    ... continues")  # doctest: +SKIP
    """


@pytest.mark.parametrize(
    "fn, expected",
    [
        (_sample, ["line broken mid-sentence", "code span split", "code span split"]),
        (_no_sections, ["no Parameters section", "no Returns section"]),
        (_none, []),
    ],
    ids=["broken", "bare", "clean"],
)
def test_checker_finds_what_it_should(fn: Any, expected: list[str]) -> None:
    found = problems(fn)
    assert len(found) == len(expected), found
    for got, want in zip(found, expected):
        assert got.startswith(want), found


def test_examples_checker() -> None:
    assert has_examples(_none)
    assert not has_examples(_sample) and not has_examples(_no_sections)


def test_checker_reads_grouped_and_starred_names() -> None:
    body = ["p_x1y, p_x2y : ndarray", "    Tables.", "*args, **kwargs", "    Passed on."]
    assert _documented_names(body) == {"p_x1y", "p_x2y", "args", "kwargs"}


def test_pending_modules_exist() -> None:
    """A PENDING entry that names no module is stale: remove it."""
    names = {mod.__name__ for mod in _modules()}
    for entry in PENDING:
        assert any(n == entry or n.startswith(entry + ".") for n in names), entry
