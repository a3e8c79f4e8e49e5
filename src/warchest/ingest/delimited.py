"""Streaming reader for delimited bulk tables (TSV/CSV), with per-row quarantine.

How a file is read:

1. The header (first line) is parsed and each store column is matched to a header *name*
   (several accepted spellings per column; extra columns are ignored; a missing required
   column is a :class:`~warchest.errors.MissingColumns` error).
2. The byte stream is cut into blocks of a few MB that end at a record boundary (a newline
   outside quotes), so memory is bounded by the block size, not by the file.
3. Each block is parsed by Arrow's CSV parser (multi-threaded, RFC 4180 quoting with doubled
   quotes, quoted newlines allowed). Rows with the wrong number of fields are set aside.
4. Each column is converted to its type (:mod:`warchest.ingest.convert`); a row with a value
   that does not convert, or without a required value, is set aside.
5. Rows set aside are quarantined with their line number, raw text and reason; the rest go
   to the store. ``rows read = rows loaded + rows quarantined`` for every file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from warchest.errors import BadInputFile, MissingColumns
from warchest.ingest.convert import CONVERTERS, DESCRIPTIONS, STORE_KINDS
from warchest.ingest.sources import MAX_RECORD, record_too_long
from warchest.store import QuarantinedRow
from warchest.store.schema import ARROW_TYPES

BLOCK_SIZE = 16 << 20
MAX_STEP_BACK = 1 << 20


@dataclass(frozen=True)
class Dialect:
    delimiter: str = "\t"
    quote: str | None = '"'
    header: bool = True
    """False for headerless formats: fields are then matched by position (``Field.position``)."""


TSV = Dialect("\t")
CSV = Dialect(",")


@dataclass(frozen=True)
class Field:
    """One store column and the header names it may come from."""

    column: str
    headers: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False
    """The header must have the column (else the whole file is refused)."""
    not_null: bool = False
    """Every row needs a value (else the row is quarantined)."""
    position: int | None = None
    """Field index, for headerless formats only."""

    def accepted(self) -> tuple[str, ...]:
        return self.headers or (self.column,)


@dataclass(frozen=True)
class Also:
    """A second store table fed from the same rows (e.g. abstracts inside a patent table)."""

    table: str
    columns: tuple[str, ...]
    when_present: str


@dataclass(frozen=True)
class TableSpec:
    """How one bulk table maps onto one store table."""

    name: str
    target: str
    fields: tuple[Field, ...]
    file_names: tuple[str, ...] = ()
    dialect: Dialect = TSV
    derive: Callable[[pa.Table], pa.Table] | None = None
    also: tuple[Also, ...] = ()
    record_key: tuple[str, ...] = ()
    doc: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.file_names)


@dataclass
class Chunk:
    """What one block of a file produced."""

    outputs: dict[str, pa.Table]
    quarantined: list[QuarantinedRow]
    rows_read: int
    bytes_done: int


# --------------------------------------------------------------------------- header
_QUOTED_NAME = re.compile(r'^[^"]*"(.*)"\s*$')


def clean_header_name(cell: str) -> str:
    """Normalise one header cell: strip a byte-order mark, spaces and surrounding quotes
    (also a stray character before them, as in the legacy ``x"id"``), lower-case."""
    name = cell.replace("\ufeff", "").strip()
    m = _QUOTED_NAME.match(name)
    if m:
        name = m.group(1)
    return name.strip().lower()


def parse_header(line: bytes, dialect: Dialect) -> list[str]:
    if line.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInputFile("the file is UTF-16 text; save it as UTF-8")
    try:
        text = line.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise BadInputFile("the header line is not UTF-8 text") from None
    if "\r" in text:
        raise BadInputFile("the header line holds a carriage return: the file's lines end "
                           "with CR only (old Mac line ends; convert them to LF or CRLF), or "
                           "a stray CR sits inside the header")
    if "\x00" in text:
        raise BadInputFile("the header line holds NUL bytes: this is not a text table")
    if dialect.quote:
        try:
            cells = next(csv.reader([text], delimiter=dialect.delimiter,
                                    quotechar=dialect.quote))
        except csv.Error as exc:
            raise BadInputFile(f"the header line cannot be read: {exc}") from None
    else:
        cells = text.split(dialect.delimiter)
    return [clean_header_name(c) for c in cells]


def map_columns(spec: TableSpec, header: list[str], source_name: str) -> dict[str, int]:
    """Store column -> index in the file, by header name."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)
    mapping: dict[str, int] = {}
    missing: list[str] = []
    for f in spec.fields:
        found = next((index[h] for h in f.accepted() if h in index), None)
        if found is not None:
            mapping[f.column] = found
        elif f.required:
            alts = f.accepted()
            missing.append(alts[0] + (f" (or {', '.join(alts[1:])})" if len(alts) > 1 else ""))
    if missing:
        raise MissingColumns(
            f"{source_name} lacks required column(s) {', '.join(missing)} for {spec.name}; "
            f"its header has: {', '.join(header) or '(nothing)'}. Is it the right table?"
        )
    return mapping


