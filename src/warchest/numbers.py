"""Patent and application numbers, normalised one way everywhere.

Every table in the store holds US patent numbers in one canonical form, so that rows from
PatentsView, the USPTO full-text files, the assignment dataset and user input join:

=====================  ==============  ====================================================
document type          canonical form  accepted spellings (examples)
=====================  ==============  ====================================================
utility                ``10000000``    ``10,000,000``, ``US10000000B2``, ``US-10000000-B2``,
                                       ``06000000`` (leading zeros dropped)
design                 ``D456588``     ``D0456588``, ``USD456588S``, ``D456,588``
reissue                ``RE49257``     ``RE049257``, ``RE49,257 E``, ``USRE49257E1``
plant                  ``PP18398``     ``PP018398``, ``PP18,398 P3``
statutory invention    ``H2345``       ``H0002345``, ``H002345H``
defensive publication  ``T855019``     ``T0855019``
X-patents (pre-1836)   ``X1234``       ``X0001234``; ``RX`` (X reissues) and ``AI``
                                       (additional improvements) likewise
=====================  ==============  ====================================================

Rule: upper-case; drop spaces, commas, dots and hyphens; drop a leading ``US``;
read an optional type prefix, then the digits (leading zeros dropped), then an optional WIPO
kind code (``A``, ``B1``, ``B2``, ``E``, ``S``, ``P3``, ...). Utility numbers have at most 8
digits, the others at most 7. Anything else is not a US patent number.

Application numbers are held as the 8-digit ``series code + serial number`` the USPTO uses
(``14/643,719`` and ``14643719`` become ``14643719``; a 6-digit serial with its series code
``14`` gives the same; the design form ``D/911715`` is series 29: ``29911715``).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warchest.errors import InvalidPatentNumber

_SEPARATORS = re.compile(r"[\s,.\-]+")
_PATENT = re.compile(r"^(?:US)?(RE|RX|PP|AI|D|H|T|X)?0*([0-9]{1,8})([ABCEFHIPS][0-9]?)?$")
_PREFIX_MAX_DIGITS = 7

PATENT_TYPES = {
    "": "utility",
    "D": "design",
    "RE": "reissue",
    "PP": "plant",
    "H": "statutory invention registration",
    "T": "defensive publication",
    "X": "X-patent",
    "RX": "X-patent reissue",
    "AI": "additional improvement",
}


def try_normalize_patent_number(text: object) -> str | None:
    """Return the canonical US patent number for ``text``, or None when it is not one.

    >>> try_normalize_patent_number("US 10,000,000 B2")
    '10000000'
    >>> try_normalize_patent_number("D0456588")
    'D456588'
    >>> try_normalize_patent_number("hello") is None
    True
    """
    if text is None:
        return None
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str):
        return None
    if text.isascii() and text.isdigit():  # the common case: a plain utility number
        digits = text.lstrip("0")
        return digits if 0 < len(digits) <= 8 else None
    cleaned = _SEPARATORS.sub("", text.strip().upper())
    match = _PATENT.match(cleaned)
    if match is None:
        return None
    prefix, digits, _kind = match.group(1) or "", match.group(2), match.group(3)
    digits = digits.lstrip("0")
    if not digits:
        return None
    if prefix and len(digits) > _PREFIX_MAX_DIGITS:
        return None
    return prefix + digits


def normalize_patent_number(text: object) -> str:
    """Return the canonical US patent number for ``text``; raise InvalidPatentNumber if none.

    >>> normalize_patent_number("RE049257")
    'RE49257'
    """
    number = try_normalize_patent_number(text)
    if number is None:
        raise InvalidPatentNumber(
            f"{text!r} is not a US patent number; "
            "write it like 10000000, US10000000B2, D456588, RE49257 or PP18398"
        )
    return number


def patent_type_of(number: str) -> str:
    """The document type of a canonical patent number (``'D456588'`` -> ``'design'``)."""
    match = re.match(r"^(RE|RX|PP|AI|D|H|T|X)?[0-9]+$", number)
    if match is None:
        raise InvalidPatentNumber(f"{number!r} is not a canonical patent number")
    return PATENT_TYPES[match.group(1) or ""]


_CANONICAL_PREFIXED = r"^(?:RE|RX|PP|AI|D|H|T|X)[1-9][0-9]{0,6}$"


def normalize_patent_numbers(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Vectorised :func:`try_normalize_patent_number` over an Arrow string array.

    Values already in canonical form (nearly all, in every bulk source) are recognised by
    vectorised checks and kept; the rest are normalised once per distinct value in Python.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(values) == 0:
        return pa.array([], pa.string())
    utility = pc.fill_null(
        pc.and_(
            pc.and_(pc.ascii_is_decimal(values), pc.less_equal(pc.binary_length(values), 8)),
            pc.invert(pc.starts_with(values, "0")),
        ),
        False,
    )
    if pc.all(utility).as_py():
        return values
    positions = pc.indices_nonzero(pc.invert(utility))
    rest = pc.take(values, positions)
    fine = pc.or_(pc.fill_null(pc.match_substring_regex(rest, _CANONICAL_PREFIXED), False),
                  pc.is_null(rest))
    if pc.all(fine).as_py():
        return values
    bad_positions = pc.filter(positions, pc.invert(fine))
    bad_values = pc.filter(rest, pc.invert(fine))
    distinct = pc.unique(bad_values)
    mapped = pa.array([try_normalize_patent_number(v) for v in distinct.to_pylist()], pa.string())
    replacements = pc.take(mapped, pc.index_in(bad_values, value_set=distinct))
    mask = np.zeros(len(values), dtype=bool)
    mask[bad_positions.to_numpy()] = True
    return pc.replace_with_mask(values, pa.array(mask), replacements)


_APPLICATION_CLEAN = re.compile(r"[\s,./\-]+")


def normalize_application_number(text: object, series_code: object = None) -> str | None:
    """Return the 8-digit USPTO application number (series code + serial), or None.

    >>> normalize_application_number("14/643,719")
    '14643719'
    >>> normalize_application_number("643719", series_code="14")
    '14643719'
    """
    if text is None:
        return None
    raw = _APPLICATION_CLEAN.sub("", str(text).strip().upper())
    if raw.startswith("US"):
        raw = raw[2:]
    if raw.startswith("D"):  # design applications are series 29 ("D/911715")
        raw = "29" + raw[1:].zfill(6)
    if not raw.isdigit():
        return None
    if len(raw) == 8:
        return raw
    series = str(series_code).strip() if series_code not in (None, "") else ""
    if len(raw) <= 6 and series.isdigit() and len(series) <= 2:
        return series.zfill(2) + raw.zfill(6)
    if len(raw) == 7:
        return raw.zfill(8)
    return None
