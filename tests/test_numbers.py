"""Patent and application numbers: one canonical form for every spelling in the data."""

from __future__ import annotations

import pyarrow as pa
import pytest

from warchest.errors import InvalidPatentNumber
from warchest.numbers import (
    normalize_application_number,
    normalize_patent_number,
    normalize_patent_numbers,
    patent_type_of,
    try_normalize_patent_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # utility: PatentsView, USPTO XML (leading zero), ppubs guid, printed form
        ("10000000", "10000000"),
        ("06000000", "6000000"),
        ("US-10000000-B2", "10000000"),
        ("US 10,000,000 B2", "10000000"),
        ("us10000000b2", "10000000"),
        ("4875247", "4875247"),
        # design: XML writes D0456588; PatentsView D674253; ppubs USD1007004S
        ("D0456588", "D456588"),
        ("D674253", "D674253"),
        ("USD1007004S", "D1007004"),
        ("D 456,588 S", "D456588"),
        # reissue: XML RE049257; printed "Re. 40731" (ppubs continuity data)
        ("RE049257", "RE49257"),
        ("RE49257E", "RE49257"),
        ("US Re. 40731", "RE40731"),
        # plant, statutory invention registration, defensive publication
        ("PP018398", "PP18398"),
        ("PP18,398 P3", "PP18398"),
        ("PP03823", "PP3823"),
        ("H001492", "H1492"),
        ("T942010", "T942010"),
        ("X1234", "X1234"),
    ],
)
def test_normalize_patent_number_real_spellings(text: str, expected: str) -> None:
    assert normalize_patent_number(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "0", "000", "123456789", "D12345678",
                                  "20090150362", "14/643719", None])
def test_not_patent_numbers(text: str | None) -> None:
    assert try_normalize_patent_number(text) is None


def test_invalid_number_error_names_value_and_fix() -> None:
    with pytest.raises(InvalidPatentNumber, match=r"'hello'.*10000000, US10000000B2"):
        normalize_patent_number("hello")


def test_vectorised_matches_scalar() -> None:
    values = ["10000000", "06000000", "D0456588", "RE049257", None, "bad", "PP18398",
              "10000000"]
    result = normalize_patent_numbers(pa.array(values, pa.string())).to_pylist()
    assert result == ["10000000", "6000000", "D456588", "RE49257", None, None, "PP18398",
                      "10000000"]


def test_patent_types() -> None:
    assert patent_type_of("10000000") == "utility"
    assert patent_type_of("D456588") == "design"
    assert patent_type_of("RE49257") == "reissue"
    assert patent_type_of("PP18398") == "plant"
    assert patent_type_of("T942010") == "defensive publication"


@pytest.mark.parametrize(
    ("text", "series", "expected"),
    [
        ("14/643719", None, "14643719"),  # ppubs
        ("06895135", None, "06895135"),  # assignment dataset
        ("14/643,719", None, "14643719"),
        ("643719", "14", "14643719"),  # serial with its series code
        ("D/911715", None, "29911715"),  # ppubs design application = series 29
        ("abc", None, None),
    ],
)
def test_application_numbers(text: str, series: str | None, expected: str | None) -> None:
    assert normalize_application_number(text, series) == expected