# --------------------------------------------------------------------------- blocks
_COUNT_PIECE = 1 << 20
"""Bytes compared at a time when counting (the comparison's result stays in cache)."""


def _count(buf: bytes, byte: bytes, end: int | None = None) -> int:
    """Occurrences of one byte in ``buf[:end]`` (numpy, a piece at a time: fast, and
    releases the GIL so that the store can insert the previous block meanwhile)."""
    view = np.frombuffer(buf, np.uint8, count=len(buf) if end is None else end)
    target = byte[0]
    return sum(int(np.count_nonzero(view[i:i + _COUNT_PIECE] == target))
               for i in range(0, len(view), _COUNT_PIECE))


def _find_cut(buf: bytes, quote: bytes | None, force: bool = False, parity: int = 0,
              whole: bool = True) -> int:
    """Index just after the last newline that ends a record; -1 when the buffer holds no
    complete record yet (read more).

    A newline ends a record when the quotes before it (since the block start, which is a
    record start) are balanced; ``parity`` is that of the quotes before ``buf``, when
    ``buf`` is the last piece of a longer buffer (``whole`` False: a search that would
    step back past the piece's start gives -2, search the whole buffer). With ``force``
    (the buffer is already large), a newline more than ``MAX_STEP_BACK`` bytes back is
    not searched for: the cut falls at the last newline, and the parser reports the
    damaged record (a stray or unterminated quote), which is then quarantined.
    """
    cut = buf.rfind(b"\n")
    if cut < 0:
        return -1 if whole else -2
    if quote is None:
        return cut + 1
    last = cut
    parity ^= _count(buf, quote, cut) & 1
    while parity:
        prev = buf.rfind(b"\n", 0, cut)
        if prev < 0 and not whole and last - prev <= MAX_STEP_BACK:
            return -2
        if prev < 0 or last - prev > MAX_STEP_BACK:
            return last + 1 if force else -1
        parity ^= buf.count(quote, prev, cut) & 1
        cut = prev
    return cut + 1


