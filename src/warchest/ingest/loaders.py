"""The ``load_*`` functions: which files each reads, and with which reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from warchest.errors import BadInputFile, UnknownTable
from warchest.ingest import (
    assignments,
    classification,
    cpc_xml,
    families,
    litigation,
    maintfee,
    patentsview,
    ppubs,
    ptab,
    uspto_xml,
)
from warchest.ingest.delimited import BLOCK_SIZE, Chunk, TableSpec, read_delimited
from warchest.ingest.runner import LoadReport, ProgressFn, run_load
from warchest.ingest.sources import Source, find_sources
from warchest.store import Engine

Reader = Callable[[IO[bytes]], Iterator[Chunk]]
Choice = tuple[str, Reader, str | None]
"""(label of the table read, reader, store table streamed in directly or None)"""


def _explicit_files(paths: Iterable[str | Path]) -> set[Path]:
    return {Path(p) for p in paths if Path(p).is_file()}


def _load_tables(
    store: Engine,
    paths: Iterable[str | Path],
    loader: str,
    suffixes: tuple[str, ...],
    choose: Callable[[Source], Choice | None],
    what: str,
    progress: ProgressFn | None,
    label: str | None,
) -> LoadReport:
    paths = list(paths)
    if not paths:
        raise BadInputFile(f"give at least one {what} file or folder to load")
    sources = find_sources(paths, suffixes, label)
    explicit = _explicit_files(paths)
    skipped: list[tuple[str, str]] = []
    plan: list[tuple[Source, Choice]] = []
    for source in sources:
        chosen = choose(source)
        if chosen is None:
            reason = f"{source.name} is not a {what} table warchest reads"
            if source.path in explicit and source.member is None:
                raise UnknownTable(f"{reason}; see `warchest load {loader} --help`")
            skipped.append((source.display, reason))
            continue
        plan.append((source, chosen))
    files = [run_load(store, source, loader, table, reader, progress, primary)
             for source, (table, reader, primary) in plan]
    return LoadReport(loader, tuple(files), tuple(skipped))


def _delimited(spec: TableSpec, source: Source, block_size: int) -> Reader:
    return lambda stream: read_delimited(stream, spec, source.display, block_size)


def load_patentsview(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
    block_size: int = BLOCK_SIZE,
) -> LoadReport:
    """Load PatentsView bulk tables (``g_*.tsv``, ``g_*.tsv.zip``, legacy ``patent.tsv``...).

    Files whose name is not a known table are skipped (and listed) when found in a folder,
    refused when named directly.
    """

    def choose(source: Source) -> Choice | None:
        spec = patentsview.spec_for(source.stem)
        if spec is None:
            return None
        return spec.name, _delimited(spec, source, block_size), spec.target

    return _load_tables(store, paths, "patentsview", (".tsv",), choose,
                        "PatentsView", progress, label)


def load_assignments(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load USPTO Patent Assignment Dataset tables (``assignment.csv``, ``assignor.csv``,
    ``assignee.csv``, ``documentid.csv``, ``assignment_conveyance.csv``)."""

    def choose(source: Source) -> Choice | None:
        spec = assignments.spec_for(source.stem)
        if spec is None:
            return None
        return spec.name, _delimited(spec, source, BLOCK_SIZE), spec.target

    return _load_tables(store, paths, "assignments", (".csv",), choose,
                        "assignment dataset", progress, label)


