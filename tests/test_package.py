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