class BlockReader:
    """Cuts a byte stream into blocks that end at record boundaries.

    The header line (when the format has one) is read on construction, so that a file
    with a header and no rows is still checked. Iterating yields ``(block, first_line,
    newlines)``: the block, the line number it starts on and the line ends it holds.
    Each block is copied once: the bytes read are kept as pieces, and the block is joined
    from them up to the cut.
    """

    def __init__(self, stream: IO[bytes], quote: str | None, block_size: int = BLOCK_SIZE,
                 skip_header: bool = True) -> None:
        self._stream = stream
        self._quote = quote.encode() if quote else None
        self._block_size = block_size
        self._buf = b""
        self._eof = False
        self.header_line = b""
        self._line = 1
        if skip_header:
            while b"\n" not in self._buf and not self._eof:
                if len(self._buf) > MAX_RECORD:
                    raise record_too_long("the header line")
                self._fill()
            if not self._buf.strip():
                raise BadInputFile("the file is empty (no header line)")
            nl = self._buf.find(b"\n")
            if nl < 0:
                self.header_line, self._buf = self._buf, b""
            else:
                self.header_line, self._buf = self._buf[: nl + 1], self._buf[nl + 1 :]
            self._line = 2
        else:
            while len(self._buf) < 3 and not self._eof:
                self._fill()
            self._buf = self._buf.removeprefix(b"\xef\xbb\xbf")

    def _fill(self) -> None:
        more = self._stream.read(self._block_size)
        if not more:
            self._eof = True
        self._buf += more

    def _gather(self) -> list[bytes]:
        """The buffer, then pieces read until they hold a block's worth (or the end)."""
        pieces = [self._buf] if self._buf else []
        size = len(self._buf)
        while size < self._block_size and not self._eof:
            more = self._stream.read(self._block_size - size)
            if not more:
                self._eof = True
            else:
                pieces.append(more)
                size += len(more)
        return pieces

    def __iter__(self) -> Iterator[tuple[bytes, int, int]]:
        while True:
            pieces = self._gather()
            if not pieces:
                return
            if self._eof:
                block, self._buf = b"".join(pieces), b""
            else:
                size = sum(map(len, pieces))
                force = size >= self._block_size + 4 * MAX_STEP_BACK
                cut, last = -2, pieces[-1]
                if len(pieces) > 1:  # the cut is searched in the last piece first
                    parity = sum(_count(p, self._quote) for p in pieces[:-1]) & 1 \
                        if self._quote else 0
                    cut = _find_cut(last, self._quote, force, parity, whole=False)
                if cut == -2:  # not in the last piece: search the whole buffer
                    last = b"".join(pieces)
                    pieces = [last]
                    cut = _find_cut(last, self._quote, force)
                if cut <= 0:  # no complete record yet: read on
                    self._buf = b"".join(pieces)
                    if len(self._buf) > self._block_size + MAX_RECORD:
                        raise record_too_long("a record", self._line)
                    self._fill()
                    continue
                block = b"".join([*pieces[:-1], memoryview(last)[:cut]])
                self._buf = last[cut:]
            newlines = _count(block, b"\n")
            yield block, self._line, newlines
            self._line += newlines


# --------------------------------------------------------------------------- positions
class _Positions:
    """Maps parsed rows of a block back to their line numbers and raw text (computed only
    for blocks that have quarantined rows)."""

    def __init__(self, block: bytes, first_line: int, quote: str | None,
                 invalid: list[tuple[str, int, int]], n_valid: int) -> None:
        self.block = block
        self.first_line = first_line
        segments = self._segments(block, first_line, quote.encode() if quote else None)
        by_text: dict[bytes, list[int]] = {}
        for i, (start, end, _line) in enumerate(segments):
            by_text.setdefault(block[start:end].rstrip(b"\r\n"), []).append(i)
        taken: set[int] = set()
        self.invalid_lines: list[tuple[int | None, int]] = []
        for text, _exp, _act in invalid:
            candidates = by_text.get(text.encode("utf-8").rstrip(b"\r\n"), [])
            idx = next((c for c in candidates if c not in taken), None)
            if idx is None:
                self.invalid_lines.append((None, 0))
            else:
                taken.add(idx)
                start, end, line = segments[idx]
                self.invalid_lines.append((line, block.count(b"\n", start, end)))
        self.valid = [s for i, s in enumerate(segments) if i not in taken]
        self.exact = len(self.valid) == n_valid

    @staticmethod
    def _segments(block: bytes, first_line: int, quote: bytes | None) -> list[
        tuple[int, int, int]
    ]:
        out: list[tuple[int, int, int]] = []
        start = 0
        line = first_line
        record_line = first_line
        parity = 0
        n = len(block)
        while start < n:
            pos = start
            record_start = start
            record_line = line
            while True:
                nl = block.find(b"\n", pos)
                end = n if nl < 0 else nl + 1
                if quote is not None:
                    parity ^= block.count(quote, pos, end) & 1
                line += 1 if nl >= 0 else 0
                pos = end
                if not parity or nl < 0:
                    parity = 0
                    break
            if block[record_start:pos].strip(b"\r\n"):
                out.append((record_start, pos, record_line))
            start = pos
        return out

    def valid_line(self, k: int) -> int | None:
        return self.valid[k][2] if self.exact and k < len(self.valid) else None

    def valid_raw(self, k: int) -> str | None:
        if not self.exact or k >= len(self.valid):
            return None
        start, end, _ = self.valid[k]
        return self.block[start:end].rstrip(b"\r\n").decode("utf-8", "replace")


