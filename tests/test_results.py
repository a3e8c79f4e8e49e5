"""What the public functions return: frozen dataclasses with typed fields that turn into
dicts, JSON, Arrow tables, CSV and notebook HTML (every value escaped); and the command
line reads only the public API."""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import inspect
import io
import json
from pathlib import Path

import pytest

import warchest
from warchest.owners.lookup import Holding, Portfolio
from warchest.results import HTML_ROWS, Result

D = dt.date.fromisoformat
CLI = Path(warchest.__file__).parent / "cli"
_STORE_SQL = ("rows", "scalar", "query", "execute", "read_only_query", "rows_with")


def _holding(patent_id: str, title: str | None = "A title", liens: int = 0) -> Holding:
    return Holding(patent_id, title, D("2018-06-19"), "ACME INC.", "e1", D("2018-06-19"),
                   "grant", None, None, liens, "1-2" if liens else None)


def _portfolio(*patents: Holding, name: str = "ACME INC.") -> Portfolio:
    return Portfolio("e1", name, D("2025-01-01"), False, {"e1": name}, tuple(patents),
                     {"grant": len(patents)})


def test_every_public_function_returns_a_typed_result_or_a_plain_value() -> None:
    """No public function hands back an untyped dict (as 23 did before): each returns a
    Result, a number, text, a path, or a list or dict of typed values."""
    untyped = []
    for name in warchest.__all__:
        value = getattr(warchest, name)
        if inspect.isfunction(value):
            returned = str(inspect.signature(value).return_annotation)
            if "Any" in returned or returned.startswith(("dict[str, int]", "list[dict")):
                untyped.append(f"{name} -> {returned}")
    assert untyped == []


