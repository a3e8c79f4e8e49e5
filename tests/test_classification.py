"""CPC/IPC symbols written one way."""

from __future__ import annotations

import pytest

from warchest.classification import main_group_of, normalize_symbol, rank_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H04W72/04", "H04W72/04"),
        ("H04W 72/04", "H04W72/04"),
        ("H04W  72/04", "H04W72/04"),
        ("A01B0021060000", "A01B21/06"),  # packed IPC title-file form
        ("A01B0021000000", "A01B21/00"),
        ("H01L0021020100", "H01L21/0201"),
        ("G01S7/4865 20130101", "G01S7/4865"),  # ppubs form with version
        ("H04W", "H04W"),
        ("H04", "H04"),
        ("H", "H"),
        ("not a symbol", None),
    ],
)
def test_normalize_symbol(text: str, expected: str | None) -> None:
    assert normalize_symbol(text) == expected


def test_main_group_and_rank() -> None:
    assert main_group_of("H04W72/04") == "H04W72/00"
    assert main_group_of("H04W") is None
    assert rank_of("H04W72/00") == "main group"
    assert rank_of("H04W72/04") == "subgroup"
    assert rank_of("H04W") == "subclass"
    assert rank_of("H04") == "class"
    assert rank_of("H") == "section"