# --------------------------------------------------------------------------- parsing
def not_utf8(exc: UnicodeDecodeError) -> str:
    """The quarantine reason of a line that is not UTF-8 text."""
    return f"not UTF-8 text ({exc.reason} at byte {exc.start})"


def _blank_bad_utf8(block: bytes, first_line: int) -> tuple[bytes, list[QuarantinedRow]]:
    """Replace lines that are not UTF-8 with empty lines; quarantine them."""
    lines = block.split(b"\n")
    bad: list[QuarantinedRow] = []
    for i, raw in enumerate(lines):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(QuarantinedRow(first_line + i, not_utf8(exc),
                                      raw.decode("utf-8", "replace")))
            lines[i] = b""
    return b"\n".join(lines), bad


def _parse_block(block: bytes, names: list[str], include: list[str], dialect: Dialect,
                 arrow_block: int = 1 << 22) -> tuple[pa.Table, list[tuple[str, int, int]]]:
    """Arrow's CSV parser on one block; ``arrow_block``: the size of the pieces it parses
    in parallel (a quoted value cannot run past one)."""
    invalid: list[tuple[str, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.text, row.expected_columns, row.actual_columns))
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(block),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=True,
                                       block_size=arrow_block),
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.delimiter,
            quote_char=dialect.quote or False,
            double_quote=True,
            newlines_in_values=bool(dialect.quote),
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in include},
            include_columns=include,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return table, invalid


def _fixed(message: str) -> Callable[[int], str]:
    def reason(_row: int) -> str:
        return message

    return reason


def convert_rows(
    spec: TableSpec, raw: pa.Table, columns: list[str]
) -> tuple[pa.Table, pa.Array | None, list[list[str]]]:
    """Convert raw text columns to store types.

    Returns the converted table (all rows), a mask of rows to quarantine (None when all are
    fine) and, for those rows only, the reasons.
    """
    arrays: dict[str, pa.Array] = {}
    problems: list[tuple[pa.Array, Callable[[int], str]]] = []
    n = raw.num_rows
    for f in spec.fields:
        store_type = ARROW_TYPES[STORE_KINDS[f.kind]]
        if f.column not in columns:
            arrays[f.column] = pa.nulls(n, store_type)
            if f.not_null:
                problems.append((pa.array([True] * n), _fixed(f"{f.column} is missing")))
            continue
        original = raw.column(f.column)
        values, bad = CONVERTERS[f.kind](original)
        arrays[f.column] = values
        if bad is not None:
            texts = original

            def reason(i: int, c: str = f.column, k: str = f.kind, t: pa.Array = texts) -> str:
                return f"{c}: {DESCRIPTIONS.get(k, 'unreadable')} {t[i].as_py()!r}"

            problems.append((bad, reason))
        if f.not_null:
            empty = pc.is_null(original)
            if pc.any(empty).as_py():
                problems.append((empty, _fixed(f"{f.column} is empty")))
    table = pa.table(arrays)
    if not problems:
        return table, None, []
    mask = problems[0][0]
    for extra, _ in problems[1:]:
        mask = pc.or_(mask, extra)
    mask = pc.fill_null(mask, False)
    rows = pc.indices_nonzero(mask).to_pylist()
    reasons: list[list[str]] = []
    flags = [p[0].to_pylist() for p in problems]
    for i in rows:
        reasons.append([p[1](i) for p, fl in zip(problems, flags, strict=True) if fl[i]])
    return table, mask, reasons


