"""Classification reference files: the CPC title list, IPC titles and the IPC to WIPO
technology field concordance.

- CPC title list (``cpc-section-H_20220801.txt``, also inside the official
  ``CPCTitleList*.zip``): ``symbol<TAB>dot level<TAB>title``, no header, CRLF line ends;
  section, class and subclass rows have an empty level.
  Source: https://www.cooperativepatentclassification.org/cpcSchemeAndDefinitions/bulk
- IPC titles (``A01B0001000000<TAB>title``, no header); a title that runs over several
  lines continues on lines that start with spaces and have no tab. Runs of white space
  (including the no-break spaces of the source) become one space.
- IPC to WIPO field concordance (CSV with header ``Field_number, Sector_en, Field_en,
  IPC_code, ...``; ``IPC_code`` is a SQL LIKE pattern such as ``A61K 103/%``).
  Source: WIPO IPC-Technology concordance, as shipped with PatentsView-DB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc

from warchest.classification import normalize_symbol, rank_of
from warchest.ingest.delimited import (
    CSV,
    Chunk,
    Dialect,
    Field,
    TableSpec,
    chunks_from_records,
    not_utf8,
    read_delimited,
)
from warchest.ingest.sources import iter_lines
from warchest.store import QuarantinedRow


def _ranks(table: pa.Table) -> pa.Table:
    symbols = table.column("symbol").to_pylist()
    ranks = pa.array([rank_of(s) for s in symbols], pa.string())
    return table.append_column("rank", ranks)


def _ipc_titles(table: pa.Table) -> pa.Table:
    symbols = [normalize_symbol(s) or s for s in table.column("symbol").to_pylist()]
    table = table.set_column(0, "symbol", pa.array(symbols, pa.string()))
    return _ranks(table)


def _concordance(table: pa.Table) -> pa.Table:
    pattern = table.column("ipc_pattern")
    prefix = pc.replace_substring(pc.replace_substring(pattern, " ", ""), "%", "")
    return table.append_column("ipc_prefix", prefix)


CPC_TITLES = TableSpec(
    "cpc-section",
    "cpc_titles",
    (
        Field("symbol", kind="text", not_null=True, position=0),
        Field("level", kind="int", position=1),
        Field("title", kind="text", position=2),
    ),
    dialect=Dialect("\t", quote=None, header=False),
    derive=_ranks,
    doc="CPC title list",
)

IPC_TITLES = TableSpec(
    "ipc-titles",
    "ipc_titles",
    (Field("symbol", not_null=True), Field("title")),
    derive=_ipc_titles,
    doc="IPC titles",
)

IPC_WIPO = TableSpec(
    "ipc-wipo-concordance",
    "ipc_wipo_fields",
    (
        Field("field_id", ("field_number",), "int", required=True, not_null=True),
        Field("sector", ("sector_en",)),
        Field("field_title", ("field_en",), required=True),
        Field("ipc_pattern", ("ipc_code",), required=True, not_null=True),
        Field("updated_on", ("updated_on",)),
        Field("remark", ("remark",)),
    ),
    dialect=CSV,
    derive=_concordance,
    doc="IPC to WIPO technology field concordance",
)


def read_cpc_titles(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return read_delimited(stream, CPC_TITLES, source_name)


def read_ipc_wipo(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return read_delimited(stream, IPC_WIPO, source_name)


def _ipc_title_records(
    stream: IO[bytes],
) -> Iterator[tuple[int, str, dict[str, str | None]] | QuarantinedRow]:
    current: tuple[int, str, dict[str, str | None]] | None = None
    for number, raw in enumerate(iter_lines(stream), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # quarantined, never loaded with U+FFFD
            if current is not None:
                yield current
                current = None
            yield QuarantinedRow(number, not_utf8(exc), raw.decode("utf-8", "replace"))
            continue
        if not text.strip():
            continue
        if "\t" in text:
            if current is not None:
                yield current
            symbol, _, title = text.partition("\t")
            current = (number, text, {"symbol": symbol.strip(), "title": " ".join(title.split())})
        elif text[:1].isspace() and current is not None:
            line, whole, values = current
            values["title"] = " ".join(f"{values['title']} {text}".split())
            current = (line, whole + "\n" + text, values)
        else:
            yield QuarantinedRow(number, "neither a 'symbol<TAB>title' line nor the "
                                 "continuation of a title", text)
    if current is not None:
        yield current


def read_ipc_titles(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return chunks_from_records(_ipc_title_records(stream), IPC_TITLES)
