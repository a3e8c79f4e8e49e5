"""Name resolution: raw organisation names -> companies -> corporate groups, every decision
with its reason.

**Companies** (the legal entity as named). Names with equal keys after ``normalise_name``
(legal forms, punctuation, case, accents, abbreviations, governments, governing bodies,
divisions) are one name. Names are then clustered by *star clustering* in order of mention
weight (Aslam, Pelekhov, Rus 2004, "The star clustering algorithm for static and dynamic
information organization", JGAA 8(1)): the most mentioned name not yet placed founds a
company, and a name joins a company only through a direct link to that company's head
name, never through a chain of links between members; a join is refused when any member
of the company is a co-assignee of the joining name on one patent, or the known
countries disagree. The links:

1. ``same words``: the same words in another order, THE ignored but OF and every other word
   counted (BOARD OF REGENTS UNIVERSITY OF TEXAS = UNIVERSITY OF TEXAS BOARD OF REGENTS;
   UNIVERSITY OF WASHINGTON is not WASHINGTON UNIVERSITY).
2. ``spelling``: names that differ in one misspelt or inflected word, only in spacing, or
   only in function words inside the name (:mod:`warchest.owners.spelling`); a word is
   misspelt when it is within the typo allowance of its counterpart and the two are not
   both real words (NORTHEASTERN / NORTHWESTERN, MILLS / MOTORS), with more evidence
   asked of coined and one-word names (:mod:`warchest.owners.words`).
3. ``acronym``: a one-word name that a raw name writes beside the long name it abbreviates
   ("International Business Machines Corp. (IBM)" makes IBM = INTERNATIONAL BUSINESS
   MACHINES), or that is the initials of a name of three or more words whose company
   holds nine tenths of the mentions of all names with those initials; three-letter
   initials alone are too often shared (DSM, AMP, ALI), so they join only as a rare
   variant (a tenth of that company's mentions or less: UOP, the main name of its
   company, needs a raw name that writes it out).
4. ``change of name`` and ``override``: recorded changes of name and a user's merges join
   whole companies.

**Groups** (subsidiaries, divisions, campuses and foundations under their parent: a division
or a university's office is a unit of a company as named, so it is a company here and
goes to its parent's group): parents by name evidence, in :mod:`warchest.owners.parents`.
Corporate-tree files and the user's overrides are applied on top, in
:mod:`warchest.owners.resolution`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from warchest.owners.names import (
    ACRONYM_SKIPS,
    acronym,
    declared_acronym,
    name_key,
)
from warchest.owners.parents import Parent, parents_by_name, ultimate
from warchest.owners.spelling import spelling_pairs
from warchest.owners.words import stem

RULE_PRIORITY = {"same words": 3, "spelling": 2, "acronym": 1}


@dataclass(frozen=True)
class Link:
    """Why two normalised names were put in one company."""

    a: str
    b: str
    rule: str
    detail: str


@dataclass
class Resolution:
    """Raw names -> companies (entities) and their parents by name evidence."""

    entity_of_key: dict[str, str]  # normalised key -> entity id
    name_of_entity: dict[str, str]  # entity id -> display name (its most used raw name)
    key_of_raw: dict[str, str]  # raw name -> normalised key
    links: list[Link] = field(default_factory=list)
    parent_of: dict[str, Parent] = field(default_factory=dict)
    _top: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def entity(self, raw: str) -> str:
        """The company a raw name resolves to."""
        return self.entity_of_key[self.key_of_raw[raw]]

    def group(self, raw: str) -> str:
        """The top of the company's group by name evidence (itself when it has no parent)."""
        if not self._top and self.parent_of:
            parents = {c: p.parent for c, p in self.parent_of.items()}
            self._top.update((c, ultimate(c, parents)) for c in parents)
        company = self.entity(raw)
        return self._top.get(company, company)


def entity_id(head_key: str, digits: int = 10) -> str:
    """A company's id: ``E`` + 10 hex digits of the SHA-1 of its head name's key (stable
    while that name stays the company's most mentioned; 16 for the second of two heads
    whose first 10 digits agree, about one in 3 million pairs of 300,000 companies)."""
    return "E" + hashlib.sha1(head_key.encode()).hexdigest()[:digits]


def _signature(key: str) -> tuple[str, ...]:
    """The words of a name in any order and without inflections, THE left out (a name of
    one word loses only a plural: LOGIC is not LOGICAL)."""
    words = [t for t in key.split() if t != "THE"]
    return tuple(sorted(stem(t, plural_only=len(words) == 1) for t in words))


