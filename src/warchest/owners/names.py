"""Organisation name normalisation: the first, deterministic step of name resolution.

``normalise_name`` turns a raw assignee name into a comparison key: accents folded, upper
case, ``&`` as AND, dotted acronyms joined (``S.N.E.C.M.A.`` -> ``SNECMA``), punctuation as
spaces, common abbreviations expanded, legal forms (in many languages) removed from both
ends until none is left, a leading THE dropped, incorporation clauses ("a corporation of
Delaware") and trailing acronyms of the name itself ("... Scientifique (CNRS)") removed.
Every rule is a table below, so a reviewer can read what the resolver does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# legal forms, as token sequences after punctuation became spaces (longest first at use)
LEGAL_FORMS = [
    # English
    "INCORPORATED", "INC", "CORPORATION", "CORP", "CORPN", "COMPANY", "CO", "COMPANIES",
    "LIMITED", "LTD", "LLC", "L L C", "LLP", "L L P", "LP", "L P", "PLC", "P L C",
    "PTY", "PTE", "PVT", "PRIVATE", "HOLDINGS", "HOLDING", "GROUP",
    "CO LTD", "CO INC", "COMPANY LIMITED", "CORPORATION LIMITED", "LTDA",
    # German, Austrian, Swiss, Dutch, Nordic
    "GMBH", "G M B H", "MBH", "AG", "A G", "KG", "K G", "KGAA", "OHG", "EV", "E V",
    "AKTIENGESELLSCHAFT", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG",
    "GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG", "KOMMANDITGESELLSCHAFT", "GMBH AND CO KG",
    "GMBH AND CO", "AND CO KG", "AND CO", "BV", "B V", "NV", "N V", "BESLOTEN VENNOOTSCHAP",
    "NAAMLOZE VENNOOTSCHAP", "OY", "OYJ", "AB", "A B", "AKTIEBOLAG", "AKTIEBOLAGET", "AS",
    "A S", "ASA", "APS",
    # French, Spanish, Italian, Portuguese
    "SA", "S A", "SAS", "S A S", "SARL", "S A R L", "SNC", "S N C", "SOCIETE ANONYME",
    "SOCIETE PAR ACTIONS SIMPLIFIEE", "SPA", "S P A", "SRL", "S R L", "SL", "S L",
    "SOCIEDAD ANONIMA", "SOCIETA PER AZIONI",
    # Japanese, Korean, Chinese and others
    "KABUSHIKI KAISHA", "KABUSHIKIKAISHA", "KK", "K K", "YUGEN KAISHA", "GOMEI KAISHA",
    "GOSHI KAISHA", "CO LTD", "DD", "D D", "SE", "BHD", "SDN BHD",
]
# removed where they stand first (Kabushiki Kaisha Toshiba, The Boeing Company)
LEADING = ["THE", "KABUSHIKI KAISHA", "KABUSHIKIKAISHA", "SOCIETE ANONYME", "FIRMA", "FA"]
# a legal form followed by these is still a legal form (Sony Corporation of America)
COUNTRY_WORDS = ["AMERICA", "USA", "US", "JAPAN", "GERMANY", "DEUTSCHLAND", "FRANCE",
                 "CANADA", "EUROPE", "KOREA", "CHINA", "TAIWAN", "UK", "GREAT BRITAIN",
                 "ENGLAND", "ITALY", "ITALIA", "SWITZERLAND", "NETHERLANDS", "SWEDEN",
                 "AUSTRALIA", "INDIA", "ISRAEL", "SINGAPORE"]
ABBREVIATIONS = {
    "UNIV": "UNIVERSITY", "UNIVERSITAET": "UNIVERSITY", "UNIVERSITAT": "UNIVERSITY",
    "INST": "INSTITUTE", "INSTITUT": "INSTITUTE", "LAB": "LABORATORY",
    "LABS": "LABORATORIES", "INTL": "INTERNATIONAL", "INT": "INTERNATIONAL",
    "MFG": "MANUFACTURING", "NATL": "NATIONAL", "DEPT": "DEPARTMENT", "ASSN": "ASSOCIATION",
    "ASSOC": "ASSOCIATION", "CTR": "CENTER", "CENTRE": "CENTER", "SYS": "SYSTEMS",
    "ELEC": "ELECTRIC", "ELECT": "ELECTRIC", "IND": "INDUSTRIES", "INDS": "INDUSTRIES",
    "TECHNOL": "TECHNOLOGY", "TECH": "TECHNOLOGY", "CHEM": "CHEMICAL", "PHARM": "PHARMACEUTICAL",
    "RES": "RESEARCH", "DEV": "DEVELOPMENT", "ENG": "ENGINEERING", "AMER": "AMERICA",
    "CALIF": "CALIFORNIA", "MASS": "MASSACHUSETTS", "SCI": "SCIENCE", "MED": "MEDICAL",
    "GEN": "GENERAL", "BROS": "BROTHERS", "MACH": "MACHINES", "MFR": "MANUFACTURER",
    "FORSCHUNGS": "FORSCHUNG", "FOERDERUNG": "FORDERUNG", "U S": "US",
}
# words an acronym skips (CNRS = Centre National de la Recherche Scientifique)
ACRONYM_SKIPS = frozenset({"DE", "LA", "LE", "LES", "DES", "DU", "D", "L", "ET", "AND", "OF",
                           "THE", "FOR", "UND", "DER", "DIE", "FUR", "Y", "E", "DI", "DEL"})
# "a corporation of Delaware", "a Delaware corporation", "organized under the laws of ..."
_INCORPORATION = re.compile(
    r"\b(A|AN)\s+(\w+\s+){0,3}(CORPORATION|CORP|COMPANY|PARTNERSHIP|LIMITED LIABILITY COMPANY)"
    r"(\s+(OF|ORGANIZED|ORGANISED|EXISTING|INCORPORATED)\b.*)?$"
    r"|\b(ORGANIZED|ORGANISED|INCORPORATED|EXISTING)\s+UNDER\s+THE\s+LAWS?\b.*$")
# governments: "The United States of America as represented by the Secretary of the Navy"
_GOVERNMENT = re.compile(
    r"^(GOVERNMENT OF )?(THE )?(?P<state>UNITE[DS]? STATE[SD]?( OF AMERICA(S|N)?)?|US|USA|JAPAN|"
    r"CANADA|FRANCE|GERMANY|KOREA|UNITED KINGDOM)( GOVERNMENT)?"
    r" (AS )?(REPRESENTED|REPRESENTATED|REPRESENTD) (BY )?(?P<agency>.*)$")
_US_AGENCY = re.compile(r"^(THE )?UNITE[DS]? STATE[SD]? (OF AMERICA(S|N)? )?"
                        r"(?P<agency>(DEPARTMENT|SECRETARY|NATIONAL|ADMINISTRATOR|ENVIRONMENTAL|"
                        r"DEFENSE|AIR FORCE|ARMY|NAVY)\b.*)$")
_TITLES = re.compile(r"^((THE|SECRETARY|ADMINISTRATOR|DIRECTOR|GENERAL|OF|UNITED|STATES|US|"
                     r"AMERICA|HIS|HER|EXCELLENCY|CHIEF|MINISTER|COMMISSIONER)\b ?)+")
# "... acting by and through ... on behalf of Oregon State University": the beneficiary
_ON_BEHALF = re.compile(r"\bON BEHALF OF (THE )?(?P<who>.+)$")
# USPTO country code residue of old records: "... CNT GB2 COD 17 ITX a part interest"
_CNT = re.compile(r"\bCNT\s+\w+\s+COD\b.*$")
_DOTTED = re.compile(r"\b(?:[A-Z]\s*\.\s*){2,}(?:[A-Z]\b\.?)?")
_SPLIT_LETTERS = re.compile(r"\b(?:[A-Z] ){1,}[A-Z]\b")
_NON_WORD = re.compile(r"[^A-Z0-9]+")
_PAREN = re.compile(r"\(([^()]*)\)")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 (once or twice): 'fÃƒÂ¼r' -> 'für'."""
    for _ in range(3):
        if "Ã" not in text and "Â" not in text and "â€" not in text:
            break
        try:
            fixed = text.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            break
        text = fixed
    return text


