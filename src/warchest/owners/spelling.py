"""Spelling variants: names that differ in one misspelt word, only in spacing, or only in
function words inside the name, found without comparing every pair."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import OSA

from warchest.owners.bodies import FUNCTION_WORDS
from warchest.owners.names import compact_key
from warchest.owners.words import misspelt, typo_allowance


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
    two words within ``k`` edits share one). Words over 40 letters (not a word, a run of
    letters) are matched exactly: their variants would cost the cube of their length."""
    if len(word) > 40:
        return {word}
    out, frontier = {word}, {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def spelling_pairs(keys: Sequence[str]) -> Iterable[tuple[int, int, int]]:
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
