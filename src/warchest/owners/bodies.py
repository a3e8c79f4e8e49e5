"""Public bodies in organisation names: governments and universities' governing bodies.

Rules on the token list of a name (upper case, punctuation gone):

- ``government``: "<state> [government] as represented by <agency>" and "<state>
  <agency>" become ``GOVERNMENT <STATE> <AGENCY>``, the agency without its officers' titles
  (Secretary, Administrator, Director, Department of, ...). Every word is matched with the
  typo allowance of :mod:`warchest.owners.words`, so "The Unites Sates of America as
  respresented by the Secretray of the Navy" is ``GOVERNMENT US NAVY``. A truncated record
  ("... as represented by the Secretary of") keeps an empty agency, ``GOVERNMENT US``,
  which is nobody's parent and nobody's spelling (see ``resolve``).
- ``governing body``: "The Regents of", "Board of Trustees of", "Board of Trustees
  operating", "The Curators of", "President and Fellows of" in front of a university's name,
  or "Board of Regents" after it, is dropped when what is left names an institution
  (UNIVERSITY, COLLEGE, INSTITUTE, SCHOOL, SYSTEM) with a word of its own ("The Regents
  of the University of" alone is left as it is).

Divisions and a university's offices and schools are units of a company as named, so they
are not dropped here: ``resolve`` puts them in their company's group.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from warchest.owners.words import is_word, typo_allowance

# words often misspelt in names that the rules look for: a token of seven letters or more
# within the typo allowance of one of them (:mod:`warchest.owners.words`), with the same
# first letter and not itself a word, is read as it ("UNIVERISTY"); short coined names
# such as AMERICO or AMERICARE are left alone (AMERICA and AMERICAN are not here)
KEY_WORDS = (
    "UNIVERSITY", "INSTITUTE", "COLLEGE", "FOUNDATION", "RESEARCH", "CORPORATION",
    "COMPANY", "INCORPORATED", "LIMITED", "SECRETARY", "DEPARTMENT", "ADMINISTRATOR",
    "ADMINISTRATION", "REPRESENTED", "GOVERNMENT", "INTERNATIONAL", "TECHNOLOGY",
    "TECHNOLOGIES", "LABORATORIES", "LABORATORY", "REGENTS", "TRUSTEES", "DIVISION",
    "INDUSTRIES", "MANUFACTURING",
)
_STATES: dict[tuple[str, ...], str] = {
    ("UNITED", "STATES"): "US", ("UNITED", "STATES", "AMERICA"): "US", ("USA",): "US",
    ("US",): "US", ("AMERICA",): "US", ("JAPAN",): "JAPAN", ("CANADA",): "CANADA",
    ("FRANCE",): "FRANCE", ("GERMANY",): "GERMANY", ("KOREA",): "KOREA",
    ("REPUBLIC", "KOREA"): "KOREA", ("UNITED", "KINGDOM"): "UK", ("ISRAEL",): "ISRAEL",
    ("AUSTRALIA",): "AUSTRALIA", ("INDIA",): "INDIA", ("CHINA",): "CHINA",
}
# words around the state in a preamble ("Her Majesty the Queen in right of Canada")
_PREAMBLE_FILLER = frozenset({"THE", "OF", "AS", "GOVERNMENT", "HER", "HIS", "MAJESTY",
                              "QUEEN", "KING", "IN", "RIGHT", "AND"})
# an officer's title in front of the agency ("the Secretary of the Department of Energy")
_TITLES = frozenset({"THE", "OF", "SECRETARY", "ADMINISTRATOR", "DIRECTOR", "GENERAL",
                     "DEPARTMENT", "DEPT", "UNITED", "STATES", "US", "USA", "AMERICA", "HIS",
                     "HER", "EXCELLENCY", "CHIEF", "MINISTER", "MINISTRY", "COMMISSIONER",
                     "ACTING", "HONORABLE", "BY"})
# words that start an agency named without the "as represented by" preamble
_AGENCY_START = frozenset({"DEPARTMENT", "SECRETARY", "NATIONAL", "ADMINISTRATOR",
                           "ENVIRONMENTAL", "DEFENSE", "AIR", "ARMY", "NAVY", "GOVERNMENT"})
INSTITUTION_WORDS = frozenset({"UNIVERSITY", "UNIVERSITIES", "COLLEGE", "INSTITUTE",
                               "SCHOOL", "SYSTEM", "ACADEMY", "POLYTECHNIC"})
FUNCTION_WORDS = frozenset({"OF", "THE", "AND", "FOR", "IN", "AT", "ON", "BY", "DE", "DU",
                            "DES", "LA", "LE", "DER", "DIE", "DAS", "UND", "FUR", "ZUR",
                            "DI", "DEL", "Y", "ET", "A", "AN", "TO"})
_GOVERNING_FRONT = re.compile(
    r"^(BOARDS? (OF )?)?(REGENTS?|TRUSTEES?|CURATORS|GOVERNORS|VISITORS|SUPERVISORS|"
    r"OVERSEERS|PRESIDENT AND FELLOWS)( (OF|FOR|OPERATING))?( THE)? (?P<rest>.+)$")
_GOVERNING_BACK = re.compile(
    r"^(?P<rest>.+?)( THE)?( BOARDS?( OF)?)? (REGENTS?|TRUSTEES|CURATORS|GOVERNORS|VISITORS|"
    r"SUPERVISORS)$")
@lru_cache(maxsize=1 << 18)
def canonical_word(token: str) -> str:
    """A misspelt key word read as the word (UNIVERISTY -> UNIVERSITY); others unchanged."""
    if len(token) < 7 or token in KEY_WORDS or is_word(token) or not token.isalpha():
        return token
    hit = process.extractOne(token, KEY_WORDS, scorer=OSA.distance,
                             score_cutoff=typo_allowance(len(token)))
    if hit is None or hit[0][0] != token[0]:
        return token
    return str(hit[0])


def _same(token: str, template: str) -> bool:
    """A word of a fixed preamble, misspelt or not ("SATES", "STATED" for STATES): the
    preamble's structure, not the lexicon, says what the word was meant to be."""
    if token == template:
        return True
    if template == "AMERICA" and token in ("AMERICAN", "AMERICAS"):
        return True
    if len(template) < 5:
        return False
    return bool(OSA.distance(token, template) <= typo_allowance(len(template)))