class _Companies:
    """Star clustering state: each key's head, each head's members, the constraints."""

    def __init__(self, weight: Counter[str], apart: set[frozenset[str]],
                 countries: dict[str, set[str]], alone: set[str]) -> None:
        self.weight = weight
        self.apart_of: dict[str, set[str]] = defaultdict(set)
        for pair in apart:
            a, b = tuple(pair)
            self.apart_of[a].add(b)
            self.apart_of[b].add(a)
        self.countries = countries
        self.alone = alone
        self.head: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.cluster_countries: dict[str, set[str]] = {}

    def found(self, key: str) -> None:
        self.head[key] = key
        self.members[key] = [key]
        self.cluster_countries[key] = set(self.countries.get(key, ()))

    def compatible(self, key: str, head: str, keys: Iterable[str] | None = None) -> bool:
        """``key`` (or the names ``keys``) may join the company headed by ``head``: no
        member is its co-assignee, and the known countries overlap."""
        joining = list(keys) if keys is not None else [key]
        if any(k in self.alone for k in joining) or head in self.alone:
            return False
        apart = set().union(*(self.apart_of.get(k, ()) for k in joining))
        if apart and any(self.head.get(a) == head for a in apart):
            return False
        mine = set().union(*(self.countries.get(k, set()) for k in joining))
        theirs = self.cluster_countries[head]
        return not (mine and theirs and not mine & theirs)

    def join(self, key: str, head: str) -> None:
        self.head[key] = head
        self.members[head].append(key)
        self.cluster_countries[head] |= self.countries.get(key, set())

    def merge(self, small: str, big: str) -> None:
        """All of the company headed by ``small`` joins the one headed by ``big``."""
        for k in self.members.pop(small):
            self.head[k] = big
            self.members[big].append(k)
        self.cluster_countries[big] |= self.cluster_countries.pop(small)


def resolve_names(
    names: Iterable[str],
    counts: dict[str, int] | None = None,
    countries: dict[str, set[str]] | None = None,
    co_assigned: Iterable[tuple[str, str]] = (),
    same_entity: Iterable[tuple[str, str, str, str]] = (),
    separate: Iterable[str] = (),
) -> Resolution:
    """Cluster raw organisation names into companies and give companies their parents by
    name evidence.

    ``counts``: mentions per raw name (the clustering order and the display name);
    ``countries``: known countries per raw name; ``co_assigned``: pairs of raw names that
    share a patent (never in one company unless a user merges them); ``same_entity``:
    (raw name, raw name, rule, detail) links known from elsewhere (a recorded change of
    name, a user's merge); ``separate``: raw names a user split off (no rule links them
    to anything, and they get no parent by name).
    """
    counts = counts or {}
    key_of_raw: dict[str, str] = {}
    weight: Counter[str] = Counter()
    for raw in names:
        key = name_key(raw)
        key_of_raw[raw] = key
        weight[key] += counts.get(raw, 1)
    keys = sorted(weight, key=lambda k: (-weight[k], k))
    key_countries: dict[str, set[str]] = defaultdict(set)
    for raw, cs in (countries or {}).items():
        if raw in key_of_raw:
            key_countries[key_of_raw[raw]] |= {c for c in cs if c}
    apart = {frozenset((key_of_raw[a], key_of_raw[b])) for a, b in co_assigned
             if a in key_of_raw and b in key_of_raw and key_of_raw[a] != key_of_raw[b]}
    alone = {key_of_raw[r] for r in separate if r in key_of_raw}
    state = _Companies(weight, apart, key_countries, alone)
    links: list[Link] = []

    # candidate links of every key to heavier keys: same words, spelling
    order = {k: i for i, k in enumerate(keys)}
    neighbours: dict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
    by_words: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in keys:
        by_words[_signature(k)].append(k)
    for group in by_words.values():
        for other in group[1:]:  # group is in weight order: group[0] is the heaviest
            neighbours[other].append((group[0], "same words",
                                      "same words (other order, THE or inflections)", 0))
    for i, j, d in spelling_pairs(keys):
        light, heavy = (keys[i], keys[j]) if order[keys[i]] > order[keys[j]] \
            else (keys[j], keys[i])
        neighbours[light].append((heavy, "spelling", f"{d} letter edit(s)", d))

    # star clustering in weight order: join the best head linked directly, else found one
    for k in keys:
        best: tuple[int, int, int] | None = None
        choice: tuple[str, str, str] | None = None
        for other, rule, detail, d in neighbours.get(k, ()):
            if state.head.get(other) != other or not state.compatible(k, other):
                continue
            rank = (RULE_PRIORITY[rule], -d, -order[other])
            if best is None or rank > best:
                best, choice = rank, (other, rule, detail)
        if choice is None:
            state.found(k)
        else:
            state.join(k, choice[0])
            links.append(Link(k, choice[0], choice[1], choice[2]))

    declared: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for raw in key_of_raw:
        pair = declared_acronym(raw)
        if pair is not None:
            declared[pair[0]].append((pair[1], raw))
    _acronyms(keys, state, links, declared)
    # recorded changes of name and the user's merges join whole companies
    for ra, rb, rule, detail in same_entity:
        if ra in key_of_raw and rb in key_of_raw:
            ha, hb = state.head[key_of_raw[ra]], state.head[key_of_raw[rb]]
            if ha != hb and (rule == "override" or not ({ha, hb} & alone)):
                big, small = sorted((ha, hb), key=lambda h: order[h])
                state.merge(small, big)
                links.append(Link(key_of_raw[ra], key_of_raw[rb], rule, detail))

    raw_by_key: dict[str, list[str]] = defaultdict(list)
    for raw, k in key_of_raw.items():
        raw_by_key[k].append(raw)
    entity_of_key: dict[str, str] = {}
    name_of_entity: dict[str, str] = {}
    for head, members in sorted(state.members.items(), key=lambda hm: order[hm[0]]):
        eid = entity_id(head)
        if eid in name_of_entity:  # 40 bits collide about once in 10^12 pairs: widen
            eid = entity_id(head, 16)
        raws = [r for k in members for r in raw_by_key[k]]
        name_of_entity[eid] = max(raws, key=lambda r: (counts.get(r, 1), r))
        for k in members:
            entity_of_key[k] = eid
    parents = parents_by_name(keys, weight, entity_of_key, alone)
    return Resolution(entity_of_key, name_of_entity, key_of_raw, links, parents)