def read_delimited(
    stream: IO[bytes],
    spec: TableSpec,
    source_name: str,
    block_size: int = BLOCK_SIZE,
) -> Iterator[Chunk]:
    """Read a delimited table from a binary stream, one :class:`Chunk` per block."""
    dialect = spec.dialect
    reader = BlockReader(stream, dialect.quote, block_size, skip_header=dialect.header)
    mapping: dict[str, int] | None = None
    names: list[str] = []
    include: list[str] = []
    if dialect.header:
        header = parse_header(reader.header_line, dialect)
        mapping = map_columns(spec, header, source_name)
        names, include = _column_names(mapping, len(header))
    done = len(reader.header_line)
    for block, first_line, newlines in reader:
        done += len(block)
        if mapping is None:
            mapping = {f.column: f.position for f in spec.fields if f.position is not None}
            first = block.split(b"\n", 1)[0].rstrip(b"\r")
            width = max(len(first.split(dialect.delimiter.encode())), 1 + max(mapping.values()))
            names, include = _column_names(mapping, width)
        yield _read_block(spec, block, first_line, names, include, source_name, done,
                          newlines)


def _column_names(mapping: dict[str, int], width: int) -> tuple[list[str], list[str]]:
    by_index = {i: col for col, i in mapping.items()}
    count = max(width, 1 + max(by_index, default=0))
    names = [by_index.get(i, f"_unused_{i}") for i in range(count)]
    include = [c for c in names if not c.startswith("_unused_")]
    return names, include


def _parse_text(block: bytes, first_line: int, names: list[str], include: list[str],
                dialect: Dialect, source_name: str, newlines: int | None = None
                ) -> tuple[bytes, pa.Table, list[tuple[str, int, int]], list[QuarantinedRow]]:
    """Parse a block (holding ``newlines`` line ends, when known). Lines that are not
    UTF-8 are quarantined and blanked first (Arrow cannot hand such a row to the
    invalid-row handler); a line whose stray quote would swallow the lines after it is
    quarantined and blanked (:func:`_set_aside_swallowing`). Both keep their line end, so
    line numbers (and the count of line ends) stay right."""
    set_aside: list[QuarantinedRow] = []
    try:
        raw, invalid = _parse_block(block, names, include, dialect)
    except pa.ArrowInvalid as exc:
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            block, set_aside = _blank_bad_utf8(block, first_line)
        else:  # a quoted span past Arrow's own block ("straddling"): a stray quote?
            block, swallowed = _set_aside_swallowing(block, first_line, len(names), dialect)
            if not swallowed:
                raise BadInputFile(f"{source_name} near line {first_line}: {exc}") from None
            set_aside = swallowed
        try:
            raw, invalid = _parse_block(block, names, include, dialect)
        except pa.ArrowInvalid:  # a long quoted value, whole: parse the block as one
            try:
                raw, invalid = _parse_block(block, names, include, dialect, len(block) + 1)
            except pa.ArrowInvalid as again:
                raise BadInputFile(f"{source_name} near line {first_line}: {again}") \
                    from None
    if dialect.quote and _records_over_lines(block, raw.num_rows + len(invalid), newlines):
        block, swallowed = _set_aside_swallowing(block, first_line, len(names), dialect)
        if swallowed:
            set_aside += swallowed
            raw, invalid = _parse_block(block, names, include, dialect, len(block) + 1)
    return block, raw, invalid, set_aside


def _set_aside_swallowing(block: bytes, first_line: int, width: int, dialect: Dialect
                          ) -> tuple[bytes, list[QuarantinedRow]]:
    """Quarantine and blank the first line of every record a stray quote made swallow the
    lines after it (:meth:`_Records.swallowing`); the lines after it are then read on
    their own. One pass over the block."""
    records = _Records(dialect)
    out: list[QuarantinedRow] = []
    blank: list[tuple[int, int]] = []
    for start in records.swallowing(block, width):
        nl = block.find(b"\n", start)
        end = len(block) if nl < 0 else nl
        opening = block[start:end].rstrip(b"\r")
        out.append(QuarantinedRow(
            first_line + block.count(b"\n", 0, start),
            f"expected {width} fields, found {records.fields(opening)}: an unmatched quote "
            "(read as running over the lines after it; they are read on their own)",
            opening.decode("utf-8", "replace")))
        blank.append((start, end))
    if not blank:
        return block, []
    pieces, at = [], 0
    for start, end in blank:
        pieces.append(block[at:start])
        at = end
    pieces.append(block[at:])
    return b"".join(pieces), out


