"""Corporate groups by name evidence: which company's name says it belongs to another's.

A company gets a parent when one of its names is

- ``extension``: the parent's name plus trailing words (MOTOROLA LIGHTING, EASTMAN CHEMICAL
  RESINS, GENERAL DYNAMICS CORPORATION CONVAIR DIVISION), unless the words add another kind
  of body to a company's name (STATE OF OREGON + OREGON HEALTH SCIENCES UNIVERSITY);
- ``regional``: the parent's name with a country or region in front (AMERICAN HOECHST ->
  HOECHST, US PHILIPS -> PHILIPS);
- ``affiliate``: "<words> OF <institution>" (RESEARCH FOUNDATION OF STATE UNIVERSITY OF NEW
  YORK -> STATE UNIVERSITY OF NEW YORK) or "<words> DIVISION OF <company>";
- ``truncated``: the start of a name whose company holds nine tenths of the mentions of
  the names that extend it (MAX PLANCK GESELLSCHAFT);

and the parent is either *dominant* (it holds at least half the mentions of all names that
start with its words, and at least as many as the child: GENERAL, UNIVERSAL or a truncated
GOVERNMENT US never are) or, for an extension, names an institution of its own
(UNIVERSITY OF KENTUCKY for UNIVERSITY OF KENTUCKY RESEARCH FOUNDATION). A one-word name
that is a word of the lexicon (GENERAL, EASTERN, GENESIS, MOTOROLA) is nobody's parent by
name. The longest such parent wins.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from warchest.owners.bodies import FUNCTION_WORDS, names_institution
from warchest.owners.names import COUNTRY_WORDS, name_key
from warchest.owners.words import is_word

# words in front of a name that make a regional company of its group
REGION_WORDS = frozenset({*COUNTRY_WORDS, "AMERICAN", "NORTH", "SOUTH", "EUROPEAN",
                          "BRITISH", "CANADIAN", "JAPANESE", "GERMAN", "FRENCH", "NIPPON",
                          "ASIA", "PACIFIC"})
# words that name a kind of body: a company's name followed by one names another body
# (STATE OF OREGON + OREGON HEALTH SCIENCES UNIVERSITY), though an institution's name
# followed by one names its unit (UNIVERSITY OF KENTUCKY + RESEARCH FOUNDATION)
BODY_WORDS = frozenset({
    "UNIVERSITY", "COLLEGE", "INSTITUTE", "HOSPITAL", "FOUNDATION", "AGENCY", "SCHOOL",
    "COUNCIL", "MINISTRY", "DEPARTMENT", "BOARD", "REGENTS", "TRUST", "CLINIC",
    "GOVERNMENT", "COMMISSION", "ACADEMY", "SOCIETY", "ASSOCIATION", "FUND", "BANK",
    "AUTHORITY", "SECRETARY", "CITY", "COUNTY", "MUSEUM", "CHURCH", "TRUSTEES",
    "FONDATION", "STIFTUNG", "UNIVERSITE",
})
# "<words> DIVISION OF <company>": a unit of that company
UNIT_WORDS = frozenset({"DIVISION", "DIV", "UNIT", "SUBSIDIARY", "AFFILIATE", "DEPARTMENT"})
# a name with one of these names an agent acting for another body, not a unit of its head
# ("State of Oregon acting by and through the State Board of Higher Education ...")
CLAUSE_WORDS = frozenset({"REPRESENTED", "BEHALF", "ACTING", "THROUGH", "THRU"})
# a tail starting with one of these is part of another name, not a unit of the head
# ("NATIONAL INSTITUTE" + "OF HEALTH"); AT and IN start campuses ("... AT CHAPEL HILL")
_TAIL_STARTS = FUNCTION_WORDS - {"AT", "IN"}


def nobodys_parent(name: str) -> bool:
    """A name too generic to say whose unit another is: one word of the lexicon (GENERAL,
    EASTERN, GENESIS name many companies) or a state with no agency (GOVERNMENT US, a
    truncated record)."""
    words = name.split()
    return (len(words) == 1 and is_word(name)) or (len(words) == 2 and words[0] == "GOVERNMENT")


def unit_tail(tail: list[str]) -> bool:
    """Trailing words that name a unit of the name before them: not starting with a
    function word (NATIONAL INSTITUTE + OF STANDARDS names another body), except AT and IN
    (campuses) and OF followed by a country or region (GENERAL MOTORS + OF CANADA)."""
    if tail[0] not in _TAIL_STARTS:
        return True
    return tail[0] == "OF" and len(tail) > 1 and all(w in REGION_WORDS for w in tail[1:])


def ultimate(entity: str, parents: dict[str, str]) -> str:
    """Top of the tree above ``entity`` (a cycle stops at the last entity not seen twice)."""
    seen = {entity}
    while entity in parents and parents[entity] not in seen:
        entity = parents[entity]
        seen.add(entity)
    return entity


def reaches(start: str, target: str, parents: dict[str, str]) -> bool:
    """``target`` is ``start`` or one of its ancestors (a relation target -> start would
    close a cycle)."""
    seen: set[str] = set()
    while start not in seen:
        if start == target:
            return True
        seen.add(start)
        if start not in parents:
            return False
        start = parents[start]
    return False


@dataclass(frozen=True)
class Parent:
    """Why one company belongs to another's group."""

    parent: str  # entity id
    rule: str
    detail: str


