"""Every source warchest fetches: what it is, where it comes from, what loads it."""

from __future__ import annotations

from dataclasses import dataclass

from warchest.fetch.patentsview import PATENTSVIEW_URL
from warchest.fetch.schemes import CPC_URL, IPC_URL
from warchest.fetch.uspto import BULK_PRODUCTS, ODP_PRODUCTS_URL, PTAB_PROCEEDINGS_URL
from warchest.results import Result, Row


@dataclass(frozen=True)
class Source:
    """One source: the ``warchest fetch`` command, what it holds, its address, whether it
    needs a USPTO API key, and the load command that reads what it fetches."""

    command: str
    what: str
    address: str
    api_key: bool
    load: str


@dataclass(frozen=True)
class SourceList(Result):
    """Every source ``warchest fetch`` knows (``fetch_sources``), one row each."""

    sources: tuple[Source, ...]

    def rows(self) -> list[Row]:
        return [dict(s.__dict__) for s in self.sources]


SOURCES: tuple[Source, ...] = (
    Source("patentsview", "PatentsView granted-patent tables (g_*.tsv.zip)", PATENTSVIEW_URL,
           False, "warchest load patentsview CACHE/patentsview"),
    *(Source(p.source, f"{p.title} (ODP product {p.product})",
             f"{ODP_PRODUCTS_URL}{p.product}", True, p.load + (
                 f" CACHE/{p.source}" if p.load.startswith("warchest") else ""))
      for p in BULK_PRODUCTS.values()),
    Source("assignment-dataset", "Patent Assignment Dataset, CSV tables (USPTO Office of the "
           "Chief Economist)", "the release's folder (--base-url)", False,
           "warchest load assignments CACHE/assignment-dataset"),
    Source("litigation", "Patent Litigation Docket Reports Data: cases, names, patents CSV "
           "(USPTO Office of the Chief Economist)", "the release's folder (--base-url)",
           False, "warchest load litigation CACHE/litigation"),
    Source("ptab", "PTAB trial proceedings or documents (IPR, PGR, CBM), JSON Lines",
           PTAB_PROCEEDINGS_URL, True, "warchest load ptab CACHE/ptab"),
    Source("cpc", "CPC title list and scheme XML, one release", CPC_URL, False,
           "warchest load cpc CACHE/cpc"),
    Source("ipc", "IPC title list (WIPO), one release", IPC_URL, False,
           "warchest load ipc CACHE/ipc"),
)


def fetch_sources() -> SourceList:
    """Every source ``warchest fetch`` knows, with its address and the command that loads
    it."""
    return SourceList(SOURCES)
