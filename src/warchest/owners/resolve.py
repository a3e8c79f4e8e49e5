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
2. ``spelling``: a typo or spacing variant. Candidates are blocked on the first and the last
   four letters of the name without spaces and compared by edit distance (optimal string
   alignment: an adjacent transposition is one edit; at most 1 for names of 5-9 letters, 2
   from 10, 3 from 25); every word that differs must be an inflection or a misspelling of
   its counterpart, and two real words are never misspellings of each other
   (NORTHEASTERN / NORTHWESTERN, MILLS / MOTORS; :mod:`warchest.owners.words`); a word
   may be dropped only when it is a function word.
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
goes to its parent's group). A company gets a parent by name evidence when one of its
names is

- ``extension``: the parent's name plus trailing words (MOTOROLA LIGHTING -> MOTOROLA,
  EASTMAN CHEMICAL RESINS -> EASTMAN CHEMICAL),
- ``regional``: the parent's name with a country or region in front (AMERICAN HOECHST ->
  HOECHST, US PHILIPS -> PHILIPS), or
- ``affiliate``: "<words> OF <institution>" (RESEARCH FOUNDATION OF STATE UNIVERSITY OF NEW
  YORK -> STATE UNIVERSITY OF NEW YORK) or "<words> DIVISION OF <company>",

and the parent is either *dominant* (it holds at least half the mentions of all names that
start with its words, and at least as many as the child: GENERAL, UNIVERSAL or a truncated
GOVERNMENT US never are) or names an institution of its own (UNIVERSITY OF KENTUCKY for
UNIVERSITY OF KENTUCKY RESEARCH FOUNDATION). The longest such parent wins. Corporate-tree
files and the user's overrides are applied on top, in ``warchest.owners``.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from warchest.owners.bodies import FUNCTION_WORDS, names_institution
from warchest.owners.names import (
    ACRONYM_SKIPS,
    COUNTRY_WORDS,
    acronym,
    compact_key,
    declared_acronym,
    normalise_name,
)
from warchest.owners.words import is_word, misspelt, stem, typo_allowance

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
RULE_PRIORITY = {"same words": 3, "spelling": 2, "acronym": 1}


@dataclass(frozen=True)
class Link:
    """Why two normalised names were put in one company."""

    a: str
    b: str
    rule: str
    detail: str


@dataclass(frozen=True)
class Parent:
    """Why one company belongs to another's group."""

    parent: str  # entity id
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

    def entity(self, raw: str) -> str:
        """The company a raw name resolves to."""
        return self.entity_of_key[self.key_of_raw[raw]]

    def group(self, raw: str) -> str:
        """The top of the company's group by name evidence (itself when it has no parent)."""
        return ultimate(self.entity(raw), {c: p.parent for c, p in self.parent_of.items()})


def ultimate(entity: str, parents: dict[str, str]) -> str:
    """Top of the tree above ``entity`` (a cycle stops at the last entity not seen twice)."""
    seen = {entity}
    while entity in parents and parents[entity] not in seen:
        entity = parents[entity]
        seen.add(entity)
    return entity


def entity_id(head_key: str) -> str:
    """A company's id: ``E`` + 10 hex digits of the SHA-1 of its head name's key (stable
    while that name stays the company's most mentioned)."""
    return "E" + hashlib.sha1(head_key.encode()).hexdigest()[:10]


def _signature(key: str) -> tuple[str, ...]:
    """The words of a name in any order and without inflections, THE left out."""
    return tuple(sorted(stem(t) for t in key.split() if t != "THE"))


def words_close(a: str, b: str) -> bool:
    """The words that differ between two names are misspellings or inflections of each
    other, or dropped function words, or only spacing."""
    if compact_key(a) == compact_key(b):
        return True
    wa, wb = a.split(), b.split()
    alone = len(wa) == len(wb) == 1
    if len(wa) == len(wb):  # the usual case: words in the same places
        pairs = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
        if all(x not in FUNCTION_WORDS and y not in FUNCTION_WORDS for x, y in pairs):
            return all(not any(ch.isdigit() for ch in x + y) and misspelt(x, y, alone)
                       for x, y in pairs)
    ca, cb = Counter(wa), Counter(wb)
    left, right = sorted((ca - cb).elements()), sorted((cb - ca).elements())
    if any(ch.isdigit() for w in left + right for ch in w):
        return False
    if not left or not right:  # words dropped: only function words inside the name
        longer = wa if len(wa) > len(wb) else wb  # (SNAP ON is not SNAP)
        return all(w in FUNCTION_WORDS for w in left + right) \
            and longer[0] not in left + right and longer[-1] not in left + right
    left = [w for w in wa if w in set(left)]  # in name order, for pairing
    right = [w for w in wb if w in set(right)]
    left_content = [w for w in left if w not in FUNCTION_WORDS]
    right_content = [w for w in right if w not in FUNCTION_WORDS]
    if len(left_content) == len(right_content):
        return all(misspelt(x, y) for x, y in zip(left_content, right_content, strict=True))
    # a word split in two or joined (ELECTRO MECHANICS / ELECTROMECHANICS) with a typo
    return misspelt("".join(left_content), "".join(right_content))


