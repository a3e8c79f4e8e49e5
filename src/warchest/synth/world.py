"""The synthetic world: companies, technologies, markets and patents, drawn from a seed.

Companies are drawn with one ``numpy.random.Generator`` (PCG64) per concern, seeded from the
world seed, so the same seed gives the same world, byte for byte. Patents keep no state but
their company at grant: every other fact is a counter-based draw recomputed on demand
(``warchest.synth.patents``), and the large tables are written a chunk of patents at a time
(``warchest.synth.generate``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth.names import company_names, subsidiary_name

HERE = Path(__file__).parent
EPOCH = dt.date(1970, 1, 1)

ARCHETYPE_COUNTRIES = {
    "phone_maker": (("KR", 0.3), ("CN", 0.3), ("US", 0.25), ("JP", 0.15)),
    "telecom_standards": (("US", 0.3), ("CN", 0.25), ("FI", 0.15), ("SE", 0.15), ("KR", 0.15)),
    "chip_maker": (("US", 0.45), ("TW", 0.2), ("KR", 0.15), ("JP", 0.1), ("NL", 0.1)),
    "software_giant": (("US", 0.85), ("DE", 0.05), ("JP", 0.05), ("CN", 0.05)),
    "imaging": (("JP", 0.6), ("US", 0.2), ("NL", 0.1), ("DE", 0.1)),
    "automotive": (("JP", 0.35), ("DE", 0.3), ("US", 0.2), ("KR", 0.15)),
    "finance": (("US", 0.9), ("GB", 0.1)),
    "medical": (("US", 0.6), ("DE", 0.15), ("NL", 0.1), ("CH", 0.15)),
    "general": (("US", 0.5), ("JP", 0.15), ("DE", 0.1), ("CN", 0.08), ("KR", 0.05),
                ("FR", 0.04), ("GB", 0.04), ("TW", 0.04)),
}
TAIL_ARCHETYPES = (("general", 0.70), ("automotive", 0.05), ("medical", 0.05),
                   ("chip_maker", 0.04), ("software_giant", 0.05), ("imaging", 0.03),
                   ("finance", 0.03), ("phone_maker", 0.03), ("telecom_standards", 0.02))

# Product markets and the CPC main groups (prefixes) whose inventions read on products in them.
MARKETS: dict[str, tuple[str, ...]] = {
    "smartphone": ("H04M1/", "H04M3/", "H04W4/", "H04W52/", "G06F1/", "G06F3/", "H04N23/",
                   "H04B1/", "G09G"),
    "telecom_standards": ("H04W72/", "H04W74/", "H04W76/", "H04W36/", "H04W28/", "H04W24/",
                          "H04W56/", "H04W48/", "H04W8/", "H04L5/", "H04L1/", "H04L27/",
                          "H04B7/", "H04J"),
    "semiconductors": ("H01L", "H10B", "H10K", "H10N", "G11C", "C23C", "H01J37/"),
    "software_ui": ("G06F3/", "G06F9/", "G06F16/", "G06F21/", "G06F11/", "G06F8/", "H04L67/",
                    "G06N", "G06F40/", "H04L63/", "G06F12/"),
    "cameras": ("H04N23/", "H04N25/", "H04N5/", "H04N1/", "G03B", "G06T", "G02B"),
    "batteries": ("H01M", "H02J7/"),
    "automotive": ("B60", "F02", "F01N", "B62D", "F16H"),
    "payments": ("G06Q20/", "G06Q40/", "G06Q30/"),
    "medical_devices": ("A61B", "A61M", "A61G", "A61F", "A61N"),
}
HOME_MARKET = {"FI": "EP", "SE": "EP", "DE": "EP", "FR": "EP", "NL": "EP", "GB": "EP",
               "CH": "EP", "TW": "CN"}
"""The market a company's home country is part of, where it is not the country itself."""
WORLDWIDE_SHARE = 0.001
"""Above this share of the grants a company sells and files abroad (``Companies.worldwide``)."""
ARCHETYPE_PRODUCTS = {
    "phone_maker": ("smartphone", "cameras", "batteries", "software_ui", "telecom_standards"),
    "telecom_standards": ("telecom_standards", "smartphone"),
    "chip_maker": ("semiconductors", "telecom_standards"),
    "software_giant": ("software_ui", "payments"),
    "imaging": ("cameras", "medical_devices"),
    "automotive": ("automotive", "batteries"),
    "finance": ("payments",),
    "medical": ("medical_devices",),
    "general": (),
}