_LINE_END = re.compile(rb"\r\n|\n|\r")
"""A line end as Arrow's parser takes it (a CR alone too)."""


class _Records:
    """Where each record of a block starts and ends, read as Arrow's parser reads them: a
    quote opens a quoted field only at the field's start, a doubled quote inside it is a
    quote, the closing quote may be followed by more text; a quoted field may hold line
    ends. Regular expressions (unrolled: linear time and memory): the scan runs in C."""

    def __init__(self, dialect: Dialect) -> None:
        d = re.escape(dialect.delimiter.encode())
        q = re.escape((dialect.quote or '"').encode())
        plain = rb"[^" + d + rb"\r\n" + q + rb"][^" + d + rb"\r\n]*"
        quoted = (q + rb"[^" + q + rb"]*(?:" + q + q + rb"[^" + q + rb"]*)*(?:" + q +
                  rb"[^" + d + rb"\r\n]*|\Z)")
        field = rb"(?:" + quoted + rb"|" + plain + rb"|)"
        self.record = re.compile(field + rb"(?:" + d + field + rb")*(?:\r\n|\n|\r|\Z)")
        self.field = re.compile(field)
        self.delimiter = dialect.delimiter.encode()
        self.quote = (dialect.quote or '"').encode()

    def fields(self, line: bytes) -> int:
        """How many fields one line holds, read on its own."""
        count, at = 1, 0
        while True:
            m = self.field.match(line, at)
            at = m.end() if m else at
            if at >= len(line) or line[at:at + 1] != self.delimiter:
                return count
            count, at = count + 1, at + 1

    def unclosed(self, line: bytes) -> bool:
        """Whether one line, read on its own, opens a quoted field it does not close."""
        at = 0
        while True:
            m = self.field.match(line, at)
            if m is None:
                return False
            text = m.group()
            if text[:1] == self.quote and text.count(self.quote) % 2:
                return True
            at = m.end()
            if at >= len(line) or line[at:at + 1] != self.delimiter:
                return False
            at += 1

    def swallowing(self, block: bytes, width: int) -> Iterator[int]:
        """Where each record starts that a stray quote made run over several lines: a
        record over several lines with the wrong number of fields, or each of whose later
        lines holds a whole record on its own (the lines a stray quote swallowed up to the
        next quote; a quoted value with line ends has later lines that are fragments, as
        its last one, ``end",x``, is; the last line may also open a quote of its own that
        it does not close: a second stray quote, which closed the first). Scanning goes on
        from the line after each one."""
        at = 0
        while at < len(block):
            for m in self.record.finditer(block, at):  # (the loop between records in C)
                start, end = m.span()
                if end == start:
                    return
                stop = end - block.endswith(b"\n", start, end)  # less the line end
                stop -= block.endswith(b"\r", start, stop)
                if block.find(b"\n", start, stop) < 0 and block.find(b"\r", start, stop) < 0:
                    continue  # one line: nothing swallowed
                text = block[start:stop]
                lines = _LINE_END.split(text)
                if len(lines) > 1 and (self.fields(text) != width or (
                        all(self.fields(line) == width for line in lines[1:-1])
                        and (self.fields(lines[-1]) == width or self.unclosed(lines[-1])))):
                    yield start
                    nl = _LINE_END.search(block, start)
                    at = len(block) if nl is None else nl.end()
                    break
            else:
                return


def _records_over_lines(block: bytes, rows: int, newlines: int | None = None) -> bool:
    """Whether the parser read fewer records than the block has lines (some record runs over
    several lines; blank lines also count, and are then checked for nothing). A CR alone
    ends a line too. ``newlines``: the block's count of LF, when already known."""
    lines = _count(block, b"\n") if newlines is None else newlines
    if b"\r" in block:  # (most files have no CR: spared the counts)
        lines += block.count(b"\r") - block.count(b"\r\n")
    return rows < lines + (0 if block.endswith((b"\n", b"\r")) else 1)


