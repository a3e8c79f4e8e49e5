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
from dataclasses import dataclass, field
from pathlib import Path

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
    """A true company (or subsidiary) of the world."""

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
BUYER = ("buyer", "Qinara Mobile Technology Co., Ltd.", "Qinara Mobile", "Technology Co., Ltd.",
         "CN", "phone_maker")


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    names = [o[0] for o in options]
    p = np.array([o[1] for o in options])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def make_companies(n_patents: int, seed: int, tech: Technology, scenario: str | None
                   ) -> list[Company]:
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
    shares = [s for _, s, _ in top] + tail.tolist()
    named = company_names(rng, archetypes, countries)
    roles: dict[int, tuple[str, str, str, str, str]] = {}
    if scenario == "smartphone-expansion":
        slots = {label: i for i, (label, _, _) in enumerate(top)}
        for role, name, base, form, country, arch, slot in SMARTPHONE_ROLES:
            i = slots[slot]
            roles[i] = (role, name, base, form, country)
            archetypes[i] = arch
    companies: list[Company] = []
    for i in range(n):
        name, base, form = named[i]
        country = countries[i]
        role = ""
        if i in roles:
            role, name, base, form, country = roles[i]
        start = 1976 if i < 30 else int(rng.integers(1976, 2021))
        companies.append(Company(i, name, base, form, country, archetypes[i], shares[i],
                                 start, role=role, small_entity=i > n // 20))
    if scenario == "smartphone-expansion":
        role, name, base, form, country, arch = BUYER
        companies.append(Company(len(companies), name, base, form, country, arch,
                                 1 / 20000, 2014, role=role, small_entity=False))
    # subsidiaries of the larger companies: own legal names, same technology
    taken = {c.name.lower() for c in companies}
    for parent in list(companies[: max(10, n // 20)]):
        sub_name, sub_country = subsidiary_name(parent.base, rng)
        if sub_name.lower() in taken:
            continue
        taken.add(sub_name.lower())
        companies.append(Company(len(companies), sub_name, sub_name.rsplit(" ", 1)[0],
                                     sub_name.rsplit(" ", 1)[-1], sub_country, parent.archetype,
                                     0.0, max(parent.start_year, 1980), parent=parent.id))
    for c in companies:
        profile = tech.profiles.get(c.archetype, tech.profiles["general"])
        source = companies[c.parent] if c.parent is not None else c
        if c.parent is not None:
            c.focus, c.focus_weights = source.focus, source.focus_weights
        else:
            k = int(min(400, 6 + 25 * math.log10(1 + c.share * n_patents)))
            k = min(k, int(np.count_nonzero(profile)))
            c.focus = rng.choice(len(profile), size=k, replace=False, p=profile).astype(np.int32)
            w = rng.gamma(0.7, size=k) * profile[c.focus]
            c.focus_weights = w / w.sum()
        c.markets = ARCHETYPE_PRODUCTS.get(c.archetype, ())
        if c.archetype == "general" and rng.random() < 0.3:
            c.markets = (str(rng.choice(list(MARKETS))),)
        home = {"FI": "EP", "SE": "EP", "DE": "EP", "FR": "EP", "NL": "EP", "GB": "EP",
                "CH": "EP", "TW": "CN"}.get(c.country, c.country)
        sells = {"US", home}
        if c.share > 0.001 or c.role in ("threat", "seller"):
            sells |= {"EP", "DE", "GB", "FR", "CN", "JP", "KR"}
        if c.role == "buyer":
            sells = {"CN", "IN"}  # home markets only: it wants to enter the US and Europe
        c.sells_in = tuple(sorted(sells))
    return companies


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