@dataclass(slots=True)
class Company:
    """One company (or subsidiary) of the world: a view of a row of ``Companies``."""

    id: int
    name: str
    base: str
    form: str
    country: str
    archetype: str
    share: float
    start_year: int
    parent: int | None = None
    markets: tuple[str, ...] = ()
    sells_in: tuple[str, ...] = ()
    focus: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    focus_weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    role: str = ""
    small_entity: bool = False


class Coded:
    """A column of a few distinct values (strings or tuples of them): each row a small
    code (1 or 2 bytes), each value kept once. ``column[i]`` is row i's value,
    ``column[ids]`` an object array of the rows' values."""

    def __init__(self, values: Iterable[Any]) -> None:
        index: dict[Any, int] = {}
        codes = [index.setdefault(v, len(index)) for v in values]
        self.table = np.empty(len(index), dtype=object)
        for value, code in index.items():
            self.table[code] = value
        dtype = np.uint8 if len(index) <= 2**8 else (
            np.uint16 if len(index) <= 2**16 else np.int32)
        self.codes = np.array(codes, dtype)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: Any) -> Any:
        return self.table[self.codes[i]]

    def matches(self, value: Any) -> np.ndarray:
        """Whether each row's value is ``value``."""
        return self.any_of([value])

    def any_of(self, values: list[Any], rows: np.ndarray | None = None) -> np.ndarray:
        """Whether the value of each row (of ``rows``, else of all) is one of ``values``."""
        hits = [k for k, v in enumerate(self.table.tolist()) if v in values]
        out: np.ndarray = np.isin(self.codes if rows is None else self.codes[rows], hits)
        return out

    def tolist(self) -> list[Any]:
        out: list[Any] = self.table[self.codes].tolist()
        return out


class Texts:
    """A column of strings kept as one UTF-8 block and offsets (the bytes of each string
    and 8 more, instead of a Python object of about 50 bytes more)."""

    def __init__(self, values: Iterable[str]) -> None:
        encoded = [v.encode() for v in values]
        self.blob = b"".join(encoded)
        self.offset = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum([len(e) for e in encoded], out=self.offset[1:])

    def __len__(self) -> int:
        return len(self.offset) - 1

    def __getitem__(self, i: int | np.integer[Any]) -> str:
        lo, hi = int(self.offset[i]), int(self.offset[i + 1])
        return self.blob[lo:hi].decode()