def _fold(text: str) -> str:
    text = repair_mojibake(text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ascii_only.upper().replace("ß", "SS")


def _phrases(forms: list[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(f.split()) for f in forms}, key=len, reverse=True)


_LEGAL = _phrases(LEGAL_FORMS)
_LEADING = _phrases(LEADING)
_COUNTRIES = _phrases(COUNTRY_WORDS)
_ABBREV = {tuple(k.split()): tuple(v.split()) for k, v in ABBREVIATIONS.items()}


def _strip_end(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for country in _COUNTRIES:  # "... CORPORATION OF AMERICA"
            n = len(country) + 1
            if len(tokens) > n + 1 and tuple(tokens[-n:]) == ("OF", *country) \
                    and any(tuple(tokens[-n - len(f):-n]) == f for f in _LEGAL):
                tokens = tokens[:-n]
        for form in _LEGAL:
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                tokens = tokens[:-n]
                changed = True
                break
    return tokens


def _strip_start(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for form in _LEADING:
            n = len(form)
            if len(tokens) > n and tuple(tokens[:n]) == form:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def acronym(tokens: list[str]) -> str:
    """Initials of the words an acronym would use (skipping articles and prepositions)."""
    return "".join(t[0] for t in tokens if t not in ACRONYM_SKIPS)


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) in _ABBREV:
            out.extend(_ABBREV[(tokens[i], tokens[i + 1])])
            i += 2
            continue
        out.extend(_ABBREV.get((tokens[i],), (tokens[i],)))
        i += 1
    return out


@lru_cache(maxsize=1 << 18)
def normalise_name(raw: str) -> str:
    """The comparison key of an organisation name ('' when nothing is left)."""
    text = _fold(raw)
    text = _CNT.sub(" ", text)
    text = text.replace("&", " AND ").replace("+", " AND ")
    text = _PAREN.sub(lambda m: " " + m.group(1) + " ", text)
    text = _DOTTED.sub(lambda m: " " + re.sub(r"[\s.]", "", m.group(0)) + " ", text)
    text = re.sub(r"\b([A-Z])['`]", r"\1 ", text).replace("'", "").replace("`", "")
    tokens = _NON_WORD.sub(" ", text).split()
    joined = _SPLIT_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), " ".join(tokens))
    tokens = _expand(joined.split())
    if len(tokens) > 2 and len(tokens[-1]) >= 2 and tokens[-1] == acronym(tokens[:-1]):
        tokens = tokens[:-1]  # "... SCIENTIFIQUE CNRS", checked before legal forms go
    text = _INCORPORATION.sub("", " ".join(tokens)).strip()
    tokens = text.split() or tokens
    for _ in range(3):
        before = tokens
        tokens = _strip_start(_strip_end(tokens))
        # a trailing acronym of the rest of the name ("... SCIENTIFIQUE CNRS")
        if len(tokens) > 2 and len(tokens[-1]) >= 2 and tokens[-1] == acronym(tokens[:-1]):
            tokens = tokens[:-1]
        if tokens == before:
            break
    if not tokens:
        return ""
    return _public_body(" ".join(tokens))


def _public_body(text: str) -> str:
    """Governments and agencies as 'GOVERNMENT <STATE> <AGENCY>' (titles dropped)."""
    behalf = _ON_BEHALF.search(text)
    if behalf and len(behalf.group("who").split()) >= 2:
        text = behalf.group("who")
    m = _GOVERNMENT.match(text)
    state = ""
    if m:
        state = m.group("state")
        state = "US" if state.startswith(("UNITE", "US")) else state
        agency = m.group("agency")
    else:
        us = _US_AGENCY.match(text)
        if not us:
            return text
        state, agency = "US", us.group("agency")
    agency = _TITLES.sub("", agency).strip()
    return f"GOVERNMENT {state} {agency}".strip()


def compact_key(normalised: str) -> str:
    """The normalised name without spaces (HEWLETT PACKARD = HEWLETTPACKARD)."""
    return normalised.replace(" ", "")
