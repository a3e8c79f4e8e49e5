"""Fictional company names and their raw spellings, following the real variant patterns.

Names are built from invented syllables (never a real company's name: every generated stem
is checked against the real names that appear in the shipped data). Variants follow what
the real assignee benchmark shows: legal-suffix changes (Corporation / Corp. / Corp),
case and punctuation, abbreviations (initials), typos (dropped, doubled or swapped
letters), qualifiers (", a Delaware corporation", "(USA)"), and subsidiaries with their own
legal names ("... America, Inc.", "... (China) Co., Ltd.").
"""

from __future__ import annotations

import re
import zlib

import numpy as np

ONSETS = ("b", "br", "c", "cr", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p",
          "pr", "q", "r", "s", "st", "t", "tr", "v", "vr", "z", "x", "th", "sk", "pl")
VOWELS = ("a", "e", "i", "o", "u", "ae", "ia", "io", "y")
CODAS = ("", "n", "r", "l", "x", "s", "nt", "rn", "lt", "v", "m", "k", "th")
ENDINGS = ("ara", "ex", "ion", "ora", "ix", "eon", "ant", "ova", "yx", "elle", "era", "on",
           "ia", "ent", "ar", "is", "us", "ivo", "ex", "ium")

DESCRIPTORS = {
    "phone_maker": ("Electronics", "Mobile", "Communications", "Telecom Devices"),
    "telecom_standards": ("Networks", "Telecommunications", "Wireless", "Radio Systems"),
    "chip_maker": ("Semiconductor", "Microsystems", "Silicon", "Micro Devices"),
    "software_giant": ("Software", "Systems", "Technologies", "Computing", "Data Systems"),
    "imaging": ("Optical", "Imaging", "Photonics", "Camera"),
    "automotive": ("Motor", "Automotive", "Vehicle Systems", "Motors"),
    "finance": ("Financial", "Bancorp", "Payments", "Financial Services"),
    "medical": ("Medical", "Healthcare", "Surgical", "Life Sciences"),
    "general": ("Industries", "Manufacturing", "Products", "Tools", "Labs", "Engineering",
                "Materials", "Instruments", "Chemical", "Devices", "Controls", "Technologies"),
}

LEGAL_FORMS = {
    "US": ("Inc.", "Corporation", "LLC", "Company", "Incorporated"),
    "JP": ("Kabushiki Kaisha", "Corporation", "Co., Ltd."),
    "KR": ("Co., Ltd.",),
    "CN": ("Co., Ltd.", "Technology Co., Ltd."),
    "TW": ("Co., Ltd.", "Corporation"),
    "DE": ("GmbH", "AG", "Aktiengesellschaft"),
    "FR": ("S.A.", "SAS"),
    "NL": ("B.V.", "N.V."),
    "GB": ("Limited", "plc"),
    "FI": ("Oy",),
    "SE": ("AB",),
    "CH": ("AG", "S.A."),
}

SUFFIX_ALTERNATIVES = {
    "Corporation": ("Corp.", "Corp", "Corporation,", ""),
    "Inc.": ("Inc", "Incorporated", ", Inc.", ""),
    "Incorporated": ("Inc.", "Inc", ""),
    "LLC": ("L.L.C.", ", LLC", ""),
    "Company": ("Co.", "Comp.", ""),
    "Co., Ltd.": ("Co. Ltd.", "Co., Ltd", "Company Limited", "Co.,Ltd."),
    "Technology Co., Ltd.": ("Technology Co. Ltd.", "Technologies Co., Ltd.", "Tech Co., Ltd."),
    "Kabushiki Kaisha": ("K.K.", "Kabushikikaisha", "Co., Ltd."),
    "GmbH": ("G.m.b.H.", "Gesellschaft mit beschränkter Haftung", ""),
    "AG": ("Aktiengesellschaft", "A.G.", ""),
    "Aktiengesellschaft": ("AG", "Aktiengesellshaft", ""),
    "S.A.": ("SA", "Société Anonyme", ""),
    "SAS": ("S.A.S.", ""),
    "B.V.": ("BV", ""),
    "N.V.": ("NV", ""),
    "Limited": ("Ltd.", "Ltd", ""),
    "plc": ("PLC", "Public Limited Company"),
    "Oy": ("OY", "Oyj"),
    "AB": ("Aktiebolag", ""),
}