class Companies:
    """The world's companies as columns (about 70 bytes a company, most of it the name,
    and 12 bytes a focus cluster): ``companies[i]`` builds a ``Company`` view of row ``i``.

    Names are one UTF-8 block (``Texts``), the other text columns small codes (``Coded``);
    each company's focus clusters and weights are a range of two flat arrays (a subsidiary
    shares its parent's range), which ``release_focus`` frees once the sampler and the
    truth have what they need.
    """

    def __init__(self, name: list[str], base: list[str], form: list[str],
                 country: list[str], archetype: list[str], share: np.ndarray,
                 start_year: np.ndarray, parent: np.ndarray, role: list[str],
                 small_entity: np.ndarray) -> None:
        if not all(n.startswith(b) for n, b in zip(name, base, strict=True)):
            raise ValueError("a company's base name must begin its name")
        self.name = Texts(name)
        # the base name is the name's beginning ("Sunvale Electronics" of "Sunvale
        # Electronics Co., Ltd."): its length is kept, not a second string
        self.base_len = np.array([len(b) for b in base], np.int16)
        self.form = Coded(form)
        self.country = Coded(country)
        self.archetype = Coded(archetype)
        self.share = np.asarray(share, np.float64)
        self.start_year = np.asarray(start_year, np.int16)
        self.parent = np.asarray(parent, np.int32)  # -1: none
        self.role = Coded(role)
        self.small_entity = np.asarray(small_entity, bool)
        n = len(self.name)
        self.markets = Coded([()] * n)
        self.sells_in = Coded([()] * n)
        self.focus_start = np.zeros(n, np.int32)
        self.focus_len = np.zeros(n, np.int32)
        self.focus_flat = np.zeros(0, np.int32)
        self.focus_weight_flat = np.zeros(0)
        self.focus_released = False

    def __len__(self) -> int:
        return len(self.name)

    def base_of(self, i: int) -> str:
        """The company's name without its legal form."""
        out: str = self.name[i][:self.base_len[i]]
        return out

    def _row(self, i: int) -> Company:
        lo = int(self.focus_start[i])
        hi = lo + int(self.focus_len[i])
        parent = int(self.parent[i])
        return Company(i, self.name[i], self.base_of(i), self.form[i], self.country[i],
                       self.archetype[i], float(self.share[i]), int(self.start_year[i]),
                       None if parent < 0 else parent, self.markets[i], self.sells_in[i],
                       # copies: a view kept by a caller must not keep the flat
                       # arrays alive after ``release_focus``
                       self.focus_flat[lo:hi].copy(), self.focus_weight_flat[lo:hi].copy(),
                       self.role[i], bool(self.small_entity[i]))

    @overload
    def __getitem__(self, i: int) -> Company: ...

    @overload
    def __getitem__(self, i: slice) -> list[Company]: ...

    def __getitem__(self, i: int | slice) -> Company | list[Company]:
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._row(int(i) % len(self))

    def __iter__(self) -> Iterator[Company]:
        return (self._row(i) for i in range(len(self)))

    def release_focus(self) -> None:
        """Free the focus clusters (about 0.7 a patent, 12 bytes each) once nothing needs
        them: the company sampler keeps its own sorted copy and the truth's technology
        profiles are written. Views made afterwards have no focus clusters."""
        self.focus_flat = np.zeros(0, np.int32)
        self.focus_weight_flat = np.zeros(0)
        self.focus_start[:] = 0
        self.focus_len[:] = 0
        self.focus_released = True

    def nbytes(self) -> int:
        """Bytes held by the columns (the focus arrays included until released)."""
        arrays: list[np.ndarray] = [
            self.base_len, self.share, self.start_year, self.parent, self.small_entity,
            self.focus_start, self.focus_len, self.focus_flat, self.focus_weight_flat,
            self.name.offset]
        coded = [self.form, self.country, self.archetype, self.role, self.markets,
                 self.sells_in]
        return (len(self.name.blob) + sum(a.nbytes for a in arrays)
                + sum(c.codes.nbytes for c in coded))

    def worldwide(self, ids: np.ndarray) -> np.ndarray:
        """Whether each company sells, and files its families, in every large market: more
        than 0.1% of the grants, or one of the scenario's threats or its seller."""
        out: np.ndarray = (self.share[ids] > WORLDWIDE_SHARE) | self.role.any_of(
            ["threat", "seller"], ids)
        return out

    def with_role(self, role: str) -> list[int]:
        """Ids of the companies that play ``role`` in the scenario."""
        return [int(i) for i in np.flatnonzero(self.role.matches(role))]


