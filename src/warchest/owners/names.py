"""Organisation name normalisation: the first, deterministic step of name resolution.

``normalise_name`` turns a raw assignee name into a comparison key: accents folded, upper
case, ``&`` as AND, dotted acronyms joined (``S.N.E.C.M.A.`` -> ``SNECMA``), punctuation as
spaces, common abbreviations expanded, legal forms (in many languages) removed from both
ends until none is left, a leading THE dropped, incorporation clauses ("a corporation of
Delaware") and trailing acronyms of the name itself ("... Scientifique (CNRS)") removed.
Governments become ``GOVERNMENT <STATE> <AGENCY>`` even when the preamble is misspelt
("The Unites Sates of America as respresented by ..."); a university's governing body in
front of its name ("The Regents of the University of ...", "Board of Trustees operating
...") is dropped; so is a capacity ("..., as Administrative Agent") and a country noted
after the legal form ("X, Inc. (USA)"). A legal form followed by a country ("Corporation
of America") keeps the country, since a regional subsidiary is another company (of the
same group); a division or a university's office is a unit of a company, kept in the
name, and ``resolve`` puts it in its company's group. Every rule is a table below, so a
reviewer can read what the resolver does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

from warchest.owners.bodies import canonical_word, drop_governing_body, government
from warchest.owners.words import is_word, typo_allowance

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
    # US banks: national association, federal savings bank
    "NA", "N A", "NATIONAL ASSOCIATION", "FSB",
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
    "RES": "RESEARCH", "DEV": "DEVELOPMENT", "ENG": "ENGINEERING",
    "CALIF": "CALIFORNIA", "MASS": "MASSACHUSETTS", "SCI": "SCIENCE", "MED": "MEDICAL",
    "GEN": "GENERAL", "BROS": "BROTHERS", "MACH": "MACHINES", "MFR": "MANUFACTURER",
    "FORSCHUNGS": "FORSCHUNG", "FOERDERUNG": "FORDERUNG", "U S": "US", "JR": "JUNIOR",
    # legal forms inside a name ("Yissum Research Development Co. of the Hebrew University")
    "CO": "COMPANY", "CORP": "CORPORATION", "CORPN": "CORPORATION", "LTD": "LIMITED",
    "INC": "INCORPORATED",
    "NO AMERICA": "NORTH AMERICA", "N AMERICA": "NORTH AMERICA",
    # British and American spellings of one word
    "DEFENCE": "DEFENSE", "LICENCE": "LICENSE", "ALUMINIUM": "ALUMINUM",
    "ORGANISATION": "ORGANIZATION", "FIBRE": "FIBER", "COLOUR": "COLOR",
    "PROGRAMME": "PROGRAM", "THEATRE": "THEATER", "METRE": "METER",
}
# legal-form words long enough to recognise misspelt at the end of a name ("Coporation",
# "Kabushika Kaisha"); shorter forms are matched exactly only
LONG_LEGAL_WORDS = ("CORPORATION", "INCORPORATED", "COMPANY", "LIMITED", "KAISHA",
                    "KABUSHIKI", "KABUSHIKIKAISHA", "AKTIENGESELLSCHAFT", "AKTIEBOLAG",
                    "AKTIEBOLAGET", "CORPORATIONS", "COMPANIES")
# US states: "X Company of <state>" is often the name of one company of a group (Public
# Service Company of New Mexico, of Colorado), kept as a country is
US_STATES = (
    "ALABAMA", "ALASKA", "ARIZONA", "ARKANSAS", "CALIFORNIA", "COLORADO", "CONNECTICUT",
    "DELAWARE", "FLORIDA", "GEORGIA", "HAWAII", "IDAHO", "ILLINOIS", "INDIANA", "IOWA",
    "KANSAS", "KENTUCKY", "LOUISIANA", "MAINE", "MARYLAND", "MASSACHUSETTS", "MICHIGAN",
    "MINNESOTA", "MISSISSIPPI", "MISSOURI", "MONTANA", "NEBRASKA", "NEVADA",
    "NEW HAMPSHIRE", "NEW JERSEY", "NEW MEXICO", "NEW YORK", "NORTH CAROLINA",
    "NORTH DAKOTA", "OHIO", "OKLAHOMA", "OREGON", "PENNSYLVANIA", "RHODE ISLAND",
    "SOUTH CAROLINA", "SOUTH DAKOTA", "TENNESSEE", "TEXAS", "UTAH", "VERMONT", "VIRGINIA",
    "WASHINGTON", "WEST VIRGINIA", "WISCONSIN", "WYOMING")
# words an acronym skips (CNRS = Centre National de la Recherche Scientifique)
ACRONYM_SKIPS = frozenset({"DE", "LA", "LE", "LES", "DES", "DU", "D", "L", "ET", "AND", "OF",
                           "THE", "FOR", "UND", "DER", "DIE", "FUR", "Y", "E", "DI", "DEL"})
# "a corporation of Delaware", "a Delaware corporation", "organized under the laws of ..."
_INCORPORATION = re.compile(
    r"\b(A|AN)\s+(\w+\s+){0,3}(CORPORATION|CORP|COMPANY|PARTNERSHIP|LIMITED LIABILITY COMPANY)"
    r"(\s+(OF|ORGANIZED|ORGANISED|EXISTING|INCORPORATED)\b.*)?$"
    r"|\b(ORGANIZED|ORGANISED|INCORPORATED|EXISTING)\s+UNDER\s+THE\s+LAWS?\b.*$")
# "U.S. Bank National Association, as Administrative Agent": a capacity, not another party
_CAPACITY = re.compile(r"\bAS (\w+ ){0,3}(AGENT|TRUSTEE|COLLATERAL TRUSTEE|NOMINEE|"
                       r"CUSTODIAN|REPRESENTATIVE|SUCCESSOR)\b.*$")
# "... acting by and through ... on behalf of Oregon State University": the beneficiary
_ON_BEHALF = re.compile(r"\bON BEHALF OF (THE )?(?P<who>.+)$")
# USPTO country code residue of old records: "... CNT GB2 COD 17 ITX a part interest"
_CNT = re.compile(r"\bCNT\s+\w+\s+COD\b.*$")
_DOTTED = re.compile(r"\b(?:[A-Z]\s*\.\s*){2,}(?:[A-Z]\b\.?)?")
_SPLIT_LETTERS = re.compile(r"\b(?:[A-Z] ){1,}[A-Z]\b")
_NON_WORD = re.compile(r"[\W_]+")  # letters of every script are kept (北京小米科技)
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
    if text.isascii():
        return text.upper()
    text = repair_mojibake(text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ascii_only.upper().replace("ß", "SS")


def _phrases(forms: list[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(f.split()) for f in forms}, key=len, reverse=True)


_LEADING = _phrases(LEADING)
_COUNTRIES = _phrases(COUNTRY_WORDS)
_ABBREV = {tuple(k.split()): tuple(v.split()) for k, v in ABBREVIATIONS.items()}


def _expand(tokens: list[str]) -> list[str]:
    """Common abbreviations written out (UNIV -> UNIVERSITY, CO -> COMPANY)."""
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


# legal forms as written and with their abbreviations written out (CO LTD, COMPANY LIMITED)
_LEGAL = _phrases(LEGAL_FORMS + [" ".join(_expand(f.split())) for f in LEGAL_FORMS])


_STATE_PHRASES = _phrases(list(US_STATES))
_LONG_LEGAL = frozenset(LONG_LEGAL_WORDS)
_COUNTRY_SET = frozenset({*_COUNTRIES, ("USA",), ("UK",), ("US",)})


def _misspelt_legal_word(token: str) -> bool:
    """A legal-form word misspelt ("COPORATION") or standing alone at the end
    ("TOYOTA JIDOSHA KABUSHIKI", "MINOLTA CAMERA KABUSHIKA KAISHA")."""
    if token in _LONG_LEGAL:
        return True
    if len(token) < 5 or is_word(token) or not token.isalpha():
        return False
    allowed = typo_allowance(len(token))
    return any(abs(len(w) - len(token)) <= allowed and w[0] == token[0]
               and OSA.distance(token, w) <= allowed for w in _LONG_LEGAL)


def _by_last(phrases: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for ph in phrases:  # already longest first
        out.setdefault(ph[-1], []).append(ph)
    return out


_LEGAL_BY_LAST = _by_last(_LEGAL)
_PLACES_BY_LAST = _by_last(sorted({*_COUNTRIES, *_STATE_PHRASES}, key=len, reverse=True))


def _legal_form_before(tokens: list[str], end: int) -> int:
    """Length of the longest legal form ending just before ``end`` (0 when none)."""
    for form in _LEGAL_BY_LAST.get(tokens[end - 1], ()) if end > 0 else ():
        n = len(form)
        if end > n and tuple(tokens[end - n:end]) == form:
            return n
    return 0


def _strip_end(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        # "... CORPORATION OF AMERICA" keeps "OF AMERICA" (a regional company of the
        # group), "... COMPANY OF NEW MEXICO" its state (Public Service Company of New
        # Mexico and of Colorado are two companies)
        for place in _PLACES_BY_LAST.get(tokens[-1], ()):
            n = len(place) + 1
            if len(tokens) > n + 1 and tuple(tokens[-n:]) == ("OF", *place):
                form = _legal_form_before(tokens, len(tokens) - n)
                if form:
                    tokens = tokens[:-n - form] + tokens[-n:]
                    changed = True
                    break
        form = _legal_form_before(tokens, len(tokens))
        if form and len(tokens) > form:
            tokens = tokens[:-form]
            changed = True
        elif _misspelt_legal_word(tokens[-1]):  # "XEROX COPORATION"
            tokens = tokens[:-1]
            changed = True
        elif changed is False and tokens[-1] == "AND" and len(tokens) > 1:
            tokens = tokens[:-1]  # "AMER & CO., INC.": AND left by "CO INC"
            changed = True
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




_NOTE = re.compile(r"\(\s*([A-Z. ]+?)\s*\)\s*$")


def _drop_country_note(text: str) -> str:
    """'X, Inc. (USA)' -> 'X, Inc.': a country (or its two-letter code) in brackets after
    the legal form notes where the company is; before it ('X (USA) Inc.') it names a
    regional company, and stays."""
    m = _NOTE.search(text)
    if not m:
        return text
    note = tuple(m.group(1).replace(".", "").split())
    if note not in _COUNTRY_SET and not (len(note) == 1 and len(note[0]) == 2):
        return text  # a country's name, or a two-letter code ("(KR)", "(DE)")
    before = _NON_WORD.sub(" ", text[:m.start()]).split()
    return text[:m.start()] if before and _legal_form_before(before, len(before)) else text


def _words(text: str) -> list[str]:
    """Folded text -> words: acronyms joined, abbreviations written out, key words
    respelt."""
    text = _DOTTED.sub(lambda m: " " + re.sub(r"[\s.]", "", m.group(0)) + " ", text)
    text = re.sub(r"\b([A-Z])['`]", r"\1 ", text).replace("'", "").replace("`", "")
    tokens = _NON_WORD.sub(" ", text).split()
    joined = _SPLIT_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), " ".join(tokens))
    return [canonical_word(t) for t in _expand(joined.split())]


def _own_acronym(tokens: list[str]) -> str | None:
    """The name's own acronym written beside it: '... SCIENTIFIQUE CNRS', 'SNECMA SOCIETE
    NATIONALE D ETUDE ...' (the acronym of the other words, two letters or more)."""
    if _ends_in_own_acronym(tokens):
        return tokens[-1]
    if len(tokens) > 2 and len(tokens[0]) >= 2 and tokens[0] == acronym(tokens[1:]):
        return tokens[0]
    return None