def _deletions(word: str, k: int) -> set[str]:
    """Every string left after deleting up to ``k`` letters (Garbe's symmetric delete:
    two words within ``k`` edits share one)."""
    out, frontier = {word}, {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _spelling_pairs(keys: Sequence[str]) -> Iterable[tuple[int, int, int]]:
    """(i, j, edits) for keys that differ in one misspelt word, only in spacing, or only in
    function words, and whose differing words pass ``words_close``.

    Candidates come from exact groupings, not from comparing every pair in a block: names
    equal but for one word (that word replaced by a wildcard), whose wildcard words share a
    symmetric-delete variant within the word's typo allowance; names equal without spaces;
    names equal without function words. So the work grows with the number of names, not
    with the size of the largest block of similar names (all the X INDUSTRIES)."""
    by_mask: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_compact: dict[str, list[int]] = defaultdict(list)
    by_content: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        words = k.split()
        by_compact[compact_key(k)].append(i)
        content = tuple(w for w in words if w not in FUNCTION_WORDS)
        if content:
            by_content[content].append(i)
        for w, word in enumerate(words):
            if len(word) >= 5 and not any(ch.isdigit() for ch in word):
                mask = " ".join([*words[:w], "*", *words[w + 1:]])
                by_mask[mask].append((i, word))
    candidates: set[tuple[int, int]] = set()
    for group in (*by_compact.values(), *by_content.values()):
        if len(group) > 1:
            candidates.update((min(a, b), max(a, b)) for a in group for b in group if a < b)
    for members in by_mask.values():
        if len(members) < 2:
            continue
        variants: dict[str, list[int]] = defaultdict(list)
        for i, word in members:
            for v in _deletions(word, typo_allowance(len(word))):
                variants[v].append(i)
        for group in variants.values():
            if len(group) > 1:
                candidates.update((min(a, b), max(a, b)) for a in group for b in group
                                  if a != b)
    for a, b in sorted(candidates):
        if words_close(keys[a], keys[b]):
            yield a, b, int(OSA.distance(compact_key(keys[a]), compact_key(keys[b])))


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
        members = set(self.members[head])
        if any(self.apart_of.get(k, set()) & members for k in joining):
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
        key = normalise_name(raw) or raw.strip().upper()
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
    for i, j, d in _spelling_pairs(keys):
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
    for head, members in state.members.items():
        eid = entity_id(head)
        raws = [r for k in members for r in raw_by_key[k]]
        name_of_entity[eid] = max(raws, key=lambda r: (counts.get(r, 1), r))
        for k in members:
            entity_of_key[k] = eid
    parents = _parents_by_name(keys, weight, entity_of_key, alone)
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


def _parents_by_name(keys: list[str], weight: Counter[str], entity_of_key: dict[str, str],
                     alone: set[str]) -> dict[str, Parent]:
    """Each company's parent by name evidence (extension, regional, affiliate)."""
    company_weight: Counter[str] = Counter()
    for k in keys:
        company_weight[entity_of_key[k]] += weight[k]
    prefix_weight: Counter[str] = Counter()  # mentions of every name starting with p
    for k in keys:
        words = k.split()
        for cut in range(1, len(words) + 1):
            prefix_weight[" ".join(words[:cut])] += weight[k]

    def dominant(p: str, child: str) -> bool:
        """``p`` is a brand of its own: not one common word (EASTERN, GENERAL, GENESIS
        name many companies), and its company holds half the mentions of all names that
        start with it and at least as many as the child."""
        if " " not in p and is_word(p):
            return False
        pw = company_weight[entity_of_key[p]]
        return pw >= 0.5 * prefix_weight[p] and pw >= company_weight[child]

    def joint(words: list[str]) -> bool:
        """'A AND B' where A and B both name companies: co-owners, not a unit of one."""
        for i, w in enumerate(words):
            if w == "AND" and 0 < i < len(words) - 1:
                left, right = " ".join(words[:i]), " ".join(words[i + 1:])
                if (normalise_name(left) or left) in entity_of_key \
                        and (normalise_name(right) or right) in entity_of_key:
                    return True
        return False

    extensions: dict[str, Counter[str]] = defaultdict(Counter)  # name -> company -> weight
    for k in keys:
        words = k.split()
        for cut in range(1, len(words)):
            extensions[" ".join(words[:cut])][entity_of_key[k]] += weight[k]

    def truncation(k: str, child: str) -> list[tuple[str, str, str]]:
        """'MAX PLANCK GESELLSCHAFT' when nine tenths of the mentions of the names that
        extend it are one heavier company's: a truncated record of that company."""
        ext = extensions.get(k)
        if not ext:
            return []
        top, top_w = ext.most_common(1)[0]
        total = sum(w for c, w in ext.items() if c != child)
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
            institution = names_institution(p.split())
            other_body = not institution and any(
                w in BODY_WORDS and w not in p.split() for w in tail)
            if p in entity_of_key and not other_body and (dominant(p, child) or (
                    institution and tail[0] not in _TAIL_STARTS)):
                options.append((p, "extension", f"'{p}' followed by '{' '.join(tail)}'"))
                break
        lead = 0
        while lead < len(words) - 1 and words[lead] in REGION_WORDS:
            lead += 1
        if lead:
            p = " ".join(words[lead:])
            if p in entity_of_key and dominant(p, child):
                options.append((p, "regional", f"'{' '.join(words[:lead])}' in front of "
                                               f"'{p}'"))
        for i, w in enumerate(words[1:-1], start=1):
            if w == "OF":
                rest = words[i + 1:]
                rest = rest[1:] if rest[0] == "THE" and len(rest) > 1 else rest
                p = " ".join(rest)
                if p in entity_of_key and (names_institution(rest)
                                           or words[i - 1] in UNIT_WORDS):
                    options.append((p, "affiliate", f"'{' '.join(words[:i])}' of '{p}'"))
                    break
        if not (" " not in k and is_word(k)):
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
    for c in sorted(parents, key=lambda e: company_weight[e]):
        x, seen = c, set()
        while x in parents and x not in seen:
            seen.add(x)
            x = parents[x].parent
            if x == c:
                del parents[c]
                break
    return parents
