"""The package's public names are imported when first used: the generator and the CLI's
light commands do not load DuckDB, and every public name still resolves."""

from __future__ import annotations

import subprocess
import sys

import pytest

import warchest


def test_importing_the_generator_does_not_load_duckdb() -> None:
    code = ("import sys, warchest.synth; "
            "print('duckdb' in sys.modules, 'warchest.store' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "False"]


def test_every_public_name_resolves_to_its_module_object() -> None:
    from warchest.ingest import load_patentsview
    from warchest.store import Store
    assert warchest.Store is Store and warchest.load_patentsview is load_patentsview
    for name in warchest.__all__:
        assert getattr(warchest, name) is not None, name
    assert set(warchest.__all__) <= set(dir(warchest))


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'no_such_thing'"):
        warchest.no_such_thing  # noqa: B018


def test_help_lists_every_capability_with_a_summary() -> None:
    """`help(warchest)` is the map of the product: every public name appears in the
    package docstring with a one-line summary, and every public function or class has its
    own docstring."""
    doc = warchest.__doc__ or ""
    listed = {line.split()[0] for line in doc.splitlines()
              if line.startswith("    ") and not line.startswith("     ") and line.split()}
    assert set(warchest.__all__) <= listed, set(warchest.__all__) - listed
    for name in warchest.__all__:
        value = getattr(warchest, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name
    for capability in ("resolve_owners", "portfolio", "compute_values", "map_technology",
                       "compute_exposure", "deterrence", "plan_deal", "cross_licence",
                       "generate_world", "run_demo"):
        assert capability in warchest.__all__
    assert "REST API" not in doc  # nothing promised that does not exist yet


def test_one_error_tree_and_no_bare_base_class_raise() -> None:
    """Every warchest error is a class of warchest.errors (one tree: input, not found, a
    missing step, the file, the machine), and no code raises the base class itself."""
    import ast
    import importlib
    import pkgutil
    from pathlib import Path

    from warchest.errors import NotComputed, NotResolved, WarchestError

    for module in pkgutil.walk_packages(warchest.__path__, "warchest."):
        importlib.import_module(module.name)
    seen, todo = set(), [WarchestError]
    while todo:
        cls = todo.pop()
        seen.add(cls)
        todo.extend(c for c in cls.__subclasses__() if c not in seen)
    assert {c.__module__ for c in seen} == {"warchest.errors"}, \
        sorted(f"{c.__module__}.{c.__name__}" for c in seen if c.__module__ != "warchest.errors")
    bare = []
    for path in Path(warchest.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    getattr(node.exc.func, "id", None) == "WarchestError":
                bare.append(f"{path.name}:{node.lineno}")
    assert bare == []
    # a missing step says which command runs it, worded in one place
    assert str(NotComputed()) == ("values are not computed yet: run `warchest value "
                                  "--compute` first")
    assert str(NotResolved()) == ("owners are not resolved in this store yet: run `warchest "
                                  "owners resolve` first")