def test_every_public_result_is_a_frozen_dataclass() -> None:
    results: list[type] = [getattr(warchest, n) for n in warchest.__all__
                           if isinstance(getattr(warchest, n), type)
                           and issubclass(getattr(warchest, n), Result) and n != "Result"]
    assert len(results) >= 30
    for cls in results:
        assert dataclasses.is_dataclass(cls), cls
        assert getattr(cls, "__dataclass_params__").frozen, cls  # noqa: B009
        # its own docstring (a dataclass without one gets "Name(field, ...)")
        assert not (cls.__doc__ or f"{cls.__name__}(").startswith(f"{cls.__name__}("), cls
    held = _portfolio(_holding("1"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        held.name = "other"  # type: ignore[misc]


def test_a_portfolio_as_dict_json_arrow_and_csv() -> None:
    held = _portfolio(_holding("10232332", liens=2), _holding("9000001", None))
    table = held.to_arrow()
    # the main table: one row per patent, one column per field of a holding
    assert table.column_names == [f.name for f in dataclasses.fields(Holding)]
    assert table.num_rows == 2
    assert table.column("open_liens").to_pylist() == [2, 0]
    assert table.column("grant_date").to_pylist() == [D("2018-06-19")] * 2
    data = held.to_dict()
    assert data["patents"][0] == {
        "patent_id": "10232332", "title": "A title", "grant_date": D("2018-06-19"),
        "owner_name": "ACME INC.", "entity_id": "e1", "start_date": D("2018-06-19"),
        "via": "grant", "via_rf_id": None, "note": None, "open_liens": 2,
        "lien_rf_ids": "1-2"}
    assert data["by_via"] == {"grant": 2} and data["members"] == {"e1": "ACME INC."}
    assert json.loads(held.to_json())["as_of"] == "2025-01-01"
    out = io.StringIO()
    held.to_csv(out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [f.name for f in dataclasses.fields(Holding)]
    assert rows[1][:4] == ["10232332", "A title", "2018-06-19", "ACME INC."]
    assert rows[2][1] == ""  # no title: an empty cell


def test_an_empty_table_keeps_its_columns() -> None:
    table = _portfolio().to_arrow()
    assert table.num_rows == 0
    assert table.column_names == [f.name for f in dataclasses.fields(Holding)]


def test_hostile_names_are_escaped_in_html_and_defused_in_csv() -> None:
    evil = "<script>alert(1)</script>"
    held = _portfolio(_holding("1", "=HYPERLINK(\"http://x\")"), _holding("2", evil),
                      name=evil)
    page = held._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Portfolio" in page and "patents: 2 rows" in page
    out = io.StringIO()
    held.to_csv(out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"  # text, not a formula


def test_a_notebook_shows_the_first_rows_and_counts_the_rest() -> None:
    held = _portfolio(*(_holding(str(9_000_000 + k)) for k in range(HTML_ROWS + 5)))
    page = held._repr_html_()
    assert page.count("<td>900") == HTML_ROWS
    assert "5 more rows (to_arrow() has them all)" in page


def test_nested_results_become_plain_data() -> None:
    """A valued portfolio nests its summary; a comparison flattens each company's summary
    into one row of its table."""
    from warchest.value import (
        CompanySummary,
        PortfolioComparison,
        PortfolioSummary,
    )

    summary = PortfolioSummary(3, 2, 1, 1.5, 0.75, 1.0, 1.0, {"0-2 y": 1, "2-5 y": 1},
                               {"H04W": 2})
    compared = PortfolioComparison(D("2025-01-01"), False,
                                   (CompanySummary("e1", "ACME", summary),))
    assert compared.rows() == [{
        "entity_id": "e1", "name": "ACME", "owned": 3, "in_force": 2,
        "expired_or_lapsed": 1, "total_value": 1.5, "value_median": 0.75, "value_p90": 1.0,
        "value_max": 1.0, "remaining_life": {"0-2 y": 1, "2-5 y": 1},
        "technology_mix": {"H04W": 2}}]
    assert compared.to_dict()["companies"][0]["summary"]["in_force"] == 2
    assert compared.to_arrow().column("in_force").to_pylist() == [2]


def test_json_writes_infinity_as_text() -> None:
    from warchest.exposure import Deterrence, ThreatBalance

    found = Deterrence("B", D("2020-06-30"), ("US",), (ThreatBalance(
        "B", "A", "US", D("2020-06-30"), 1.0, 0.0, float("inf"), "one-sided", ()),))
    assert json.loads(found.to_json())["threats"][0]["ratio"] == "inf"


def test_the_command_line_imports_only_the_public_api() -> None:
    """cli/ parses, calls the public functions and formats: it imports nothing from
    warchest but the package's public names (and its own modules), and runs no SQL."""
    wrong = []
    for path in sorted(CLI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("warchest"):
                if node.module == "warchest":
                    wrong += [f"{path.name}: {a.name}" for a in node.names
                              if a.name not in warchest.__all__]
                elif not (node.module or "").startswith("warchest.cli"):
                    wrong.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Import):
                wrong += [f"{path.name}: import {a.name}" for a in node.names
                          if a.name.startswith("warchest.")]
            elif isinstance(node, ast.Attribute) and node.attr in _STORE_SQL and \
                    isinstance(node.value, ast.Name) and node.value.id == "store":
                wrong.append(f"{path.name}:{node.lineno}: store.{node.attr}")
    assert wrong == []


def test_the_public_names_are_listed_once_in_each_place() -> None:
    """warchest/__init__.py names each public name in its docstring (help(warchest)), its
    type-checking imports (for mypy and editors), its lazy-import table and __all__."""
    source = Path(warchest.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    checked: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If):  # if TYPE_CHECKING:
            for sub in node.body:
                assert isinstance(sub, ast.ImportFrom)
                checked |= {a.asname or a.name for a in sub.names}
    assert checked == set(warchest.__all__) == set(warchest._HOME)
    assert len(warchest.__all__) == len(set(warchest.__all__))


def test_a_query_keeps_its_arrow_types_and_refuses_repeated_names(tmp_path: Path) -> None:
    from warchest.errors import InputError

    path = tmp_path / "q.duckdb"
    warchest.Store(path).close()
    with warchest.Store(path, read_only=True, sandbox=True) as store:
        got = warchest.run_query(store, "SELECT MAP {'a': 1} AS m, [1, 2] AS l, "
                                        "'inf'::DOUBLE AS f")
        assert got.columns == ("m", "l", "f")
        assert str(got.to_arrow().schema.field("m").type) == "map<string, int32>"
        assert json.loads(got.to_json())["records"] == [
            {"m": [["a", 1]], "l": [1, 2], "f": "inf"}]
        with pytest.raises(InputError, match="column 'a' more than once"):
            warchest.run_query(store, "SELECT 1 AS a, 2 AS a")
