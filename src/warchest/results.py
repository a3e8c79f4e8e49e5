"""What the public functions return: frozen dataclasses with typed fields that also turn
into plain data (``to_dict``, ``to_json``), a table (``to_arrow``, ``rows``) and an HTML
summary in a notebook (``_repr_html_``).

Each result names its main table in ``TABLE`` (e.g. a portfolio's patents); ``to_arrow``
returns that table, with one column per field of its rows. Rows that come straight from
the store are dicts keyed by column name (:data:`Row`); rows warchest builds are frozen
dataclasses of their own.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Found(Result):
...     TABLE = "hits"
...     query: str
...     hits: tuple[Row, ...]
>>> found = Found("smart<phone>", ({"patent_id": "1", "score": 0.5},))
>>> found.to_arrow().column("score").to_pylist()
[0.5]
>>> "smart&lt;phone&gt;" in found._repr_html_()
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar

import pyarrow as pa

Row = dict[str, Any]
"""One row of a store table or query, keyed by column name."""

HTML_ROWS = 20
"""Rows of the main table a notebook shows (the rest are counted)."""


_SCALARS = frozenset({str, int, float, bool, dt.date, dt.datetime, Decimal, type(None)})


def plain(value: Any) -> Any:
    """``value`` as plain Python data: dataclasses and mappings as dicts, tuples and lists
    as lists, paths as text; dates, numbers, text and None unchanged."""
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Result):
            return value.to_dict()
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {_key(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def json_text(data: Any, indent: int | None = None) -> str:
    """Plain data (``plain``) as JSON the way results write it: dates as ISO text,
    infinity as "inf"."""
    return _dumps(plain(data), indent)


def _dumps(data: Any, indent: int | None) -> str:
    """Plain data as JSON; infinity and NaN (which JSON lacks) as text."""
    try:
        return json.dumps(data, indent=indent, default=_json_default, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(data), indent=indent, default=_json_default)


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        return "->".join(str(k) for k in key)
    return str(key)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # a SQL DECIMAL: a number to JSON readers
        return float(value)
    return str(value)


def _finite(value: Any) -> Any:
    """JSON has no infinity: write it as the text 'inf' (what Python reads back)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


@dataclasses.dataclass(frozen=True)
class Result:
    """Base of every result: subclasses are frozen dataclasses and set ``TABLE`` to the
    field holding their main table (a tuple of rows), or leave it empty when they have
    none (then ``to_arrow`` is one row of the scalar fields)."""

    TABLE: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain Python data (dates stay dates)."""
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict`` as JSON: dates as ISO text, infinity as "inf"."""
        return _dumps(self.to_dict(), indent)

    def rows(self) -> list[Row]:
        """The main table's rows as dicts."""
        if not self.TABLE:
            return [{k: v for k, v in self.to_dict().items() if _scalar(v)}]
        return [r if isinstance(r, dict) else plain(r) for r in getattr(self, self.TABLE)]

    def to_arrow(self) -> pa.Table:
        """The main table as an Arrow table (``.to_pandas()``, ``.to_pylist()``, Parquet;
        an empty mapping is written as null: Parquet has no empty struct)."""
        rows = [{k: None if v == {} else v for k, v in r.items()} for r in self.rows()]
        if not rows:
            return pa.table({name: pa.array([], pa.null()) for name in self._columns()})
        return pa.Table.from_pylist(rows)

    def to_csv(self, out: str | Path | IO[str]) -> None:
        """The main table as CSV (a path, or an open text file): one column per field;
        nested values as JSON; a text a spreadsheet would run as a formula written as
        text (``warchest.csvfile``)."""
        from warchest.csvfile import write_rows

        rows = self.rows()
        header = list(dict.fromkeys(k for r in rows for k in r)) or self._columns()
        cells = ([_cell(r.get(h)) for h in header] for r in rows)
        if isinstance(out, str | Path):
            with open(out, "w", newline="", encoding="utf-8") as fh:
                write_rows(fh, header, cells)
        else:
            write_rows(out, header, cells)

    def _has_table(self) -> bool:
        """Whether the result has a main table (``TABLE``, or rows of its own)."""
        return bool(self.TABLE) or type(self).rows is not Result.rows

    def _columns(self) -> list[str]:
        """The main table's columns when it has no rows (from its row type, if known)."""
        hint = self.__dataclass_fields__[self.TABLE].type if self.TABLE else ""
        row_type = str(hint).removeprefix("tuple[").split(",")[0].strip()
        found = _ROW_TYPES.get(row_type)
        return [f.name for f in dataclasses.fields(found)] if found else []

    def _repr_html_(self) -> str:
        """A notebook's view: the scalar fields, then the first rows of the main table;
        every value escaped."""
        data = self.to_dict()
        facts = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                        for k, v in data.items() if _scalar(v))
        out = [f"<div class='warchest-result'><strong>{_esc(type(self).__name__)}</strong>",
               f"<table>{facts}</table>"]
        if self._has_table():
            rows = self.rows()
            columns = list(dict.fromkeys(k for r in rows[:HTML_ROWS] for k, v in r.items()
                                         if _scalar(v)))
            head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
            body = "".join("<tr>" + "".join(f"<td>{_esc(r.get(c))}</td>" for c in columns)
                           + "</tr>" for r in rows[:HTML_ROWS])
            more = (f"<p>{len(rows) - HTML_ROWS:,} more rows (to_arrow() has them all)</p>"
                    if len(rows) > HTML_ROWS else "")
            out.append(f"<p>{_esc(self.TABLE or 'rows')}: {len(rows):,} rows</p>"
                       f"<table><tr>{head}</tr>{body}</table>{more}")
        out.append("</div>")
        return "".join(out)


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list | tuple):
        return json.dumps(_finite(plain(value)), default=_json_default, ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def _esc(value: Any) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


_T = TypeVar("_T")
_ROW_TYPES: dict[str, type] = {}


def row_type(cls: type[_T]) -> type[_T]:
    """Register a row dataclass so that an empty table still knows its columns."""
    _ROW_TYPES[cls.__name__] = cls
    return cls