QUALIFIERS = {
    "US": (", a Delaware corporation", ", a corporation of Delaware", " (USA)"),
    "JP": (" (Japan)",), "KR": (" (Korea)",), "CN": (" (China)",), "TW": (" (Taiwan)",),
    "DE": (" (Germany)",), "FR": (" (France)",), "NL": (" (Netherlands)",),
    "GB": (" (UK)",), "FI": (" (Finland)",), "SE": (" (Sweden)",), "CH": (" (Switzerland)",),
}

SUBSIDIARY_FORMS = (
    ("America", "US", "Inc."), ("USA", "US", "Inc."), ("Europe", "DE", "GmbH"),
    ("Japan", "JP", "K.K."), ("(China)", "CN", "Co., Ltd."), ("Korea", "KR", "Co., Ltd."),
    ("UK", "GB", "Limited"), ("Research", "US", "LLC"), ("Licensing", "US", "LLC"),
)

REAL_NAMES_BLOCKLIST = {
    "ibm", "samsung", "canon", "qualcomm", "google", "intel", "microsoft", "apple", "huawei",
    "nokia", "xiaomi", "sony", "lg", "ericsson", "oracle", "amazon", "dell", "toyota", "ford",
    "honda", "hyundai", "bosch", "denso", "visa", "stryker", "philips", "panasonic", "hitachi",
    "nec", "epson", "micron", "kioxia", "boeing", "siemens", "xerox", "motorola", "zte",
    "oppo", "vivo", "lenovo", "meta", "nvidia", "amd", "broadcom", "mediatek", "tesla",
}


def _stem(rng: np.random.Generator) -> str:
    parts = [ONSETS[rng.integers(len(ONSETS))], VOWELS[rng.integers(len(VOWELS))],
             CODAS[rng.integers(len(CODAS))]]
    if rng.random() < 0.7:
        parts.append(ENDINGS[rng.integers(len(ENDINGS))])
    word = "".join(parts)
    return word[:1].upper() + word[1:]