def parents_by_name(keys: list[str], weight: Counter[str], entity_of_key: dict[str, str],
                     alone: set[str]) -> dict[str, Parent]:
    """Each company's parent by name evidence (extension, regional, affiliate)."""
    company_weight: Counter[str] = Counter()
    extensions: dict[str, Counter[str]] = defaultdict(Counter)  # name -> company -> weight
    extended: Counter[str] = Counter()  # mentions of the names that extend a name
    for k in keys:
        company_weight[entity_of_key[k]] += weight[k]
        words = k.split()
        for cut in range(1, len(words)):
            start = " ".join(words[:cut])
            extensions[start][entity_of_key[k]] += weight[k]
            extended[start] += weight[k]

    def dominant(p: str, child: str) -> bool:
        """``p``'s company holds half the mentions of all names that start with it (``p``
        and the names that extend it) and at least as many as the child."""
        pw = company_weight[entity_of_key[p]]
        return pw >= 0.5 * (weight[p] + extended[p]) and pw >= company_weight[child]

    def mostly(p: str, child: str) -> bool:
        """Half the mentions of the names that extend ``p`` are the child's: an
        institution's name used for one unit of it, not a generic start of many
        (TECHNICAL UNIVERSITY for Munich, Berlin and Dresden)."""
        return extensions[p][child] >= 0.5 * extended[p]

    def joint(words: list[str]) -> bool:
        """'A AND B' where A and B both name companies: co-owners, not a unit of one."""
        for i, w in enumerate(words):
            if w == "AND" and 0 < i < len(words) - 1:
                left, right = " ".join(words[:i]), " ".join(words[i + 1:])
                if name_key(left) in entity_of_key and name_key(right) in entity_of_key:
                    return True
        return False

    def truncation(k: str, child: str) -> list[tuple[str, str, str]]:
        """'MAX PLANCK GESELLSCHAFT' when nine tenths of the mentions of the names that
        extend it are one heavier company's: a truncated record of that company."""
        ext = extensions.get(k)
        if not ext:
            return []
        top, top_w = ext.most_common(1)[0]
        total = extended[k] - ext[child]
        if top == child or top_w < 0.9 * total or company_weight[top] <= company_weight[child]:
            return []
        name = max((m for m in keys_of[top]), key=lambda m: weight[m])
        return [(name, "truncated", f"'{k}' is the start of names of '{name}' "
                                     f"({top_w / total:.0%} of the mentions extending it)")]

    keys_of: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        keys_of[entity_of_key[k]].append(k)
    found: dict[str, tuple[int, int, Parent]] = {}
    for k in keys:
        child = entity_of_key[k]
        words = k.split()
        if k in alone or joint(words) or CLAUSE_WORDS.intersection(words):
            continue
        options: list[tuple[str, str, str]] = []
        for cut in range(len(words) - 1, 0, -1):
            p, tail = " ".join(words[:cut]), words[cut:]
            if p not in entity_of_key or nobodys_parent(p) or not unit_tail(tail):
                continue
            institution = names_institution(p.split())
            other_body = not institution and any(
                w in BODY_WORDS and w not in p.split() for w in tail)
            if not other_body and (dominant(p, child) or (institution and mostly(p, child))):
                options.append((p, "extension", f"'{p}' followed by '{' '.join(tail)}'"))
                break
        lead = 0
        while lead < len(words) - 1 and words[lead] in REGION_WORDS:
            lead += 1
        if lead:
            p = " ".join(words[lead:])
            if p in entity_of_key and not nobodys_parent(p) and dominant(p, child):
                options.append((p, "regional", f"'{' '.join(words[:lead])}' in front of "
                                               f"'{p}'"))
        for i, w in enumerate(words[1:-1], start=1):
            if w == "OF":
                rest = words[i + 1:]
                rest = rest[1:] if rest[0] == "THE" and len(rest) > 1 else rest
                p = " ".join(rest)
                if p in entity_of_key and not nobodys_parent(p) and (
                        names_institution(rest) or words[i - 1] in UNIT_WORDS):
                    options.append((p, "affiliate", f"'{' '.join(words[:i])}' of '{p}'"))
                    break
        if not nobodys_parent(k):
            options += truncation(k, child)
        for p, rule, detail in options:
            parent = entity_of_key[p]
            if parent == child or p in alone:
                continue
            rank = (len(p.split()), company_weight[parent])
            if child not in found or rank > found[child][:2]:
                found[child] = (*rank, Parent(parent, rule, detail))
    parents = {c: f[2] for c, f in found.items()}
    # a cycle (two companies each extending the other's name) keeps the heavier as top
    tree = {c: p.parent for c, p in parents.items()}
    for c in sorted(parents, key=lambda e: company_weight[e]):
        if reaches(tree[c], c, tree):
            del parents[c], tree[c]
    return parents