def _read_block(spec: TableSpec, block: bytes, first_line: int, names: list[str],
                include: list[str], source_name: str, done: int,
                newlines: int | None = None) -> Chunk:
    """One block's rows: parsed, converted, the bad ones quarantined with their line."""
    dialect = spec.dialect
    block, raw, invalid, quarantined = _parse_text(block, first_line, names, include,
                                                   dialect, source_name, newlines)
    rows_read = raw.num_rows + len(invalid) + len(quarantined)
    converted, mask, reasons = convert_rows(spec, raw, include)
    positions: _Positions | None = None
    if invalid or mask is not None:
        positions = _Positions(block, first_line, dialect.quote, invalid, raw.num_rows)
        for (text, expected, actual), (line, spans) in zip(
            invalid, positions.invalid_lines, strict=True
        ):
            reason = f"expected {expected} fields, found {actual}"
            if spans > 1 or "\n" in text:
                reason += " (the record runs over several lines: an unmatched quote?)"
            quarantined.append(QuarantinedRow(line, reason, text))
    if mask is not None:
        assert positions is not None
        bad_rows = pc.indices_nonzero(mask).to_pylist()
        for i, why in zip(bad_rows, reasons, strict=True):
            raw_text = positions.valid_raw(i)
            if raw_text is None:
                values = raw.slice(i, 1).to_pylist()[0].values()
                raw_text = "\t".join("" if v is None else str(v) for v in values)
            key = " ".join(
                f"{k}={raw.column(k)[i].as_py()}" for k in spec.record_key if k in include
            )
            quarantined.append(
                QuarantinedRow(positions.valid_line(i), "; ".join(why), raw_text, key or None)
            )
        converted = converted.filter(pc.invert(mask))
    if spec.derive is not None:
        converted = spec.derive(converted)
    outputs = {spec.target: converted}
    for also in spec.also:
        if also.when_present in converted.column_names:
            present = pc.is_valid(converted.column(also.when_present))
            if pc.any(present).as_py():
                outputs[also.table] = converted.select(list(also.columns)).filter(present)
    quarantined.sort(key=lambda q: q.line or 0)
    return Chunk(outputs, quarantined, rows_read, done)


def chunks_from_records(
    records: Iterator[tuple[int, str, dict[str, str | None]] | QuarantinedRow],
    spec: TableSpec,
    batch_rows: int = 50_000,
) -> Iterator[Chunk]:
    """Chunks from records a Python parser produced (line, raw text, values by column).

    For formats that are not plain delimited text (e.g. titles with continuation lines);
    values go through the same conversion and quarantine as delimited files. A parser may
    also yield a :class:`QuarantinedRow` for a line it could not read at all.
    """
    columns = [f.column for f in spec.fields]
    pending: list[tuple[int, str, dict[str, str | None]]] = []
    rejected: list[QuarantinedRow] = []
    done = 0

    def flush() -> Chunk:
        raw = pa.table({c: pa.array([r[2].get(c) for r in pending], pa.string())
                        for c in columns})
        converted, mask, reasons = convert_rows(spec, raw, columns)
        quarantined = list(rejected)
        if mask is not None:
            for i, why in zip(pc.indices_nonzero(mask).to_pylist(), reasons, strict=True):
                quarantined.append(QuarantinedRow(pending[i][0], "; ".join(why), pending[i][1]))
            converted = converted.filter(pc.invert(mask))
        if spec.derive is not None:
            converted = spec.derive(converted)
        chunk = Chunk({spec.target: converted}, quarantined, len(pending) + len(rejected), done)
        pending.clear()
        rejected.clear()
        return chunk

    for rec in records:
        if isinstance(rec, QuarantinedRow):
            rejected.append(rec)
        else:
            pending.append(rec)
            done += len(rec[1]) + 1
        if len(pending) + len(rejected) >= batch_rows:
            yield flush()
    if pending or rejected:
        yield flush()