def _ends_in_own_acronym(tokens: list[str]) -> bool:
    return len(tokens) > 2 and len(tokens[-1]) >= 2 and tokens[-1] == acronym(tokens[:-1])


def _folded(raw: str) -> str:
    text = _CNT.sub(" ", _fold(raw)).replace("&", " AND ").replace("+", " AND ")
    return _drop_country_note(text)


def declared_acronym(raw: str) -> tuple[str, str] | None:
    """(acronym, key of the long name) when a raw name writes both: 'International
    Business Machines Corp. (IBM)', 'IBM Corporation (International Business Machines
    Corporation)', 'Societe Nationale ... S.N.E.C.M.A.'; else None."""
    return _analyse(raw)[1]


def name_key(raw: str) -> str:
    """The key the resolver gives a name: its normalised key, or the name itself upper-cased
    when nothing is left of it (a name of legal forms only)."""
    return normalise_name(raw) or raw.strip().upper()


def normalise_name(raw: str) -> str:
    """The comparison key of an organisation name ('' when nothing is left). A name
    written with its own acronym ('... (IBM)', 'IBM Corporation (International Business
    Machines Corporation)') is the long name's key."""
    return _analyse(raw)[0]


@lru_cache(maxsize=1 << 20)
def _analyse(raw: str) -> tuple[str, tuple[str, str] | None]:
    """A raw name's key and the acronym it declares, computed once."""
    text = _folded(raw)
    paren = _PAREN.search(text) if text.count("(") <= 3 else None
    if paren:
        outside = _analyse(text[:paren.start()] + " " + text[paren.end():])[0]
        inside = _analyse(paren.group(1))[0]
        for short, long_ in ((outside, inside), (inside, outside)):
            if " " not in short and len(short) >= 2 and len(long_.split()) >= 2 \
                    and acronym(long_.split()) == short:
                return long_, (short, long_)
    text = text.replace("(", " ").replace(")", " ")
    tokens = _words(text)
    own = _own_acronym(tokens)  # checked before legal forms go
    if own is not None:
        tokens.remove(own)
    key = _key(tokens)
    return key, ((own, key) if own is not None and not paren else None)


def _key(tokens: list[str]) -> str:
    text = _CAPACITY.sub("", _INCORPORATION.sub("", " ".join(tokens))).strip()
    tokens = text.split() or tokens
    for _ in range(3):
        before = tokens
        tokens = _strip_start(_strip_end(tokens))
        if _ends_in_own_acronym(tokens):  # "... SCIENTIFIQUE CNRS", once forms are gone
            tokens = tokens[:-1]
        if tokens == before:
            break
    if not tokens:
        return ""
    return _public_body(" ".join(tokens))


def _public_body(text: str) -> str:
    """Beneficiaries ("on behalf of X" -> X), governments and agencies as
    'GOVERNMENT <STATE> <AGENCY>', universities without their governing body."""
    behalf = _ON_BEHALF.search(text)
    if behalf and len(behalf.group("who").split()) >= 2:
        text = behalf.group("who")
    official = government(text.split())
    if official is not None:
        return " ".join(official)
    return drop_governing_body(text)


def compact_key(normalised: str) -> str:
    """The normalised name without spaces (HEWLETT PACKARD = HEWLETTPACKARD)."""
    return normalised.replace(" ", "")
