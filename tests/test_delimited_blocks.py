"""The block reader: a delimited file cut into blocks at record boundaries, whatever the
block size and however the stream hands its bytes over."""

from __future__ import annotations

import io

import pytest

from warchest.ingest.delimited import BlockReader, _records_over_lines

HEADER = b"patent_id\tname\tkind\n"
# records with quoted line ends and doubled quotes, a CRLF line and a blank line
BODY = (b'1\t"plain"\tA\n'
        b'2\t"two\nlines"\tB\n'
        b'3\t"say ""hi""\n and\n more"\tC\n'
        b"4\tbare\tD\r\n"
        b"\n"
        b'5\t"x"\tE\n'
        b'6\t"three\n\nlines"\tF\n'
        b"7\tlast\tG\n")
RECORD_ENDS = [12, 28, 56, 66, 67, 75, 94, 103]
"""Where each record of BODY ends (just after its line end): the only places a cut may
fall."""


class Trickle(io.RawIOBase):
    """A stream that hands over at most ``step`` bytes a read (as a pipe or an archive
    member may)."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data, self._at, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._step if size < 0 else min(size, self._step)
        out = self._data[self._at:self._at + n]
        self._at += len(out)
        return out


def _blocks(stream: io.RawIOBase | io.BytesIO, block_size: int) -> list[tuple[bytes, int, int]]:
    reader = BlockReader(stream, '"', block_size)  # type: ignore[arg-type]
    assert reader.header_line == HEADER
    return list(reader)


@pytest.mark.parametrize("step", [1, 3, 1000])
@pytest.mark.parametrize("block_size", [1, 5, 13, 20, 31, 40, 64, 200])
def test_blocks_end_at_record_ends_and_count_their_lines(block_size: int, step: int) -> None:
    blocks = _blocks(Trickle(HEADER + BODY, step), block_size)
    assert b"".join(b for b, _, _ in blocks) == BODY
    ends, at, line = [], 0, 2  # the header is line 1
    for block, first_line, newlines in blocks:
        at += len(block)
        ends.append(at)
        assert first_line == line
        assert newlines == block.count(b"\n")
        line += newlines
    assert set(ends) <= set(RECORD_ENDS)
    # a block is cut at the last record end the bytes read so far hold: never more
    # blocks than a cut at every block_size bytes would give
    assert len(blocks) <= len(BODY) // block_size + len(RECORD_ENDS)


def test_a_large_block_is_the_whole_body() -> None:
    assert _blocks(io.BytesIO(HEADER + BODY), 1 << 20) == [(BODY, 2, 13)]


def test_a_cut_is_the_last_record_end_of_what_was_read() -> None:
    # 40 bytes read: the last record end in BODY[:40] is 28 (record 3 is still open)
    blocks = _blocks(io.BytesIO(HEADER + BODY), 40)
    assert [len(b) for b, _, _ in blocks][:1] == [28]
    # 60 bytes read: the line ends at 42 and 48 are inside record 3's quotes; it ends at 56
    assert [len(b) for b, _, _ in _blocks(io.BytesIO(HEADER + BODY), 60)][:1] == [56]


def test_records_over_lines_uses_the_given_count() -> None:
    block = b'1\t"a\nb"\tc\n2\tx\ty\n'  # 2 records on 3 lines
    assert _records_over_lines(block, 2) is True
    assert _records_over_lines(block, 2, newlines=3) is True
    assert _records_over_lines(block, 3, newlines=3) is False