class Seen:
    """A Bloom filter of strings (three CRC-32 positions each; Bloom 1970): no false
    negatives, about 0.1% false positives when sized at 30 bits an entry."""

    SALTS = (0, 0x9E3779B9, 0x7F4A7C15)

    def __init__(self, entries: int) -> None:
        self.bits = max(1 << 16, entries * 30)
        self.table = bytearray(self.bits // 8 + 1)

    def _positions(self, text: str) -> list[int]:
        data = text.encode()
        return [zlib.crc32(data, salt) % self.bits for salt in self.SALTS]

    def any_of(self, texts: set[str]) -> bool:
        """Whether any of the strings may have been added."""
        return any(all(self.table[p >> 3] >> (p & 7) & 1 for p in self._positions(t))
                   for t in texts)

    def add_all(self, texts: set[str]) -> None:
        for t in texts:
            for p in self._positions(t):
                self.table[p >> 3] |= 1 << (p & 7)


def company_names(rng: np.random.Generator, archetypes: list[str], countries: list[str]
                  ) -> list[tuple[str, str, str]]:
    """One fictional ``(name, stem, legal form)`` per company, all distinct.

    Two companies' base names (stem and descriptor) are at least two letter edits apart, so
    a one-letter typo of one is never another's name and the truth of every raw spelling
    stays unambiguous. The check is a symmetric-delete index: two strings are within one
    edit when one of them, or one of its single-letter deletions, equals one of the other's.
    The index is a Bloom filter (``Seen``): a few bytes a company, never a missed clash,
    and a rare false alarm only draws another name.
    """
    seen = Seen(len(archetypes) * 30)
    out: list[tuple[str, str, str]] = []
    for archetype, country in zip(archetypes, countries, strict=True):
        while True:
            stem = _stem(rng)
            if rng.random() < 0.25:
                stem = f"{stem} {_stem(rng)}"
            if any(w.lower() in REAL_NAMES_BLOCKLIST for w in stem.split()) or len(stem) < 4:
                continue
            desc = DESCRIPTORS.get(archetype, DESCRIPTORS["general"])
            descriptor = desc[rng.integers(len(desc))]
            forms = LEGAL_FORMS.get(country, LEGAL_FORMS["US"])
            form = forms[rng.integers(len(forms))]
            name = f"{stem} {descriptor} {form}".replace(" ,", ",")
            if form == "LLC" or (form == "Inc." and rng.random() < 0.5):
                name = f"{stem} {descriptor}, {form}"
            base = f"{stem} {descriptor}".lower().replace(" ", "")
            near = {base} | {base[:i] + base[i + 1:] for i in range(len(base))}
            if not seen.any_of(near):
                seen.add_all(near)
                out.append((name, f"{stem} {descriptor}", form))
                break
    return out


def _typo(text: str, rng: np.random.Generator) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text + text[-1]
    i = letters[1 + int(rng.integers(len(letters) - 2))]
    kind = int(rng.integers(3))
    if kind == 0:  # dropped letter
        return text[:i] + text[i + 1 :]
    if kind == 1:  # doubled letter
        return text[:i] + text[i] + text[i:]
    j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return text[:a] + text[b] + text[a] + text[b + 1 :]


def make_variant(kind: str, name: str, base: str, form: str, country: str,
                 rng: np.random.Generator) -> str:
    """One raw spelling of ``name`` of the given variant kind."""
    if kind == "suffix":
        alts = SUFFIX_ALTERNATIVES.get(form, ("",))
        alt = alts[int(rng.integers(len(alts)))]
        if alt.startswith(","):
            return f"{base}{alt}"
        return f"{base} {alt}".strip() if alt else base
    if kind == "case_punctuation":
        if rng.random() < 0.6:
            return name.upper()
        return re.sub(r"[.,]", "", name)
    if kind == "abbreviation":
        words = base.split()
        initials = "".join(w[0] for w in words if w[:1].isupper())
        if len(initials) < 2:
            return name.upper()
        return f"{initials} {form}" if rng.random() < 0.7 else initials
    if kind == "typo":
        return _typo(base, rng) + (f" {form}" if form else "")
    if kind == "qualifier":
        quals = QUALIFIERS.get(country, QUALIFIERS["US"])
        return name + quals[int(rng.integers(len(quals)))]
    return name


def subsidiary_name(base: str, rng: np.random.Generator) -> tuple[str, str]:
    """A subsidiary's legal name and country: ``'Kelvaro Systems America, Inc.'``."""
    where, country, form = SUBSIDIARY_FORMS[int(rng.integers(len(SUBSIDIARY_FORMS)))]
    stem = base.split()[0]
    name = f"{stem} {where} {form}" if where.startswith("(") else f"{base} {where} {form}"
    if form in ("Inc.", "LLC"):
        name = name.replace(f" {form}", f", {form}")
    return name, country


FIRST_NAMES = ("Alex", "Maria", "Jun", "Wei", "Anna", "David", "Sofia", "Kenji", "Priya",
               "Lukas", "Elena", "Omar", "Hana", "Marco", "Ines", "Tomas", "Yuki", "Lena",
               "Ravi", "Nora", "Felix", "Mina", "Pavel", "Clara", "Jonas", "Aiko", "Samir")
LAST_NAMES = ("Varela", "Okonkwo", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalczyk",
              "Brennan", "Takeda", "Oyelaran", "Castellano", "Nygaard", "Park", "Iwasaki",
              "Delacroix", "Petrov", "Albrecht", "Marchetti", "Quintero", "Sandoval",
              "Halvorsen", "Ferreira", "Nakamura", "Dumont", "Keller", "Rossi", "Chen")


def person_name(first: int, last: int) -> str:
    """An inventor's name as the assignment dataset writes it: ``LAST, FIRST``."""
    return f"{LAST_NAMES[last].upper()}, {FIRST_NAMES[first].upper()}"

