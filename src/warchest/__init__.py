"""warchest: who owns which patents, what they are worth, who can sue whom, and which
patents to buy, from the public bulk patent data.

The typed functions below are the product; the command line (``warchest --help``) is a
thin layer over them::

    import warchest
    with warchest.Store("warchest.duckdb") as store:
        warchest.load_patentsview(store, ["g_patent.tsv.zip"])
        warchest.resolve_owners(store)
        warchest.compute_values(store)
        held = warchest.portfolio_value(store, "Apple Inc.")
        held.summary.in_force, held.to_arrow().to_pandas()

Every function returns a frozen dataclass with typed fields or a plain value; the results
(below) also have ``to_dict()``, ``to_json()``, ``to_arrow()`` and ``to_csv(path)`` for
their main table, and show as a table in a notebook.

The store and its data:
    Store                         the DuckDB store: open, query, transactions
    Engine                        what every step asks of an engine (the store, a lake);
                                  every step takes one
    SparkEngine                   a lake of Parquet tables worked by Spark (local or a
                                  cluster): the same steps, the same results
    default_db_path               the default store ($WARCHEST_DB or ./warchest.duckdb)
    store_status                  a store's tables, row counts, load log, provenance
    synthetic_kind                whether a store holds synthetic data: "synthetic",
                                  "partly synthetic" or None
    store_provenance              what to tell with any result: synthetic data, a sample
    quarantined_rows              rows a load set aside, with file, line and reason
    export_parquet                every table as Parquet, a folder per table (a lake)
    derive_lake                   every derived table computed on Spark, into the lake
    open_lake                     a lake (folder or URI) as an engine, on Spark
    run_steps                     the pipeline's steps (owners, values, techmap), any engine
    refresh_derived               derive again only what the loads since the last run touched
    run_query                     a read-only SQL query on a store opened with
                                  read_only=True, sandbox=True
    fetch_patentsview             download PatentsView tables (resumes, verifies checksums)
    PATENTSVIEW_URL               where PatentsView's bulk tables are downloaded from
    fetch_uspto                   download a USPTO Open Data Portal bulk product's files
                                  (weekly XML, assignments, maintenance fees)
    fetch_assignment_dataset      download the Patent Assignment Dataset's CSV tables
    fetch_litigation_dataset      download the litigation docket data's CSV tables
    fetch_ptab                    download PTAB trial records matching a search (JSONL)
    fetch_scheme                  download one release of the CPC or IPC scheme
    fetch_sources                 every source fetch knows: address, API key, loader
    update_store                  fetch and load what the USPTO published since the
                                  store's newest grant, then refresh what it touched
    BULK_PRODUCTS                 the Open Data Portal products fetch_uspto knows
    ASSIGNMENT_TABLES             the Patent Assignment Dataset's CSV tables
    CPC_VERSION                   the CPC release fetch_scheme takes by default
    IPC_VERSION                   the IPC release fetch_scheme takes by default
    load_patentsview              load PatentsView tables (granted patents, CPC,
                                  assignees, citations, ...)
    load_uspto_xml                load USPTO full-text grant and application XML, every
                                  DTD since 2001
    load_assignments              load the USPTO patent assignment (reassignment)
                                  dataset
    load_maintenance              load maintenance-fee events (what lapsed for unpaid
                                  fees)
    load_families                 load patent families (CSV, or EPO OPS family XML)
    load_cpc                      load the CPC scheme: title list, scheme XML, master
                                  classification file
    load_ipc                      load IPC titles and the IPC-to-WIPO technology field
                                  concordance
    load_ppubs                    load USPTO patent public search (ppubs) JSON records
                                  and citation CSV
    load_ptab                     load PTAB proceedings and documents (the PTAB API's
                                  JSON records)
    load_litigation               load district-court patent cases, parties and patents
                                  in suit (USPTO litigation docket data)
    load_samples                  load the small real samples shipped with warchest

Patents:
    describe_patent               everything the store knows about one patent
    describe_patents              the same for every patent in a range of ids, a query
                                  per section
    normalize_patent_number       a patent number in any format as the store's id
                                  (US10000000B2 -> 10000000)
    try_normalize_patent_number   the same, None for a text that is not a patent number
    normalize_application_number  an application number as the store writes it

Owners: who owns what, on any date:
    resolve_owners                names -> companies and groups -> ownership periods
                                  (through reassignments)
    find_owners                   companies matching a name, with their name variants
                                  and patent counts
    show_owner                    one company: its names, parents, subsidiaries and the
                                  evidence
    portfolio                     the patents a company owns on a date, and how each was
                                  acquired
    add_override                  a user decision (merge, split, parent) that wins over
                                  automatic ones
    import_groups                 parent/subsidiary relations from CSV, YAML or GLEIF
    cluster_names_file            the same name resolver on a CSV of names

Value: what a patent is worth:
    compute_values                terms, in-force status per market, indicators and
                                  values for every patent
    values_computed               whether compute_values has run on a store
    patent_value                  one patent's term, status, markets and value, with the
                                  indicators behind it
    portfolio_value               a company's patents in force on a date, valued
    portfolio_page                one page of it, with the summary of all
    portfolio_history             a company's patents in force at each year end, and
                                  expiries in each year ahead
    compare_portfolios            several companies' portfolios side by side

Serving: a read copy for fast patent and portfolio reads:
    build_read_copy               every patent's card and every company's ownership
                                  periods, keyed, in a file beside the store
    open_read_copy                the read copy when it matches the store (built when
                                  missing or out of date)
    read_copy_path                where a store's read copy lives
    ReadCopy                      a read copy: cards and portfolio pages

Technology map:
    map_technology                patents -> product areas (CPC and keyword taxonomy)
    describe_symbol               a CPC symbol's title and its place in the hierarchy
    find_similar                  the patents nearest to a patent or a text

Exposure and deterrence: who can sue whom, with which patents:
    compute_exposure              the exposure matrix of firms in one market, with its
                                  evidence
    compute_exposures             the same for several markets in one pass
    explain_exposure              the patents and evidence behind one holder -> target
                                  score
    deterrence                    a company's power against each threat per market, and
                                  where it is naked
    write_exposure_heatmap        an exposure matrix as an SVG heatmap
    ExposureConfig                the evidence weights (from a YAML file or the
                                  defaults)

Litigation: who actually sues whom, and which patents survived a challenge:
    litigation_record             the suits a company brought and faced, by year, court
                                  and counterparty, and its PTAB petitions
    patent_history                the cases that asserted a patent and the PTAB
                                  proceedings that challenged it
    litigation_weights            threat weights from how often and how lately each sued

Deal: which patents to buy, at what price:
    load_scenario                 a deal scenario (buyer, seller, threats, markets,
                                  size, budget) from YAML
    Scenario                      a deal scenario, plan_deal's input (frozen: change a
                                  copy with dataclasses.replace)
    plan_deal                     the package to buy, with a bound on its optimality,
                                  before/after and price
    write_deal_report             the deal's HTML report, package CSV and JSON
    cross_licence                 the balancing payment of a cross-licence between two
                                  companies

Web app and REST API (warchest serve):
    create_app                    the REST API (/api/v1) and the dashboard over a store,
                                  as an ASGI app (serve it with uvicorn)
    WebSettings                   create_app's settings: store, keys file, limits, CORS
    run_server                    serve the app with uvicorn (one or several processes)
    create_api_key                a new API key (viewer or analyst), kept as a digest
    list_api_keys                 the keys of a keys file (ids, roles, labels)
    revoke_api_key                remove a key
    api_keys_path                 where the keys of a store are kept
    ApiKey                        what create_api_key returns

Synthetic worlds and the demo (SYNTHETIC data, labelled so):
    generate_world                a synthetic patent world in the real bulk formats,
                                  with its truth
    report_world                  a generated world against the calibration targets
    WORLD_SCENARIOS               the scenarios a world can have planted in it
    run_sample_demo               the real samples: loaded, owners, values, portfolios
                                  and exposure compared
    run_demo                      the main job end to end on a synthetic world: store,
                                  values, exposure, deal report
    DEMO_PATENTS                  the size of the demo's synthetic world
    run_block_world               the patent-blocks known-answer world and its deal

Results: what the functions return (frozen dataclasses: to_dict, to_json, to_arrow,
to_csv, shown as a table in a notebook):
    Result                        the base of every result
    StoreStatus                   what store_status returns
    Quarantine                    what quarantined_rows returns
    Provenance                    what store_provenance returns
    QueryResult                   what run_query returns
    Fetched                       what fetch_patentsview, one per file returns
    SourceList                    what fetch_sources returns
    UpdateReport                  what update_store returns
    RefreshReport                 what refresh_derived returns
    Source                        one source in a SourceList
    LakeExport                    what export_parquet returns
    LakeDerivation                what derive_lake returns
    LoadReport                    every load_*: read = loaded + quarantined, file by
                                  file
    FileResult                    one file of a LoadReport
    PatentRecord                  what describe_patent returns
    OwnersReport                  what resolve_owners returns
    OwnerSearch                   what find_owners returns
    Company                       a resolved company (OwnerSearch's matches)
    OwnerDetail                   what show_owner returns
    NameClusters                  what cluster_names_file returns
    Portfolio                     what portfolio returns
    ValueReport                   what compute_values returns
    PatentValue                   what patent_value returns
    ValuedPortfolio               what portfolio_value returns
    PortfolioHistory              what portfolio_history returns
    PortfolioSummary              a valued portfolio's summary
    PortfolioPage                 what portfolio_page returns
    ReadCopyReport                what build_read_copy returns
    PortfolioComparison           what compare_portfolios returns
    TechmapReport                 what map_technology returns
    CpcPath                       what describe_symbol returns
    SimilarPatents                what find_similar returns
    Exposure                      what compute_exposure (compute_exposures: one per
                                  market) returns
    ExposureExplained             what explain_exposure returns
    Deterrence                    what deterrence returns
    LitigationRecord              what litigation_record returns
    Suit                          one case of a LitigationRecord
    Petition                      one PTAB proceeding of a LitigationRecord
    Tally                         suits counted under a year, a court, a counterparty
    PatentHistory                 what patent_history returns
    ThreatWeights                 what litigation_weights returns
    ThreatWeight                  one threat's weight in one market, with its suits
    DealResult                    what plan_deal returns
    CrossLicence                  what cross_licence returns
    GeneratedWorld                what generate_world returns
    WorldReport                   what report_world returns
    SampleDemo                    what run_sample_demo returns
    WorldDemo                     what run_demo returns
    BlockWorld                    what run_block_world returns

Errors (every error a user can cause; the message names the bad value and what to do):
    WarchestError                 the base: bad input, an unknown name, a missing step,
                                  the machine
    InputError                    an option, argument or setting that is not valid
    BadInputFile                  a file that is unreadable: empty, truncated, not the
                                  expected format
    NotFound                      a patent, company, file or store that does not exist
    MissingStep                   asked before the step that derives it ran (says which
                                  command to run)
    NotComputed                   values are not computed yet
    NotResolved                   owners are not resolved yet
    InfeasibleDeal                a deal's constraints leave no package
    StoreUnavailable              the store cannot be opened (locked, missing, not a
                                  store)
    OutOfMemory                   the engine ran out of memory (the message says what to
                                  set)
    CannotWrite                   the disk is full or the store cannot be written
    engine_failure                an engine's exception as one of these errors (None
                                  when it is a bug)

Display and version:
    money                         an amount as a reader writes it: $1.27M
    number                        a quantity without exponents: 1,274,000; 0.1235
    share                         a fraction as a percentage: 12.35%
    __version__                   the installed version

Importing the package does nothing else: no files, no network, no logging handlers. Its
names are imported when first used (PEP 562), so that ``import warchest.synth`` does not
load DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warchest.deal import (
        CrossLicence,
        DealResult,
        Scenario,
        cross_licence,
        load_scenario,
        plan_deal,
    )
    from warchest.deal.report import (
        write_outputs as write_deal_report,
    )
    from warchest.demo import (
        WORLD_PATENTS as DEMO_PATENTS,
    )
    from warchest.demo import (
        BlockWorld,
        SampleDemo,
        WorldDemo,
        load_samples,
        run_block_world,
        run_sample_demo,
    )
    from warchest.demo import (
        run_world_demo as run_demo,
    )
    from warchest.display import (
        money,
        number,
        share,
    )
    from warchest.errors import (
        BadInputFile,
        CannotWrite,
        InfeasibleDeal,
        InputError,
        MissingStep,
        NotComputed,
        NotFound,
        NotResolved,
        OutOfMemory,
        StoreUnavailable,
        WarchestError,
    )
    from warchest.exposure import (
        Deterrence,
        Exposure,
        ExposureConfig,
        ExposureExplained,
        compute_exposure,
        compute_exposures,
        deterrence,
    )
    from warchest.exposure import (
        explain as explain_exposure,
    )
    from warchest.exposure.heatmap import (
        write_heatmap as write_exposure_heatmap,
    )
    from warchest.fetch import (
        ASSIGNMENT_TABLES,
        BULK_PRODUCTS,
        CPC_VERSION,
        IPC_VERSION,
        PATENTSVIEW_URL,
        Fetched,
        Source,
        SourceList,
        fetch_assignment_dataset,
        fetch_litigation_dataset,
        fetch_patentsview,
        fetch_ptab,
        fetch_scheme,
        fetch_sources,
        fetch_uspto,
    )
    from warchest.ingest import (
        FileResult,
        LoadReport,
        load_assignments,
        load_cpc,
        load_families,
        load_ipc,
        load_litigation,
        load_maintenance,
        load_patentsview,
        load_ppubs,
        load_ptab,
        load_uspto_xml,
    )
    from warchest.lake import (
        LakeDerivation,
        LakeExport,
        derive_lake,
        export_parquet,
        open_lake,
    )
    from warchest.litigation import (
        LitigationRecord,
        PatentHistory,
        Petition,
        Suit,
        Tally,
        ThreatWeight,
        ThreatWeights,
        litigation_record,
        litigation_weights,
        patent_history,
    )
    from warchest.numbers import (
        normalize_application_number,
        normalize_patent_number,
        try_normalize_patent_number,
    )
    from warchest.owners import (
        Company,
        NameClusters,
        OwnerDetail,
        OwnerSearch,
        OwnersReport,
        Portfolio,
        add_override,
        cluster_names_file,
        find_owners,
        import_groups,
        portfolio,
        resolve_owners,
        show_owner,
    )
    from warchest.patents import PatentRecord, describe_patent, describe_patents
    from warchest.pipeline import run_steps
    from warchest.query import QueryResult, run_query
    from warchest.readcopy import (
        ReadCopy,
        ReadCopyReport,
        build_read_copy,
        open_read_copy,
        read_copy_path,
    )
    from warchest.refresh import RefreshReport, refresh_derived
    from warchest.results import (
        Result,
    )
    from warchest.status import (
        Provenance,
        Quarantine,
        StoreStatus,
        quarantined_rows,
        store_provenance,
        store_status,
        synthetic_kind,
    )
    from warchest.store import (
        Engine,
        Store,
        default_db_path,
        engine_failure,
    )
    from warchest.store.spark import SparkEngine
    from warchest.synth import (
        WORLD_SCENARIOS,
        GeneratedWorld,
        WorldReport,
        generate_world,
        report_world,
    )
    from warchest.techmap import (
        CpcPath,
        TechmapReport,
        describe_symbol,
        map_technology,
    )
    from warchest.techmap.similar import (
        SimilarPatents,
        find_similar,
    )
    from warchest.update import UpdateReport, update_store
    from warchest.value import (
        PatentValue,
        PortfolioComparison,
        PortfolioPage,
        PortfolioSummary,
        ValuedPortfolio,
        ValueReport,
        compare_portfolios,
        compute_values,
        patent_value,
        portfolio_page,
        portfolio_value,
        values_computed,
    )
    from warchest.value.history import PortfolioHistory, portfolio_history
    from warchest.version import (
        __version__,
    )
    from warchest.web.app import WebSettings, create_app, run_server
    from warchest.web.keys import ApiKey, create_api_key, list_api_keys, revoke_api_key
    from warchest.web.keys import keys_path as api_keys_path

_HOME: dict[str, tuple[str, str]] = {
    "Store": ("warchest.store", "Store"),
    "Engine": ("warchest.store", "Engine"),
    "SparkEngine": ("warchest.store.spark", "SparkEngine"),
    "open_lake": ("warchest.lake", "open_lake"),
    "run_steps": ("warchest.pipeline", "run_steps"),
    "default_db_path": ("warchest.store", "default_db_path"),
    "store_status": ("warchest.status", "store_status"),
    "synthetic_kind": ("warchest.status", "synthetic_kind"),
    "store_provenance": ("warchest.status", "store_provenance"),
    "quarantined_rows": ("warchest.status", "quarantined_rows"),
    "export_parquet": ("warchest.lake", "export_parquet"),
    "derive_lake": ("warchest.lake", "derive_lake"),
    "run_query": ("warchest.query", "run_query"),
    "fetch_patentsview": ("warchest.fetch", "fetch_patentsview"),
    "PATENTSVIEW_URL": ("warchest.fetch", "PATENTSVIEW_URL"),
    "fetch_uspto": ("warchest.fetch", "fetch_uspto"),
    "fetch_assignment_dataset": ("warchest.fetch", "fetch_assignment_dataset"),
    "fetch_litigation_dataset": ("warchest.fetch", "fetch_litigation_dataset"),
    "fetch_ptab": ("warchest.fetch", "fetch_ptab"),
    "fetch_scheme": ("warchest.fetch", "fetch_scheme"),
    "fetch_sources": ("warchest.fetch", "fetch_sources"),
    "BULK_PRODUCTS": ("warchest.fetch", "BULK_PRODUCTS"),
    "ASSIGNMENT_TABLES": ("warchest.fetch", "ASSIGNMENT_TABLES"),
    "CPC_VERSION": ("warchest.fetch", "CPC_VERSION"),
    "IPC_VERSION": ("warchest.fetch", "IPC_VERSION"),
    "Source": ("warchest.fetch", "Source"),
    "SourceList": ("warchest.fetch", "SourceList"),
    "update_store": ("warchest.update", "update_store"),
    "refresh_derived": ("warchest.refresh", "refresh_derived"),
    "RefreshReport": ("warchest.refresh", "RefreshReport"),
    "UpdateReport": ("warchest.update", "UpdateReport"),
    "load_patentsview": ("warchest.ingest", "load_patentsview"),
    "load_uspto_xml": ("warchest.ingest", "load_uspto_xml"),
    "load_assignments": ("warchest.ingest", "load_assignments"),
    "load_maintenance": ("warchest.ingest", "load_maintenance"),
    "load_families": ("warchest.ingest", "load_families"),
    "load_ptab": ("warchest.ingest", "load_ptab"),
    "load_litigation": ("warchest.ingest", "load_litigation"),
    "litigation_record": ("warchest.litigation", "litigation_record"),
    "patent_history": ("warchest.litigation", "patent_history"),
    "LitigationRecord": ("warchest.litigation", "LitigationRecord"),
    "PatentHistory": ("warchest.litigation", "PatentHistory"),
    "Petition": ("warchest.litigation", "Petition"),
    "Suit": ("warchest.litigation", "Suit"),
    "Tally": ("warchest.litigation", "Tally"),
    "ThreatWeight": ("warchest.litigation", "ThreatWeight"),
    "ThreatWeights": ("warchest.litigation", "ThreatWeights"),
    "litigation_weights": ("warchest.litigation", "litigation_weights"),
    "load_cpc": ("warchest.ingest", "load_cpc"),
    "load_ipc": ("warchest.ingest", "load_ipc"),
    "load_ppubs": ("warchest.ingest", "load_ppubs"),
    "load_samples": ("warchest.demo", "load_samples"),
    "describe_patent": ("warchest.patents", "describe_patent"),
    "describe_patents": ("warchest.patents", "describe_patents"),
    "build_read_copy": ("warchest.readcopy", "build_read_copy"),
    "open_read_copy": ("warchest.readcopy", "open_read_copy"),
    "read_copy_path": ("warchest.readcopy", "read_copy_path"),
    "ReadCopy": ("warchest.readcopy", "ReadCopy"),
    "ReadCopyReport": ("warchest.readcopy", "ReadCopyReport"),
    "portfolio_page": ("warchest.value", "portfolio_page"),
    "PortfolioPage": ("warchest.value", "PortfolioPage"),
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
    "values_computed": ("warchest.value", "values_computed"),
    "patent_value": ("warchest.value", "patent_value"),
    "portfolio_value": ("warchest.value", "portfolio_value"),
    "portfolio_history": ("warchest.value.history", "portfolio_history"),
    "create_app": ("warchest.web.app", "create_app"),
    "WebSettings": ("warchest.web.app", "WebSettings"),
    "run_server": ("warchest.web.app", "run_server"),
    "create_api_key": ("warchest.web.keys", "create_api_key"),
    "list_api_keys": ("warchest.web.keys", "list_api_keys"),
    "revoke_api_key": ("warchest.web.keys", "revoke_api_key"),
    "api_keys_path": ("warchest.web.keys", "keys_path"),
    "ApiKey": ("warchest.web.keys", "ApiKey"),
    "PortfolioHistory": ("warchest.value.history", "PortfolioHistory"),
    "compare_portfolios": ("warchest.value", "compare_portfolios"),
    "map_technology": ("warchest.techmap", "map_technology"),
    "describe_symbol": ("warchest.techmap", "describe_symbol"),
    "find_similar": ("warchest.techmap.similar", "find_similar"),
    "compute_exposure": ("warchest.exposure", "compute_exposure"),
    "compute_exposures": ("warchest.exposure", "compute_exposures"),
    "explain_exposure": ("warchest.exposure", "explain"),
    "deterrence": ("warchest.exposure", "deterrence"),
    "write_exposure_heatmap": ("warchest.exposure.heatmap", "write_heatmap"),
    "ExposureConfig": ("warchest.exposure", "ExposureConfig"),
    "load_scenario": ("warchest.deal", "load_scenario"),
    "Scenario": ("warchest.deal", "Scenario"),
    "plan_deal": ("warchest.deal", "plan_deal"),
    "write_deal_report": ("warchest.deal.report", "write_outputs"),
    "cross_licence": ("warchest.deal", "cross_licence"),
    "generate_world": ("warchest.synth", "generate_world"),
    "report_world": ("warchest.synth", "report_world"),
    "WORLD_SCENARIOS": ("warchest.synth", "WORLD_SCENARIOS"),
    "run_sample_demo": ("warchest.demo", "run_sample_demo"),
    "run_demo": ("warchest.demo", "run_world_demo"),
    "DEMO_PATENTS": ("warchest.demo", "WORLD_PATENTS"),
    "run_block_world": ("warchest.demo", "run_block_world"),
    "Result": ("warchest.results", "Result"),
    "StoreStatus": ("warchest.status", "StoreStatus"),
    "Quarantine": ("warchest.status", "Quarantine"),
    "Provenance": ("warchest.status", "Provenance"),
    "QueryResult": ("warchest.query", "QueryResult"),
    "Fetched": ("warchest.fetch", "Fetched"),
    "LakeExport": ("warchest.lake", "LakeExport"),
    "LakeDerivation": ("warchest.lake", "LakeDerivation"),
    "LoadReport": ("warchest.ingest", "LoadReport"),
    "FileResult": ("warchest.ingest", "FileResult"),
    "PatentRecord": ("warchest.patents", "PatentRecord"),
    "OwnersReport": ("warchest.owners", "OwnersReport"),
    "OwnerSearch": ("warchest.owners", "OwnerSearch"),
    "Company": ("warchest.owners", "Company"),
    "OwnerDetail": ("warchest.owners", "OwnerDetail"),
    "NameClusters": ("warchest.owners", "NameClusters"),
    "Portfolio": ("warchest.owners", "Portfolio"),
    "ValueReport": ("warchest.value", "ValueReport"),
    "PatentValue": ("warchest.value", "PatentValue"),
    "ValuedPortfolio": ("warchest.value", "ValuedPortfolio"),
    "PortfolioSummary": ("warchest.value", "PortfolioSummary"),
    "PortfolioComparison": ("warchest.value", "PortfolioComparison"),
    "TechmapReport": ("warchest.techmap", "TechmapReport"),
    "CpcPath": ("warchest.techmap", "CpcPath"),
    "SimilarPatents": ("warchest.techmap.similar", "SimilarPatents"),
    "Exposure": ("warchest.exposure", "Exposure"),
    "ExposureExplained": ("warchest.exposure", "ExposureExplained"),
    "Deterrence": ("warchest.exposure", "Deterrence"),
    "DealResult": ("warchest.deal", "DealResult"),
    "CrossLicence": ("warchest.deal", "CrossLicence"),
    "GeneratedWorld": ("warchest.synth", "GeneratedWorld"),
    "WorldReport": ("warchest.synth", "WorldReport"),
    "SampleDemo": ("warchest.demo", "SampleDemo"),
    "WorldDemo": ("warchest.demo", "WorldDemo"),
    "BlockWorld": ("warchest.demo", "BlockWorld"),
    "WarchestError": ("warchest.errors", "WarchestError"),
    "InputError": ("warchest.errors", "InputError"),
    "BadInputFile": ("warchest.errors", "BadInputFile"),
    "NotFound": ("warchest.errors", "NotFound"),
    "MissingStep": ("warchest.errors", "MissingStep"),
    "NotComputed": ("warchest.errors", "NotComputed"),
    "NotResolved": ("warchest.errors", "NotResolved"),
    "InfeasibleDeal": ("warchest.errors", "InfeasibleDeal"),
    "StoreUnavailable": ("warchest.errors", "StoreUnavailable"),
    "OutOfMemory": ("warchest.errors", "OutOfMemory"),
    "CannotWrite": ("warchest.errors", "CannotWrite"),
    "engine_failure": ("warchest.store", "engine_failure"),
    "money": ("warchest.display", "money"),
    "number": ("warchest.display", "number"),
    "share": ("warchest.display", "share"),
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
    "ASSIGNMENT_TABLES",
    "BULK_PRODUCTS",
    "CPC_VERSION",
    "DEMO_PATENTS",
    "IPC_VERSION",
    "PATENTSVIEW_URL",
    "WORLD_SCENARIOS",
    "ApiKey",
    "BadInputFile",
    "BlockWorld",
    "CannotWrite",
    "Company",
    "CpcPath",
    "CrossLicence",
    "DealResult",
    "Deterrence",
    "Engine",
    "Exposure",
    "ExposureConfig",
    "ExposureExplained",
    "Fetched",
    "FileResult",
    "GeneratedWorld",
    "InfeasibleDeal",
    "InputError",
    "LakeDerivation",
    "LakeExport",
    "LitigationRecord",
    "LoadReport",
    "MissingStep",
    "NameClusters",
    "NotComputed",
    "NotFound",
    "NotResolved",
    "OutOfMemory",
    "OwnerDetail",
    "OwnerSearch",
    "OwnersReport",
    "PatentHistory",
    "PatentRecord",
    "PatentValue",
    "Petition",
    "Portfolio",
    "PortfolioComparison",
    "PortfolioHistory",
    "PortfolioPage",
    "PortfolioSummary",
    "Provenance",
    "Quarantine",
    "QueryResult",
    "ReadCopy",
    "ReadCopyReport",
    "RefreshReport",
    "Result",
    "SampleDemo",
    "Scenario",
    "SimilarPatents",
    "Source",
    "SourceList",
    "SparkEngine",
    "Store",
    "StoreStatus",
    "StoreUnavailable",
    "Suit",
    "Tally",
    "TechmapReport",
    "ThreatWeight",
    "ThreatWeights",
    "UpdateReport",
    "ValueReport",
    "ValuedPortfolio",
    "WarchestError",
    "WebSettings",
    "WorldDemo",
    "WorldReport",
    "__version__",
    "add_override",
    "api_keys_path",
    "build_read_copy",
    "cluster_names_file",
    "compare_portfolios",
    "compute_exposure",
    "compute_exposures",
    "compute_values",
    "create_api_key",
    "create_app",
    "cross_licence",
    "default_db_path",
    "derive_lake",
    "describe_patent",
    "describe_patents",
    "describe_symbol",
    "deterrence",
    "engine_failure",
    "explain_exposure",
    "export_parquet",
    "fetch_assignment_dataset",
    "fetch_litigation_dataset",
    "fetch_patentsview",
    "fetch_ptab",
    "fetch_scheme",
    "fetch_sources",
    "fetch_uspto",
    "find_owners",
    "find_similar",
    "generate_world",
    "import_groups",
    "list_api_keys",
    "litigation_record",
    "litigation_weights",
    "load_assignments",
    "load_cpc",
    "load_families",
    "load_ipc",
    "load_litigation",
    "load_maintenance",
    "load_patentsview",
    "load_ppubs",
    "load_ptab",
    "load_samples",
    "load_scenario",
    "load_uspto_xml",
    "map_technology",
    "money",
    "normalize_application_number",
    "normalize_patent_number",
    "number",
    "open_lake",
    "open_read_copy",
    "patent_history",
    "patent_value",
    "plan_deal",
    "portfolio",
    "portfolio_history",
    "portfolio_page",
    "portfolio_value",
    "quarantined_rows",
    "read_copy_path",
    "refresh_derived",
    "report_world",
    "resolve_owners",
    "revoke_api_key",
    "run_block_world",
    "run_demo",
    "run_query",
    "run_sample_demo",
    "run_server",
    "run_steps",
    "share",
    "show_owner",
    "store_provenance",
    "store_status",
    "synthetic_kind",
    "try_normalize_patent_number",
    "update_store",
    "values_computed",
    "write_deal_report",
    "write_exposure_heatmap",
]
