"""warchest: who owns which patents, what they are worth, who can sue whom, and which
patents to buy, from the public bulk patent data.

The typed functions below are the product; the command line (``warchest --help``) is a
thin layer over them::

    import warchest
    with warchest.Store("warchest.duckdb") as store:
        warchest.load_patentsview(store, ["g_patent.tsv.zip"])
        warchest.resolve_owners(store)
        warchest.compute_values(store)
        warchest.describe_patent(store, "US 10,000,000 B2")

The store and its data:
    Store                        the DuckDB store: open, query, transactions (`with Store(path) as
                                 store:`)
    default_db_path              the store used when none is given ($WARCHEST_DB or
                                 ./warchest.duckdb)
    store_status                 tables, row counts, the load log and provenance labels of a store
    quarantined_rows             rows a load set aside, with file, line and reason
    fetch_patentsview            download PatentsView tables (resumes, verifies checksums)
    load_patentsview             load PatentsView tables (granted patents, CPC, assignees,
                                 citations, ...)
    load_uspto_xml               load USPTO full-text grant and application XML, every DTD since
                                 2001
    load_assignments             load the USPTO patent assignment (reassignment) dataset
    load_maintenance             load maintenance-fee events (what lapsed for unpaid fees)
    load_families                load patent families (CSV, or EPO OPS family XML)
    load_cpc                     load the CPC scheme: title list, scheme XML, master classification
                                 file
    load_ipc                     load IPC titles and the IPC-to-WIPO technology field concordance
    load_ppubs                   load USPTO patent public search (ppubs) JSON records and citation
                                 CSV
    load_samples                 load the small real samples shipped with warchest
    LoadReport                   what a load did, file by file: read = loaded + quarantined
    FileResult                   the outcome of loading one file

Patents:
    describe_patent              everything the store knows about one patent
    normalize_patent_number      a patent number in any format as the store's id (US10000000B2 ->
                                 10000000)
    try_normalize_patent_number  the same, None for a text that is not a patent number
    normalize_application_number an application number as the store writes it

Owners: who owns what, on any date:
    resolve_owners               names -> companies and groups -> ownership periods (through
                                 reassignments)
    find_owners                  companies matching a name, with their name variants and patent
                                 counts
    show_owner                   one company: its names, parents, subsidiaries and the evidence
    portfolio                    the patents a company owns on a date, and how each was acquired
    add_override                 a user decision (merge, split, parent) that wins over automatic
                                 ones
    import_groups                parent/subsidiary relations from CSV, YAML or GLEIF
    cluster_names_file           the same name resolver on a CSV of names

Value: what a patent is worth:
    compute_values               terms, in-force status per market, indicators and values for every
                                 patent
    patent_value                 one patent's term, status, markets and value, with the indicators
                                 behind it
    portfolio_value              a company's patents in force on a date, valued
    compare_portfolios           several companies' portfolios side by side

Technology map:
    map_technology               patents -> product areas (CPC and keyword taxonomy)
    describe_symbol              a CPC symbol's title and its place in the hierarchy
    find_similar                 the patents nearest to a patent or a text

Exposure and deterrence: who can sue whom, with which patents:
    compute_exposure             the exposure matrix of firms in one market, with its evidence
    compute_exposures            the same for several markets in one pass
    explain_exposure             the patents and evidence behind one holder -> target score
    deterrence                   a company's power against each threat per market, and where it is
                                 naked
    ExposureConfig               the evidence weights (from a YAML file or the defaults)

Deal: which patents to buy, at what price:
    load_scenario                a deal scenario (buyer, seller, threats, markets, size, budget)
                                 from YAML
    plan_deal                    the package to buy, with a bound on its optimality, before/after
                                 and price
    write_deal_report            the deal's HTML report, package CSV and JSON
    cross_licence                the balancing payment of a cross-licence between two companies

Synthetic worlds and the demo (SYNTHETIC data, labelled so):
    generate_world               a synthetic patent world in the real bulk formats, with its truth
    report_world                 a generated world against the calibration targets
    run_demo                     the main job end to end on a synthetic world: store, values,
                                 exposure, deal report
    run_block_world              the patent-blocks known-answer world and its deal

Errors and version:
    WarchestError                every error a user can cause (bad input, unknown name, a missing
                                 step)
    __version__                  the installed version

Importing the package does nothing else: no files, no network, no logging handlers. Its
names are imported when first used (PEP 562), so that ``import warchest.synth`` does not
load DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warchest.deal import (
        cross_licence,
        load_scenario,
        plan_deal,
    )
    from warchest.deal.report import (
        write_outputs as write_deal_report,
    )
    from warchest.demo import (
        load_samples,
        run_block_world,
    )
    from warchest.demo import (
        run_world_demo as run_demo,
    )
    from warchest.errors import (
        WarchestError,
    )
    from warchest.exposure import (
        ExposureConfig,
        compute_exposure,
        compute_exposures,
        deterrence,
    )
    from warchest.exposure import (
        explain as explain_exposure,
    )
    from warchest.fetch import (
        fetch_patentsview,
    )
    from warchest.ingest import (
        FileResult,
        LoadReport,
        load_assignments,
        load_cpc,
        load_families,
        load_ipc,
        load_maintenance,
        load_patentsview,
        load_ppubs,
        load_uspto_xml,
    )
    from warchest.numbers import (
        normalize_application_number,
        normalize_patent_number,
        try_normalize_patent_number,
    )
    from warchest.owners import (
        add_override,
        cluster_names_file,
        find_owners,
        import_groups,
        portfolio,
        resolve_owners,
        show_owner,
    )
    from warchest.patents import (
        describe_patent,
    )
    from warchest.status import (
        quarantined_rows,
        store_status,
    )
    from warchest.store import (
        Store,
        default_db_path,
    )
    from warchest.synth import (
        generate_world,
        report_world,
    )
    from warchest.techmap import (
        describe_symbol,
        map_technology,
    )
    from warchest.techmap.similar import (
        find_similar,
    )
    from warchest.value import (
        compare_portfolios,
        compute_values,
        patent_value,
        portfolio_value,
    )
    from warchest.version import (
        __version__,
    )

_HOME: dict[str, tuple[str, str]] = {
    "Store": ("warchest.store", "Store"),
    "default_db_path": ("warchest.store", "default_db_path"),
    "store_status": ("warchest.status", "store_status"),
    "quarantined_rows": ("warchest.status", "quarantined_rows"),
    "fetch_patentsview": ("warchest.fetch", "fetch_patentsview"),
    "load_patentsview": ("warchest.ingest", "load_patentsview"),
    "load_uspto_xml": ("warchest.ingest", "load_uspto_xml"),
    "load_assignments": ("warchest.ingest", "load_assignments"),
    "load_maintenance": ("warchest.ingest", "load_maintenance"),
    "load_families": ("warchest.ingest", "load_families"),
    "load_cpc": ("warchest.ingest", "load_cpc"),
    "load_ipc": ("warchest.ingest", "load_ipc"),
    "load_ppubs": ("warchest.ingest", "load_ppubs"),
    "load_samples": ("warchest.demo", "load_samples"),
    "LoadReport": ("warchest.ingest", "LoadReport"),
    "FileResult": ("warchest.ingest", "FileResult"),
    "describe_patent": ("warchest.patents", "describe_patent"),
    "normalize_patent_number": ("warchest.numbers", "normalize_patent_number"),
    "try_normalize_patent_number": ("warchest.numbers", "try_normalize_patent_number"),
    "normalize_application_number": ("warchest.numbers", "normalize_application_number"),
    "resolve_owners": ("warchest.owners", "resolve_owners"),
    "find_owners": ("warchest.owners", "find_owners"),
    "show_owner": ("warchest.owners", "show_owner"),
    "portfolio": ("warchest.owners", "portfolio"),
    "add_override": ("warchest.owners", "add_override"),
    "import_groups": ("warchest.owners", "import_groups"),
    "cluster_names_file": ("warchest.owners", "cluster_names_file"),
    "compute_values": ("warchest.value", "compute_values"),
    "patent_value": ("warchest.value", "patent_value"),
    "portfolio_value": ("warchest.value", "portfolio_value"),
    "compare_portfolios": ("warchest.value", "compare_portfolios"),
    "map_technology": ("warchest.techmap", "map_technology"),
    "describe_symbol": ("warchest.techmap", "describe_symbol"),
    "find_similar": ("warchest.techmap.similar", "find_similar"),
    "compute_exposure": ("warchest.exposure", "compute_exposure"),
    "compute_exposures": ("warchest.exposure", "compute_exposures"),
    "explain_exposure": ("warchest.exposure", "explain"),
    "deterrence": ("warchest.exposure", "deterrence"),
    "ExposureConfig": ("warchest.exposure", "ExposureConfig"),
    "load_scenario": ("warchest.deal", "load_scenario"),
    "plan_deal": ("warchest.deal", "plan_deal"),
    "write_deal_report": ("warchest.deal.report", "write_outputs"),
    "cross_licence": ("warchest.deal", "cross_licence"),
    "generate_world": ("warchest.synth", "generate_world"),
    "report_world": ("warchest.synth", "report_world"),
    "run_demo": ("warchest.demo", "run_world_demo"),
    "run_block_world": ("warchest.demo", "run_block_world"),
    "WarchestError": ("warchest.errors", "WarchestError"),
    "__version__": ("warchest.version", "__version__"),
}
"""Each public name: the module it comes from and its name there."""


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'warchest' has no attribute {name!r}")
    value = getattr(importlib.import_module(home[0]), home[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "ExposureConfig",
    "FileResult",
    "LoadReport",
    "Store",
    "WarchestError",
    "__version__",
    "add_override",
    "cluster_names_file",
    "compare_portfolios",
    "compute_exposure",
    "compute_exposures",
    "compute_values",
    "cross_licence",
    "default_db_path",
    "describe_patent",
    "describe_symbol",
    "deterrence",
    "explain_exposure",
    "fetch_patentsview",
    "find_owners",
    "find_similar",
    "generate_world",
    "import_groups",
    "load_assignments",
    "load_cpc",
    "load_families",
    "load_ipc",
    "load_maintenance",
    "load_patentsview",
    "load_ppubs",
    "load_samples",
    "load_scenario",
    "load_uspto_xml",
    "map_technology",
    "normalize_application_number",
    "normalize_patent_number",
    "patent_value",
    "plan_deal",
    "portfolio",
    "portfolio_value",
    "quarantined_rows",
    "report_world",
    "resolve_owners",
    "run_block_world",
    "run_demo",
    "show_owner",
    "store_status",
    "try_normalize_patent_number",
    "write_deal_report",
]
