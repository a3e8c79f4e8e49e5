"""Words of organisation names: is a differing word a typo, an inflection or another word?

Two names that differ in one word are the same company when that word is misspelt
(TECHOLOGIES / TECHNOLOGIES, ARICRAFT / AIRCRAFT) or inflected (MOTOR / MOTORS, ELECTRIC /
ELECTRICAL), and different companies when it is replaced by another real word
(NORTHEASTERN / NORTHWESTERN, MILLS / MOTORS). Spelling checkers tell these apart with a
lexicon: a misspelling is, almost always, not itself a word (Kukich 1992, "Techniques for
automatically correcting words in text", ACM Computing Surveys 24(4)). The lexicon here is
the whole-word part of the English WordPiece vocabulary shipped with the static text model
(``warchest/techmap/model/tokenizer.json``, about 21,000 words of three letters or more,
common proper names such as NORTHWESTERN or MOTOROLA included); it is not tuned to any
benchmark.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from rapidfuzz.distance import OSA

VOCABULARY = Path(__file__).parent.parent / "techmap" / "model" / "tokenizer.json"

# inflections: a word and the same word with one of these endings are one word for naming
# purposes (MOTOR/MOTORS, ELECTRIC/ELECTRICAL, ELECTRONIC/ELECTRONICS)
_ENDINGS = frozenset({"S", "ES", "AL", "ALS"})
_PLURALS = frozenset({"S", "ES"})


@cache
def lexicon() -> frozenset[str]:
    """Upper-case whole words of the shipped English vocabulary (three letters or more)."""
    vocab = json.loads(VOCABULARY.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w.upper() for w in vocab
                     if len(w) >= 3 and w.isascii() and w.isalpha())


def is_word(token: str) -> bool:
    """A real English word (or a common proper name) rather than a misspelling."""
    return token in lexicon()


def inflections(a: str, b: str, plural_only: bool = False) -> bool:
    """One word is the other inflected (MOTOR/MOTORS, ELECTRIC/ELECTRICAL,
    INDUSTRY/INDUSTRIES, LABORATORY/LABORATORIES); with ``plural_only``, only a plural."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4:
        return False
    if long_.startswith(short) and long_[len(short):] in (
            _PLURALS if plural_only else _ENDINGS):
        return True
    if short.endswith("A") and long_ == short + "N":  # AMERICA / AMERICAN, KOREA / KOREAN
        return True
    return short.endswith("Y") and long_ == short[:-1] + "IES"


def stem(word: str, plural_only: bool = False) -> str:
    """The word without its inflection, for comparing names word by word
    (TECHNOLOGIES -> TECHNOLOGY, ELECTRICAL -> ELECTRIC, MOTORS -> MOTOR, AMERICAN ->
    AMERICA); with ``plural_only``, only a plural's ending goes."""
    if len(word) < 5:
        return word
    if word.endswith("IES"):
        return word[:-3] + "Y"
    if plural_only:
        return word[:-1] if word.endswith("S") and not word.endswith("SS") else word
    if word.endswith("ICALS"):
        return word[:-3]
    if word.endswith("ICAL"):
        return word[:-2]
    if word.endswith("S") and not word.endswith("SS"):
        return word[:-1]
    if word.endswith("AN") and word[-3] == "C":  # AMERICAN, AFRICAN, MEXICAN
        return word[:-1]
    return word


def typo_allowance(length: int) -> int:
    """Edits a misspelt word of this length may carry: none under five letters (NAVY /
    ARMY, PIOS / PIOR are other words), one up to eight, two from nine."""
    return 0 if length < 5 else 1 if length < 9 else 2


def misspelt(a: str, b: str, alone: bool = False) -> bool:
    """``a`` and ``b`` are one word, one of them misspelt or inflected: an inflection, or
    within the typo allowance (optimal string alignment: a transposition is one edit) and
    not both real words.

    Two short names a letter apart are often two companies (NIDEC / NIDEK, HELLA / WELLA,
    DISCO / LISCO, PIONEER / BIONEER, YAMAHA / YAMADA), so the evidence asked for grows
    where it is thin: when neither is a word of the lexicon nothing says which was meant,
    and the first letters must agree (misspellings rarely change the first letter: Pollock
    and Zamora 1984, "Automatic spelling correction in scientific and scholarly text",
    CACM 27(4)); when the word is the whole name (``alone``), no other word of the name
    agrees either, and it needs three letters more for each edit (one edit from eight
    letters: MOTOROLA / NOTOROLA)."""
    if a == b or inflections(a, b, plural_only=alone):  # LOGIC is not LOGICAL alone
        return True
    if any(ch.isdigit() for ch in a + b):
        return False
    known = is_word(a) + is_word(b)
    if known == 2:
        return False
    if known == 0 and a[0] != b[0]:
        return False
    shortest = min(len(a), len(b)) - (3 if alone else 0)
    return bool(OSA.distance(a, b) <= typo_allowance(shortest))
