"""CPC and IPC symbols, written one way everywhere.

Canonical form: ``H04W72/04`` (subclass, main group without leading zeros, ``/``, subgroup).
Accepted spellings: ``H04W 72/04``, ``H04W  72/04``, ``H04W0072040000`` (the 14-character
form of the IPC and CPC master files), ``H04W72/04 20130101`` (with a version date). Partial
symbols keep their rank: ``H`` (section), ``H04`` (class), ``H04W`` (subclass).
"""

from __future__ import annotations

import re

_FULL = re.compile(r"^([A-HY])(\d{2})([A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})$")
_PACKED = re.compile(r"^([A-HY])(\d{2})([A-Z])(\d{4})(\d{6})$")
_PARTIAL = re.compile(r"^([A-HY])(?:(\d{2})([A-Z])?)?$")


def normalize_symbol(text: str | None) -> str | None:
    """Canonical CPC/IPC symbol, or None when ``text`` is not one.

    >>> normalize_symbol("H04W 72/04")
    'H04W72/04'
    >>> normalize_symbol("A01B0021060000")
    'A01B21/06'
    >>> normalize_symbol("G01S7/4865 20130101")
    'G01S7/4865'
    """
    if text is None:
        return None
    s = text.strip().upper()
    if not s:
        return None
    s = s.split()[0] if re.search(r"\s\d{8}$", s) else s
    m = _PACKED.match(s.replace(" ", ""))
    if m:
        section, cls, sub, group, subgroup = m.groups()
        subgroup = subgroup.rstrip("0")
        subgroup = subgroup.ljust(2, "0")
        return f"{section}{cls}{sub}{int(group)}/{subgroup}"
    m = _FULL.match(s)
    if m:
        section, cls, sub, group, subgroup = m.groups()
        return f"{section}{cls}{sub}{int(group)}/{subgroup}"
    m = _PARTIAL.match(s.replace(" ", ""))
    if m:
        return s.replace(" ", "")
    return None


def subclass_of(symbol: str) -> str:
    """``H04W72/04`` -> ``H04W``."""
    return symbol[:4]


def main_group_of(symbol: str) -> str | None:
    """``H04W72/04`` -> ``H04W72/00``; None for symbols above group level."""
    if "/" not in symbol:
        return None
    return symbol.split("/")[0] + "/00"


def rank_of(symbol: str) -> str:
    """section, class, subclass, main group or subgroup."""
    if "/" in symbol:
        return "main group" if symbol.endswith("/00") else "subgroup"
    return {1: "section", 3: "class", 4: "subclass"}.get(len(symbol), "unknown")