@dataclass
class Technology:
    """Technology clusters: CPC main groups with their real symbols and markets."""

    groups: list[str]
    symbols: list[list[str]]
    subclass: np.ndarray
    markets: list[tuple[str, ...]]
    profiles: dict[str, np.ndarray]
    symbol_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    symbol_offset: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    symbol_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sub_members: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sub_offset: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sub_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        counts = np.array([len(s) for s in self.symbols], np.int64)
        self.symbol_count = counts
        self.symbol_offset = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.symbol_flat = np.array([x for s in self.symbols for x in s], dtype=object)
        order = np.argsort(self.subclass, kind="stable")
        self.sub_members = order.astype(np.int64)
        n_sub = int(self.subclass.max()) + 1 if len(self.subclass) else 0
        self.sub_count = np.bincount(self.subclass, minlength=n_sub).astype(np.int64)
        self.sub_offset = np.concatenate([[0], np.cumsum(self.sub_count)[:-1]]).astype(np.int64)

    def sibling_clusters(self, clusters: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A random cluster of the same subclass as each given cluster (u in [0, 1))."""
        sub = self.subclass[clusters]
        out: np.ndarray = self.sub_members[self.sub_offset[sub] + (
            u * self.sub_count[sub]).astype(np.int64)]
        return out

    def in_product(self, group: np.ndarray, clusters: np.ndarray, symbols: np.ndarray
                   ) -> np.ndarray:
        """Whether each symbol (index into ``symbol_flat``) is one of the product features
        a company group builds in that cluster: a fixed half of the cluster's symbols,
        drawn by a hash of (group, cluster, symbol), always with one anchor symbol. The
        group's own patents in its focus clusters take their first CPC symbol from this
        set, and truth/reads_on.csv uses the same set, so the truth leaves a trace in the
        data (the CPC subgroups the target files in)."""
        g = np.asarray(group).astype(np.uint64)
        c = np.asarray(clusters).astype(np.int64)
        j = np.asarray(symbols).astype(np.int64) - self.symbol_offset[c]
        h = ((g * np.uint64(1000003) + c.astype(np.uint64) * np.uint64(7919)
              + j.astype(np.uint64) * np.uint64(104729)) * np.uint64(2654435761)
             ) % np.uint64(2**32)
        out: np.ndarray = (h.astype(np.float64) / 2**32 < 0.5) | (j == self.anchor(group, c))
        return out

    def anchor(self, group: np.ndarray, clusters: np.ndarray) -> np.ndarray:
        """The product symbol a company group always has in a cluster (index within it)."""
        c = np.asarray(clusters).astype(np.int64)
        out: np.ndarray = (np.asarray(group).astype(np.int64) * 31 + c * 17) % \
            self.symbol_count[c]
        return out

    def pick_symbols(self, clusters: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Index into ``symbol_flat`` of a real symbol of each cluster (u in [0, 1))."""
        out: np.ndarray = self.symbol_offset[clusters] + (
            u * self.symbol_count[clusters]).astype(np.int64)
        return out

    @classmethod
    def load(cls) -> Technology:
        data = json.loads((HERE / "archetypes.json").read_text(encoding="utf-8"))
        general = data["profiles"]["general"]
        groups = sorted(general)
        index = {g: i for i, g in enumerate(groups)}
        subclasses = sorted({g[:4] for g in groups})
        sub_index = {s: i for i, s in enumerate(subclasses)}
        profiles = {}
        for name, counts in data["profiles"].items():
            weights = np.zeros(len(groups))
            for g, n in counts.items():
                weights[index[g]] = n
            profiles[name] = weights / weights.sum()
        markets = []
        for g in groups:
            stem = g.split("/")[0] + "/"
            markets.append(tuple(m for m, prefixes in MARKETS.items()
                                 if any(stem.startswith(p) or g.startswith(p)
                                        for p in prefixes)))
        return cls(
            groups=groups,
            symbols=[data["symbols"].get(g, [g]) for g in groups],
            subclass=np.array([sub_index[g[:4]] for g in groups], np.int32),
            markets=markets,
            profiles=profiles,
        )


SCENARIOS = ("smartphone-expansion",)

SMARTPHONE_ROLES = [
    # (role, fictional name, base, legal form, country, archetype, replaces top-10 slot)
    ("threat", "Sunvale Electronics Co., Ltd.", "Sunvale Electronics", "Co., Ltd.", "KR",
     "phone_maker", "Samsung"),
    ("seller", "Macrovance Software Corporation", "Macrovance Software", "Corporation", "US",
     "software_giant", "Microsoft"),
    ("threat", "Corvana Devices, Inc.", "Corvana Devices", "Inc.", "US", "phone_maker",
     "Apple"),
    ("threat", "Quintrel Incorporated", "Quintrel", "Incorporated", "US", "chip_maker",
     "Qualcomm"),
    ("threat", "Huvenna Technologies Co., Ltd.", "Huvenna Technologies", "Co., Ltd.", "CN",
     "telecom_standards", "Huawei"),
    ("threat", "Norrvik Networks Oy", "Norrvik Networks", "Oy", "FI", "telecom_standards",
     "Nokia"),
]
SELLER_ACQUIRED = ("telecom_standards", 40, 0.25)
"""The scenario seller also holds a wireless portfolio it acquired (the patents Microsoft
sold to Xiaomi in 2016 were reported to include wireless communications besides software):
that many more focus clusters drawn from that archetype's profile, holding that share of
its focus weight. Without it the software giant's patents hardly read on the
telecom-standards and chip threats (1 patent in force in the US against each of two of
them on the 300,000-patent world, seed 7)."""
BUYER = ("buyer", "Qinara Mobile Technology Co., Ltd.", "Qinara Mobile", "Technology Co., Ltd.",
         "CN", "phone_maker")


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    names = [o[0] for o in options]
    p = np.array([o[1] for o in options])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _acquire_focus(tech: Technology, own: np.ndarray, own_weights: np.ndarray, count: int,
                   seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The scenario seller's acquired portfolio: ``count`` more focus clusters (fewer when
    the profile has no more) drawn from the acquired profile (its own stream, so the rest
    of the world's draws stay where they were), none of them already its own, and the
    weights of all its focus clusters, the acquired ones holding SELLER_ACQUIRED[2]."""
    profile = tech.profiles[SELLER_ACQUIRED[0]].copy()
    profile[own] = 0.0
    count = min(count, int(np.count_nonzero(profile)))
    if count == 0:
        return np.zeros(0, np.int32), own_weights
    rng = np.random.default_rng([seed, 9])
    f = rng.choice(len(profile), size=count, replace=False, p=profile / profile.sum())
    w = rng.gamma(0.7, size=count) * profile[f]
    share = SELLER_ACQUIRED[2]
    weights = np.concatenate([own_weights * (1 - share), w / w.sum() * share])
    return f.astype(np.int32), weights


def make_companies(n_patents: int, seed: int, tech: Technology, scenario: str | None
                   ) -> Companies:
    """The companies of the world: the top-10 analogues of 2016's largest US patentees with
    their real grant shares, a Zipf tail, subsidiaries, and the scenario's firms."""
    rng = np.random.default_rng([seed, 1])
    n = max(60, int(n_patents * cal.COMPANIES_PER_PATENT))
    assigned_share = 1 - cal.UNASSIGNED_SHARE
    top = [(label, count / cal.GRANTS_2016 / assigned_share, arch)
           for label, count, arch in cal.TOP_2016]
    top_total = sum(s for _, s, _ in top)
    ranks = np.arange(1, n - len(top) + 1, dtype=float)
    tail = ranks ** -cal.TAIL_EXPONENT
    tail = tail / tail.sum() * (1 - top_total)
    archetypes = [a for _, _, a in top] + [_choice(rng, TAIL_ARCHETYPES) for _ in tail]
    countries = [_choice(rng, ARCHETYPE_COUNTRIES[a]) for a in archetypes]
    shares = np.concatenate([[s for _, s, _ in top], tail])
    named = company_names(rng, archetypes, countries)
    names = [x[0] for x in named]
    bases = [x[1] for x in named]
    forms = [x[2] for x in named]
    del named
    roles = [""] * n
    if scenario == "smartphone-expansion":
        slots = {label: i for i, (label, _, _) in enumerate(top)}
        for role, name, base, form, country, arch, slot in SMARTPHONE_ROLES:
            i = slots[slot]
            roles[i], names[i], bases[i], forms[i], countries[i] = role, name, base, form, \
                country
            archetypes[i] = arch
    starts = [1976 if i < 30 else int(rng.integers(1976, 2021)) for i in range(n)]
    parents = [-1] * n
    small = [i > n // 20 for i in range(n)]
    extra_shares: list[float] = []

    def add(role: str, name: str, base: str, form: str, country: str, arch: str,
            start: int, parent: int, share: float) -> None:
        for column, value in ((roles, role), (names, name), (bases, base), (forms, form),
                              (countries, country), (archetypes, arch)):
            column.append(value)
        starts.append(start)
        parents.append(parent)
        small.append(False)
        extra_shares.append(share)

    if scenario == "smartphone-expansion":
        role, name, base, form, country, arch = BUYER
        add(role, name, base, form, country, arch, 2014, -1, 1 / 20000)
    # subsidiaries of the larger companies: own legal names, same technology
    taken = {x.lower() for x in names}
    for parent in range(max(10, n // 20)):
        sub_name, sub_country = subsidiary_name(bases[parent], rng)
        if sub_name.lower() in taken:
            continue
        taken.add(sub_name.lower())
        add("", sub_name, sub_name.rsplit(" ", 1)[0], sub_name.rsplit(" ", 1)[-1],
            sub_country, archetypes[parent], max(starts[parent], 1980), parent, 0.0)
    del taken
    out = Companies(names, bases, forms, countries, archetypes,
                    np.concatenate([shares, extra_shares]),
                    np.array(starts), np.array(parents), roles, np.array(small))
    # each top-level company's number of focus clusters, then the clusters drawn in place
    # into two flat arrays (no small array kept per company)
    own = out.parent < 0
    nonzero = {a: int(np.count_nonzero(tech.profiles.get(a, tech.profiles["general"])))
               for a in set(archetypes)}
    size = np.zeros(len(out), np.int64)
    for i in np.flatnonzero(own).tolist():
        k = int(min(400, 6 + 25 * math.log10(1 + float(out.share[i]) * n_patents)))
        size[i] = min(k, nonzero[archetypes[i]])
    # room for the scenario seller's acquired portfolio (SELLER_ACQUIRED)
    acquired = np.zeros(len(out), np.int64)
    if scenario == "smartphone-expansion":
        acquired[out.with_role("seller")] = SELLER_ACQUIRED[1]
    size += acquired
    out.focus_start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int32)
    out.focus_len = size.astype(np.int32)
    out.focus_flat = np.zeros(int(size.sum()), np.int32)
    out.focus_weight_flat = np.zeros(int(size.sum()))
    market_tuples = {m: (m,) for m in MARKETS}
    worldwide = out.worldwide(np.arange(len(out)))
    sells_tuples: dict[frozenset[str], tuple[str, ...]] = {}
    market_column: list[tuple[str, ...]] = []
    sells_column: list[tuple[str, ...]] = []
    for i in range(len(out)):
        arch = archetypes[i]
        profile = tech.profiles.get(arch, tech.profiles["general"])
        if parents[i] >= 0:  # a subsidiary: its parent's range (parents come first)
            out.focus_start[i] = out.focus_start[parents[i]]
            out.focus_len[i] = out.focus_len[parents[i]]
        else:
            lo, k = int(out.focus_start[i]), int(out.focus_len[i] - acquired[i])
            f = rng.choice(len(profile), size=k, replace=False, p=profile).astype(np.int32)
            w = rng.gamma(0.7, size=k) * profile[f]
            out.focus_flat[lo:lo + k] = f
            out.focus_weight_flat[lo:lo + k] = w / w.sum()
            if acquired[i]:
                extra, weights = _acquire_focus(tech, f, out.focus_weight_flat[lo:lo + k],
                                                int(acquired[i]), seed)
                out.focus_len[i] = k + len(extra)
                out.focus_flat[lo + k:lo + k + len(extra)] = extra
                out.focus_weight_flat[lo:lo + k + len(extra)] = weights
        markets = ARCHETYPE_PRODUCTS.get(arch, ())
        if arch == "general" and rng.random() < 0.3:
            markets = market_tuples[str(rng.choice(list(MARKETS)))]
        market_column.append(markets)
        country = countries[i]
        sells = {"US", HOME_MARKET.get(country, country)}
        if worldwide[i]:
            sells |= {"EP", "DE", "GB", "FR", "CN", "JP", "KR"}
        if out.role[i] == "buyer":
            sells = {"CN", "IN"}  # home markets only: it wants to enter the US and Europe
        key = frozenset(sells)
        sells_column.append(sells_tuples.setdefault(key, tuple(sorted(sells))))
    out.markets = Coded(market_column)
    out.sells_in = Coded(sells_column)
    return out


def tuesdays(year: int) -> np.ndarray:
    """Days (since 1970-01-01) of the Tuesdays of a year: US patents issue on Tuesdays."""
    first = dt.date(year, 1, 1)
    offset = (1 - first.weekday()) % 7
    start = (first - EPOCH).days + offset
    end = (dt.date(year, 12, 31) - EPOCH).days
    return np.arange(start, end + 1, 7, dtype=np.int32)


def day_of(value: str) -> int:
    return (dt.date.fromisoformat(value) - EPOCH).days


def interpolate(points: tuple[tuple[int, float], ...], years: np.ndarray) -> np.ndarray:
    xs = np.array([p[0] for p in points], float)
    ys = np.array([p[1] for p in points], float)
    out: np.ndarray = np.interp(years, xs, ys)
    return out