def _acronyms(keys: list[str], state: _Companies, links: list[Link],
              declared: dict[str, list[tuple[str, str]]]) -> None:
    """A one-word company head joins the company of the long name it abbreviates when a
    raw name writes the two together ('... (IBM)': ``declared``), or when that company
    holds nine tenths of the mentions of all names of three or more words with those
    initials. Three-letter initials are shared by many names, and a small store may hold
    the one long name that shares a company's initials by chance (DSM N.V. and Dainippon
    Screen Mfg.): alone they join only as a rare variant, a tenth of the mentions of the
    long name's company or less."""
    by_initials: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        words = k.split()
        if len([w for w in words if w not in ACRONYM_SKIPS]) >= 3 \
                and all(len(w) >= 2 for w in words):
            by_initials[acronym(words)].append(k)
    for k in keys:
        if " " in k or len(k) < 2 or state.head.get(k) != k:
            continue
        said = [(long_, raw) for long_, raw in declared.get(k, ()) if long_ in state.head]
        if said:  # the company of nine tenths of the declaring names' mentions
            votes: Counter[str] = Counter()
            for long_, _ in said:
                votes[state.head[long_]] += state.weight[long_]
            top, top_w = votes.most_common(1)[0]
            if top_w < 0.9 * sum(votes.values()):
                continue
            target, raw = max(((long_, raw) for long_, raw in said
                               if state.head[long_] == top),
                              key=lambda lr: (state.weight[lr[0]], lr[1]))
            detail = f"'{k}' = '{target}', written together in '{raw}'"
        else:
            cands = by_initials.get(k, [])
            if len(k) < 3 or not cands:
                continue
            per_company: Counter[str] = Counter()
            for c in cands:
                per_company[state.head[c]] += state.weight[c]
            best, best_w = per_company.most_common(1)[0]
            if best_w < 0.9 * sum(per_company.values()):
                continue
            mine = sum(state.weight[m] for m in state.members[k])
            company = sum(state.weight[m] for m in state.members[best])
            if len(k) == 3 and 10 * mine > company:
                continue
            target = max((c for c in cands if state.head[c] == best),
                         key=lambda c: state.weight[c])
            detail = f"'{k}' = initials of '{target}'"
        best = state.head[target]
        if best == k or not state.compatible(k, best, state.members[k]):
            continue
        big, small = sorted((k, best), key=lambda h: -sum(
            state.weight[m] for m in state.members[h]))
        state.merge(small, big)
        links.append(Link(k, target, "acronym", detail))


