"""Name resolution: raw organisation names -> companies, every merge with its reason.

The method, in order (each step only adds links between distinct normalised names; the
entities are the connected components, and every link is kept as evidence):

1. ``same key``: equal after ``normalise_name`` (legal forms, punctuation, case, accents,
   abbreviations, governments and "on behalf of" clauses).
2. ``same words``: the same words in another order, ignoring articles and prepositions
   (BOARD OF REGENTS UNIVERSITY OF TEXAS = UNIVERSITY OF TEXAS BOARD OF REGENTS).
3. ``spelling``: a typo or spacing variant. Candidates are blocked on the first and the last
   four letters of the name without spaces, compared by edit distance (optimal string
   alignment: an adjacent transposition is one edit, so THTYH = THYTH; at most 1 for names
   of 5-9 letters, 2 from 10, 3 from 25); the words that differ must themselves be close
   (one edit for words of 5-8 letters, two from 9; none below 5, so NAVY / ARMY and
   PIOS / PIOR stay apart) and carry no digits.
4. ``extension``: a name that is another name plus trailing words (HONEYWELL INTERNATIONAL
   -> HONEYWELL), when the shorter name is distinctive (two words or more, or one word of six
   letters or more used by several mentions), the extra words introduce no other kind of
   body (UNIVERSITY, AGENCY, FOUNDATION, ...) and no "represented by" / "on behalf of"
   clause. The longer name joins the longest such name.
5. ``acronym``: a one-word name that is the initials of a longer name (UOP = UNIVERSAL OIL
   PRODUCTS), when that longer name's entity holds nine tenths of all the mentions whose
   name has those initials.

Evidence from locations (countries) and co-occurrence: two names whose mentions are
co-assignees of the same patent are never linked by rules 3-5 (a patent's co-owners are
different companies); a rule 3-5 link between names whose known countries disagree is
refused.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from warchest.owners.names import ACRONYM_SKIPS, acronym, compact_key, normalise_name

# words that name a kind of body: an extension adding one makes a different body
BODY_WORDS = frozenset({
    "UNIVERSITY", "COLLEGE", "INSTITUTE", "HOSPITAL", "FOUNDATION", "AGENCY", "SCHOOL",
    "COUNCIL", "MINISTRY", "DEPARTMENT", "BOARD", "REGENTS", "TRUST", "CLINIC",
    "GOVERNMENT", "COMMISSION", "ACADEMY", "SOCIETY", "ASSOCIATION", "FUND", "BANK",
    "CENTER", "LABORATORY", "LABORATORIES", "AUTHORITY", "SECRETARY", "STATE", "CITY",
    "COUNTY", "MUSEUM", "CHURCH", "TRUSTEES", "FONDATION", "STIFTUNG", "UNIVERSITE",
})
CLAUSE_WORDS = ("REPRESENTED", "BEHALF", "ACTING", "THROUGH")


@dataclass(frozen=True)
class Link:
    """Why two normalised names were put in one entity."""

    a: str
    b: str
    rule: str
    detail: str


@dataclass
class Resolution:
    """Raw names -> entities, with the links that made each entity."""

    entity_of_key: dict[str, str]  # normalised key -> entity id
    name_of_entity: dict[str, str]  # entity id -> display name (its most used raw name)
    key_of_raw: dict[str, str]  # raw name -> normalised key
    links: list[Link] = field(default_factory=list)

    def entity(self, raw: str) -> str:
        return self.entity_of_key[self.key_of_raw[raw]]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def _content(key: str) -> tuple[str, ...]:
    return tuple(sorted(t for t in key.split() if t not in ACRONYM_SKIPS))


def _max_edits(length: int) -> int:
    if length < 5:
        return 0
    return 1 if length < 10 else 2 if length < 25 else 3


def _words_close(a: str, b: str) -> bool:
    """The words that differ between two names are typos of each other, not other words."""
    wa, wb = Counter(a.split()), Counter(b.split())
    left, right = sorted((wa - wb).elements()), sorted((wb - wa).elements())
    if any(ch.isdigit() for w in left + right for ch in w):
        return False
    if not left or not right:  # only spacing or a dropped short word
        extra = left + right
        return len("".join(extra)) <= 2 or compact_key(a) == compact_key(b)
    joined_l, joined_r = "".join(left), "".join(right)
    if joined_l == joined_r:
        return True
    # short words differing by a letter are usually other words (PIOS / PIOR, NAVY / ARMY)
    shortest = min(len(joined_l), len(joined_r))
    allowed = 0 if shortest < 5 else 1 if shortest < 9 else 2
    return bool(OSA.distance(joined_l, joined_r) <= allowed)


def _blocks(compact: Sequence[str]) -> Iterable[tuple[list[int], list[int]]]:
    """Candidate pairs: names sharing their first or last four letters whose lengths differ
    by at most 3, as (rows, columns) blocks of bounded size."""
    by: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, c in enumerate(compact):
        if len(c) >= 5:
            by[("^" + c[:4], len(c))].append(i)
            by[("$" + c[-4:], len(c))].append(i)
    for (block, length), rows in by.items():
        cols = [j for d in range(4) for j in by.get((block, length + d), [])]
        for start in range(0, len(rows), 2000):
            yield rows[start:start + 2000], cols


def resolve_names(
    names: Iterable[str],
    counts: dict[str, int] | None = None,
    countries: dict[str, set[str]] | None = None,
    co_assigned: Iterable[tuple[str, str]] = (),
    same_entity: Iterable[tuple[str, str, str, str]] = (),
    separate: Iterable[str] = (),
) -> Resolution:
    """Cluster raw organisation names into entities.

    ``counts``: mentions per raw name (weights the display name and the acronym rule);
    ``countries``: known countries per raw name; ``co_assigned``: pairs of raw names that
    share a patent (never merged by a fuzzy rule); ``same_entity``: (raw name, raw name,
    rule, detail) links known from elsewhere (a recorded change of name, a user's merge);
    ``separate``: raw names a user split off (no rule links them to anything).
    """
    counts = counts or {}
    key_of_raw: dict[str, str] = {}
    weight: Counter[str] = Counter()
    for raw in names:
        key = normalise_name(raw) or raw.strip().upper()
        key_of_raw[raw] = key
        weight[key] += counts.get(raw, 1)
    keys = sorted(weight)
    key_countries: dict[str, set[str]] = defaultdict(set)
    for raw, cs in (countries or {}).items():
        if raw in key_of_raw:
            key_countries[key_of_raw[raw]] |= {c for c in cs if c}
    apart = {frozenset((key_of_raw[a], key_of_raw[b])) for a, b in co_assigned
             if a in key_of_raw and b in key_of_raw and key_of_raw[a] != key_of_raw[b]}
    links: list[Link] = []
    uf = _Union()
    alone = {key_of_raw[r] for r in separate if r in key_of_raw}

    def link(a: str, b: str, rule: str, detail: str, fuzzy: bool = True) -> None:
        if (a in alone or b in alone) and rule != "override":
            return
        if fuzzy:
            if frozenset((a, b)) in apart:
                return
            ca, cb = key_countries.get(a), key_countries.get(b)
            if ca and cb and not ca & cb:
                return
        if uf.union(a, b):
            links.append(Link(a, b, rule, detail))

    # known links: a user's merges first, then recorded changes of name
    for ra, rb, rule, detail in same_entity:
        if ra in key_of_raw and rb in key_of_raw:
            link(key_of_raw[ra], key_of_raw[rb], rule, detail, fuzzy=False)

    # 2. the same words in another order
    by_words: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for k in keys:
        by_words[_content(k)].append(k)
    for group in by_words.values():
        for other in group[1:]:
            link(group[0], other, "same words", "same words, other order or articles",
                 fuzzy=False)

    # 3. spelling variants, blocked
    compact = [compact_key(k) for k in keys]
    for rows, cols in _blocks(compact):
        dist = cdist([compact[i] for i in rows], [compact[j] for j in cols],
                     scorer=OSA.distance, score_cutoff=3, workers=1)
        for x, y in zip(*(dist <= 3).nonzero(), strict=True):
            i, j = rows[int(x)], cols[int(y)]
            d = int(dist[x, y])
            # each pair once: the row is never longer than the column (blocks look up)
            if i == j or (len(compact[i]) == len(compact[j]) and i > j) \
                    or d > _max_edits(min(len(compact[i]), len(compact[j]))):
                continue
            if uf.find(keys[i]) != uf.find(keys[j]) and _words_close(keys[i], keys[j]):
                link(keys[i], keys[j], "spelling", f"{d} letter edit(s)")

    # 4. extensions: NAME + trailing words -> NAME
    key_set = set(keys)
    for k in sorted(keys, key=len):
        words = k.split()
        for cut in range(len(words) - 1, 0, -1):
            head = " ".join(words[:cut])
            if head not in key_set:
                continue
            tail = words[cut:]
            if not _distinctive(head, weight[head]):
                break
            head_words = set(head.split())
            if any(w in BODY_WORDS and w not in head_words for w in tail) \
                    or any(w in CLAUSE_WORDS for w in words):
                break
            link(k, head, "extension", f"'{head}' followed by '{' '.join(tail)}'")
            break

    # 5. acronyms
    by_initials: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        words = k.split()
        if len([w for w in words if w not in ACRONYM_SKIPS]) >= 3:
            by_initials[acronym(words)].append(k)
    for k in keys:
        cands = by_initials.get(k, [])
        if " " in k or len(k) < 3 or not cands:
            continue
        per_entity: Counter[str] = Counter()
        for c in cands:
            per_entity[uf.find(c)] += weight[c]
        best, best_w = per_entity.most_common(1)[0]
        if best_w >= 0.9 * sum(per_entity.values()):
            target = max((c for c in cands if uf.find(c) == best), key=lambda c: weight[c])
            link(k, target, "acronym", f"'{k}' = initials of '{target}'")

    # entities: id from the most used key of the component, name from its most used raw name
    members: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        members[uf.find(k)].append(k)
    raw_by_key: dict[str, list[str]] = defaultdict(list)
    for raw, k in key_of_raw.items():
        raw_by_key[k].append(raw)
    entity_of_key: dict[str, str] = {}
    name_of_entity: dict[str, str] = {}
    for group in members.values():
        head = max(group, key=lambda k: (weight[k], k))
        eid = "E" + hashlib.sha1(head.encode()).hexdigest()[:10]
        raws = [r for k in group for r in raw_by_key[k]]
        name_of_entity[eid] = max(raws, key=lambda r: (counts.get(r, 1), r))
        for k in group:
            entity_of_key[k] = eid
    return Resolution(entity_of_key, name_of_entity, key_of_raw, links)


def _distinctive(head: str, mentions: int) -> bool:
    words = head.split()
    if len(words) >= 2:
        return any(w not in ACRONYM_SKIPS for w in words[1:]) or len(words) > 2
    return (len(head) >= 6 and mentions >= 3) or (len(head) >= 4 and mentions >= 50)