def load_cpc(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load CPC files: the official CPC title list (``cpc-section-*.txt``, or the
    ``CPCTitleList`` zip that holds them), CPC scheme XML files (titles) and the USPTO CPC
    Master Classification File (the CPC symbols of every granted patent)."""

    def choose(source: Source) -> Choice | None:
        if source.stem.startswith("cpc-section-"):
            return ("cpc_titles", lambda s: classification.read_cpc_titles(s, source.display),
                    "cpc_titles")
        if source.name.lower().endswith((".xml", ".xml.gz")):
            head = _head(source, 2048)
            if "<class-scheme" in head:
                return ("cpc scheme", lambda s: cpc_xml.read_scheme(s, source.display),
                        "cpc_titles")
            if "CPCMasterClassificationFile" in head:
                return ("cpc master classification",
                        lambda s: cpc_xml.read_master(s, source.display), "cpc")
        return None

    return _load_tables(store, paths, "cpc", (".txt", ".xml"), choose,
                        "CPC title list, scheme or master classification", progress, label)


def _head(source: Source, size: int = 4096) -> str:
    stream = source.open()
    try:
        return stream.read(size).decode("utf-8-sig", "replace")
    finally:
        stream.close()


def _first_line(source: Source) -> str:
    return _head(source).split("\n", 1)[0].lower()


def load_ipc(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load IPC titles (``symbol<TAB>title`` lines) and the IPC to WIPO technology field
    concordance (CSV with an ``IPC_code`` column)."""

    def choose(source: Source) -> Choice | None:
        first = _first_line(source)
        if "ipc_code" in first:
            return ("ipc_wipo_fields",
                    lambda s: classification.read_ipc_wipo(s, source.display), "ipc_wipo_fields")
        if "\t" in first and first.split("\t", 1)[0].strip()[:1].isalpha():
            return ("ipc_titles", lambda s: classification.read_ipc_titles(s, source.display),
                    "ipc_titles")
        return None

    return _load_tables(store, paths, "ipc", (".tsv", ".csv", ".txt"), choose,
                        "IPC title or IPC-WIPO concordance", progress, label)


def load_ppubs(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load USPTO full-text search JSON records (``*.jsonl``) and the citation CSV derived
    from them."""

    def choose(source: Source) -> Choice | None:
        if source.name.lower().endswith((".jsonl", ".jsonl.gz")):
            return "ppubs records", lambda s: ppubs.read_jsonl(s, source.display), None
        if source.stem.endswith("citations"):
            return "ppubs citations", lambda s: ppubs.read_citation_csv(s, source.display), None
        return None

    return _load_tables(store, paths, "ppubs", (".jsonl", ".csv"), choose,
                        "USPTO search record", progress, label)


def load_uspto_xml(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
    workers: int = 0,
) -> LoadReport:
    """Load USPTO full-text XML files (grants ``ipgYYMMDD.xml``, applications
    ``ipaYYMMDD.xml``; plain, ``.gz`` or inside ``.zip``), every DTD from ST.32 v2.4 (2001)
    to ICE v4.7. Documents are parsed by ``workers`` processes (0: one per core)."""

    def choose(source: Source) -> Choice | None:
        name = Path(source.member or source.path.name).name
        file_name = name[:-3] if name.lower().endswith(".gz") else name
        return ("uspto xml", lambda s: uspto_xml.read_xml(s, source.display, file_name,
                                                           workers), None)

    return _load_tables(store, paths, "uspto-xml", (".xml",), choose, "USPTO XML",
                        progress, label)


def load_maintenance(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load USPTO maintenance fee events (``MaintFeeEvents_yyyymmdd.txt``, plain or in the
    weekly ``MaintFeeEvents.zip``); see :mod:`warchest.ingest.maintfee`."""

    def choose(source: Source) -> Choice | None:
        if not source.stem.lower().startswith("maintfeeevents"):
            return None
        return ("maintenance_events",
                lambda s: maintfee.read_maintenance_events(s, source.display),
                "maintenance_events")

    return _load_tables(store, paths, "maintenance", (".txt",), choose,
                        "maintenance fee events (MaintFeeEvents_*.txt)", progress, label)


def load_families(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load patent family members: member-list CSV files (DOCDB/INPADOC style) and EPO OPS
    family XML responses; see :mod:`warchest.ingest.families`."""

    def choose(source: Source) -> Choice | None:
        name = source.name.lower()
        if name.endswith((".xml", ".xml.gz")):
            if not families.looks_like_ops_family(_head(source, 4096)):
                return None
            return ("families (EPO OPS XML)",
                    lambda s: families.read_ops_family_xml(s, source.display), "families")
        if "family_id" in _first_line(source).replace('"', ""):
            return ("families", lambda s: families.read_family_csv(s, source.display),
                    "families")
        return None

    return _load_tables(store, paths, "families", (".csv", ".xml"), choose,
                        "family member list (CSV with family_id) or EPO OPS family XML",
                        progress, label)


def load_ptab(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load PTAB proceedings and documents: the PTAB API's records as JSON Lines (what
    ``warchest fetch ptab`` writes), a JSON array or a saved API answer; see
    :mod:`warchest.ingest.ptab`."""

    def choose(source: Source) -> Choice | None:
        if source.name.lower().endswith((".jsonl", ".json", ".jsonl.gz", ".json.gz")):
            return "ptab records", lambda s: ptab.read_ptab(s, source.display), None
        return None

    return _load_tables(store, paths, "ptab", (".jsonl", ".json"), choose,
                        "PTAB record file (JSON Lines or JSON)", progress, label)


def load_litigation(
    store: Engine,
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn | None = None,
    label: str | None = None,
) -> LoadReport:
    """Load district-court patent litigation: the USPTO Patent Litigation Docket Reports
    Data's ``cases``, ``names`` (parties) and ``patents`` (patents in suit) CSV files; see
    :mod:`warchest.ingest.litigation`."""

    def choose(source: Source) -> Choice | None:
        spec = litigation.spec_for(source.stem)
        if spec is None:
            return None
        return spec.name, _delimited(spec, source, BLOCK_SIZE), spec.target

    return _load_tables(store, paths, "litigation", (".csv",), choose,
                        "litigation docket (cases, names or patents CSV)", progress, label)