def _state(tokens: list[str]) -> str | None:
    core = [t for t in tokens if t not in _PREAMBLE_FILLER]
    for template, code in _STATES.items():
        if len(template) == len(core) and all(
                _same(t, w) for t, w in zip(core, template, strict=True)):
            return code
    return None


def _represented(token: str) -> bool:
    return token[:3] in ("REP", "RES") and OSA.distance(token, "REPRESENTED") <= 2


def _agency(tokens: list[str]) -> list[str]:
    i = 0
    while i < len(tokens) and (tokens[i] in _TITLES or any(
            _same(tokens[i], t) for t in ("SECRETARY", "ADMINISTRATOR", "DEPARTMENT",
                                          "DIRECTOR", "COMMISSIONER", "EXCELLENCY",
                                          "UNITED", "STATES", "AMERICA"))):
        i += 1
    return tokens[i:]


def government(tokens: list[str]) -> list[str] | None:
    """``GOVERNMENT <STATE> <AGENCY>`` tokens when the name is a government's, else None."""
    for i, token in enumerate(tokens):
        if _represented(token):
            state = _state(tokens[:i])
            if state is None:
                return None
            return ["GOVERNMENT", state, *_agency(tokens[i + 1:])]
    # "United States Department of Energy": a state, then an agency's first word
    if not tokens or not (tokens[0] in ("US", "USA") or _same(tokens[0], "UNITED")):
        return None
    for template, code in _STATES.items():
        n = len(template)
        if code != "US" or len(tokens) <= n:
            continue
        head, rest = tokens[:n], tokens[n:]
        if rest and rest[0] == "OF" and len(rest) > 1 and rest[1] == "AMERICA":
            continue  # the longer template handles "of America"
        if all(_same(t, w) for t, w in zip(head, template, strict=True)) \
                and rest[0] in _AGENCY_START and len(rest) >= 2:
            if rest[0] == "GOVERNMENT":
                rest = rest[1:]
            return ["GOVERNMENT", code, *_agency(rest)]
    return None


def names_institution(tokens: list[str]) -> bool:
    """Tokens name an institution of its own: an institution word, a word that is neither
    an institution word nor a function word, and no dangling function word at the end."""
    return (any(t in INSTITUTION_WORDS for t in tokens)
            and any(t not in INSTITUTION_WORDS and t not in FUNCTION_WORDS for t in tokens)
            and tokens[-1] not in FUNCTION_WORDS)


def drop_governing_body(text: str) -> str:
    """'REGENTS OF THE UNIVERSITY OF CALIFORNIA' -> 'UNIVERSITY OF CALIFORNIA' (and the
    other governing bodies), when what is left names an institution."""
    for pattern in (_GOVERNING_FRONT, _GOVERNING_BACK):
        m = pattern.match(text)
        if m and names_institution(m.group("rest").split()):
            text = m.group("rest")
    return text.removeprefix("THE ")
