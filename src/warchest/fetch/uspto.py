"""The USPTO's sources: the Open Data Portal's bulk products (weekly full-text XML, the
assignment files, maintenance-fee events), the PTAB trials API, and the Patent Assignment
Dataset's CSV tables.

The Open Data Portal (https://data.uspto.gov) lists each bulk product's files at
``GET {api}/{product}`` (``bulkDataProductBag[0].productFileBag.fileDataBag``: file name,
size, the dates it covers, its download address) and answers only with an API key
(``X-API-Key``; a free key from https://data.uspto.gov/myodp/key-reveal). Files are chosen
from that listing (deep links may change, the product identifiers do not), checked against
the size it gives, and recorded in the folder's manifest with the product and dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warchest.errors import FetchError
from warchest.fetch.download import (
    Fetched,
    ProgressFn,
    address,
    fetch_into,
    open_url,
    read_manifest,
    same_origin,
    sha256_of,
    source_folder,
    write_manifest,
)

ODP_PRODUCTS_URL = "https://api.uspto.gov/api/v1/datasets/products/"
PTAB_PROCEEDINGS_URL = "https://api.uspto.gov/api/v1/patent/trials/proceedings/search"
PTAB_DOCUMENTS_URL = "https://api.uspto.gov/api/v1/patent/trials/documents/search"
MAX_ANSWER = 64 << 20
"""The largest JSON answer (a listing, a page of PTAB records) read into memory."""
API_KEY_HELP = ("set $USPTO_API_KEY or pass --api-key (a free key: "
                "https://data.uspto.gov/myodp/key-reveal)")


@dataclass(frozen=True)
class BulkProduct:
    """One Open Data Portal bulk product: its identifier, which of its files are data,
    whether each release replaces the last (then only the newest is fetched) and the load
    command that reads them."""

    source: str
    product: str
    title: str
    files: str
    cumulative: bool
    load: str


BULK_PRODUCTS: dict[str, BulkProduct] = {p.source: p for p in (
    BulkProduct("grants", "PTGRXML", "Patent Grant Full-Text Data (No Images) - XML, weekly",
                r"ipg\d{6}\.zip", False, "warchest load uspto-xml"),
    BulkProduct("applications", "APPXML",
                "Patent Application Full-Text Data (No Images) - XML, weekly",
                r"ipa\d{6}\.zip", False, "warchest load uspto-xml"),
    BulkProduct("assignments-daily", "PASDL", "Patent Assignment XML, daily",
                r"ad\d{8}\.zip", False, "(XML: no loader yet; see docs/data.md)"),
    BulkProduct("assignments-yearly", "PASYR", "Patent Assignment XML, annual backfile",
                r"ad\d{8}-\d{8}-\d{2}\.zip", False, "(XML: no loader yet; see docs/data.md)"),
    BulkProduct("maintenance", "PTMNFEE2",
                "Patent Maintenance Fee Events, weekly and cumulative",
                r"MaintFeeEvents_\d{8}\.(zip|txt)", True, "warchest load maintenance"),
)}

ASSIGNMENT_TABLES = ("assignment", "assignor", "assignee", "documentid",
                     "assignment_conveyance")
"""The Patent Assignment Dataset's CSV tables (``load assignments`` reads them)."""

LITIGATION_TABLES = ("cases", "names", "patents")
"""The Patent Litigation Docket Reports Data's tables ``load litigation`` reads."""


def api_key_of(api_key: str | None) -> str:
    key = api_key or os.environ.get("USPTO_API_KEY") or ""
    if not key.strip():
        raise FetchError(f"the USPTO Open Data Portal needs an API key: {API_KEY_HELP}")
    return key.strip()


def _json(url: str, headers: dict[str, str], timeout: float, what: str) -> Any:
    with open_url(url, timeout=timeout, headers={**headers, "Accept": "application/json"},
                  what=what) as response:
        try:
            body = response.read(MAX_ANSWER + 1)
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: the answer broke off ({exc}); run the same command "
                             "again") from None
    if len(body) > MAX_ANSWER:
        raise FetchError(f"{url}: the answer is over {MAX_ANSWER >> 20} MB; check --base-url")
    try:
        return json.loads(body)
    except ValueError:
        raise FetchError(f"{url}: the answer is not JSON ({body[:80]!r}); check "
                         "--base-url") from None


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _listing_address(base_url: str | None) -> str:
    """Where the Open Data Portal lists its products' files."""
    return address(base_url, "WARCHEST_USPTO_API_URL", ODP_PRODUCTS_URL)


def list_product_files(product: BulkProduct, *, since: dt.date | None = None,
                       until: dt.date | None = None, api_key: str | None = None,
                       base_url: str | None = None, timeout: float = 60.0
                       ) -> list[dict[str, Any]]:
    """The product's data files covering ``since``..``until`` (by the dates the listing
    gives; file names match ``product.files``), oldest first; for a cumulative product
    only the newest release."""
    base = _listing_address(base_url)
    query = {"includeFiles": "true"}
    if since:
        query["fileDataFromDate"] = since.isoformat()
    if until:
        query["fileDataToDate"] = until.isoformat()
    url = f"{base.rstrip('/')}/{product.product}?{urllib.parse.urlencode(query)}"
    data = _json(url, {"X-API-Key": api_key_of(api_key)}, timeout, "the product")
    bags = data.get("bulkDataProductBag") if isinstance(data, dict) else None
    if not bags or not isinstance(bags, list):
        raise FetchError(f"{url}: the listing names no product {product.product}; check "
                         "--base-url")
    bag = bags[0].get("productFileBag") if isinstance(bags[0], dict) else None
    files = bag.get("fileDataBag") if isinstance(bag, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise FetchError(f"{url}: the listing is not in the Open Data Portal's form (no list "
                         "of files in productFileBag.fileDataBag); check --base-url")
    pattern = re.compile(product.files)
    chosen = []
    for f in files:
        name = str(f.get("fileName") or "")
        if "/" in name or "\\" in name or not pattern.fullmatch(name):
            continue  # documentation, images, or a name that is not a plain file name
        start = _day(f.get("fileDataFromDate")) or _day(f.get("fileReleaseDate"))
        end = _day(f.get("fileDataToDate")) or start
        if not product.cumulative and (since or until) and start is None:
            continue  # a file without dates cannot be placed in the window asked for
        if not product.cumulative and (
                (since and end and end < since) or (until and start and start > until)):
            continue
        chosen.append({**f, "_start": start, "_end": end})
    chosen.sort(key=lambda f: (f["_end"] or dt.date.min, f["fileName"]))
    if product.cumulative and chosen:
        chosen = chosen[-1:]
    return chosen


def fetch_uspto(source: str, *, since: dt.date | None = None, until: dt.date | None = None,
                cache: Path | None = None, api_key: str | None = None,
                base_url: str | None = None, progress: ProgressFn | None = None,
                force: bool = False, timeout: float = 60.0,
                missing_ok: bool = False) -> list[Fetched]:
    """Download one Open Data Portal product's files into ``cache/<source>``: ``grants``
    and ``applications`` (weekly XML), ``assignments-daily``, ``assignments-yearly``,
    ``maintenance`` (the newest cumulative file). A window with no file is an error, or
    nothing with ``missing_ok`` (nothing published since)."""
    product = BULK_PRODUCTS.get(source)
    if product is None:
        raise FetchError(f"unknown USPTO bulk source {source!r}; known: "
                         f"{', '.join(BULK_PRODUCTS)}")
    if since and until and until < since:
        raise FetchError(f"--until {until} is before --since {since}")
    key = api_key_of(api_key)
    files = list_product_files(product, since=since, until=until, api_key=key,
                               base_url=base_url, timeout=timeout)
    if not files and missing_ok:
        return []
    if not files:
        span = f" from {since or '...'} to {until or '...'}" if since or until else ""
        raise FetchError(f"{product.product} lists no {source} files{span}; widen "
                         "--since/--until")
    folder, manifest = source_folder(cache, source)
    listing = _listing_address(base_url)
    out = []
    for f in files:
        url = str(f.get("fileDownloadURI") or "")
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"{product.product}: file {f['fileName']} has no download "
                             "address in the listing")
        size = f.get("fileSize")
        # the key goes only where the listing came from, never to another host or scheme
        out.append(fetch_into(
            folder, str(f["fileName"]), url, manifest, force=force, progress=progress,
            timeout=timeout, expected_size=int(size) if isinstance(size, int) else None,
            headers={"X-API-Key": key} if same_origin(url, listing) else None,
            what="the product's listing",
            record={"source": source, "product": product.product,
                    "data_from": str(f["_start"] or ""), "data_to": str(f["_end"] or "")}))
    return out


def fetch_assignment_dataset(*, cache: Path | None = None, base_url: str | None = None,
                             tables: tuple[str, ...] = ASSIGNMENT_TABLES,
                             progress: ProgressFn | None = None, force: bool = False,
                             timeout: float = 60.0) -> list[Fetched]:
    """The Patent Assignment Dataset's CSV tables, ``<base>/<table>.csv.zip``, into
    ``cache/assignment-dataset``. The USPTO's Office of the Chief Economist publishes each
    release in its own folder, so the folder is given (``--base-url`` or
    ``$WARCHEST_ASSIGNMENT_DATASET_URL``)."""
    return _release_tables("assignment-dataset", "the Patent Assignment Dataset",
                           "patent-assignment-dataset", "WARCHEST_ASSIGNMENT_DATASET_URL",
                           ASSIGNMENT_TABLES, tables, cache, base_url, progress, force,
                           timeout)


def fetch_litigation_dataset(*, cache: Path | None = None, base_url: str | None = None,
                             tables: tuple[str, ...] | None = None,
                             progress: ProgressFn | None = None, force: bool = False,
                             timeout: float = 60.0) -> list[Fetched]:
    """The Patent Litigation Docket Reports Data's CSV tables (cases, names, patents),
    ``<base>/<table>.csv.zip``, into ``cache/litigation``; the release's folder is given
    (``--base-url`` or ``$WARCHEST_LITIGATION_DATASET_URL``), as for the assignment
    dataset: the Office of the Chief Economist publishes each release in its own.
    ``tables``: None for all three."""
    return _release_tables("litigation", "the Patent Litigation Docket Reports Data",
                           "patent-litigation-docket-reports-data",
                           "WARCHEST_LITIGATION_DATASET_URL", LITIGATION_TABLES,
                           tables or LITIGATION_TABLES,
                           cache, base_url, progress, force, timeout)


def _release_tables(source: str, title: str, page: str, variable: str,
                    known: tuple[str, ...], tables: tuple[str, ...], cache: Path | None,
                    base_url: str | None, progress: ProgressFn | None, force: bool,
                    timeout: float) -> list[Fetched]:
    """``<base>/<table>.csv.zip`` for each table of a research dataset's release."""
    base = address(base_url, variable)
    if not base:
        raise FetchError(
            f"{title} has no fixed address: give the folder of the release's CSV files "
            "with --base-url (listed on https://www.uspto.gov/ip-policy/economic-research/"
            f"research-datasets/{page}) or ${variable}")
    unknown = [t for t in tables if t not in known]
    if unknown:
        raise FetchError(f"unknown table(s) {', '.join(unknown)} of {title}; known: "
                         f"{', '.join(known)}")
    folder, manifest = source_folder(cache, source)
    return [fetch_into(folder, f"{t}.csv.zip", f"{base}{t}.csv.zip", manifest, force=force,
                       progress=progress, timeout=timeout, what="the release folder",
                       record={"source": source})
            for t in tables]


PTAB_KINDS = {"proceedings": PTAB_PROCEEDINGS_URL, "documents": PTAB_DOCUMENTS_URL}


def _records_of(page: Any) -> list[Any]:
    """The records of one page of a PTAB search: the list of objects under a key ending in
    ``Bag`` (``patentTrialProceedingDataBag`` and the like) or ``results`` (the older API),
    else the first non-empty list of objects in the answer."""
    if isinstance(page, list):
        return page
    if not isinstance(page, dict):
        return []
    lists = [(key, value) for key, value in page.items() if isinstance(value, list)
             and all(isinstance(v, dict) for v in value)]
    for key, value in lists:
        if key.endswith("Bag") or key == "results":
            return value
    return next((value for _, value in lists if value), [])


def fetch_ptab(kind: str = "proceedings", *, query: str = "*:*", cache: Path | None = None,
               api_key: str | None = None, base_url: str | None = None,
               page_size: int = 100, max_records: int | None = None,
               progress: ProgressFn | None = None, timeout: float = 60.0,
               on_page: Callable[[int, int], None] | None = None) -> Fetched:
    """Every PTAB trial record a search matches (``query``: the API's Lucene syntax, e.g.
    ``patentNumber:6162705``), paged, into one JSON Lines file in ``cache/ptab`` (one
    record a line, as the API gives it). The file is written under a temporary name and
    renamed when the last page is in; its manifest entry keeps the query and count."""
    if kind not in PTAB_KINDS:
        raise FetchError(f"unknown PTAB kind {kind!r}; known: {', '.join(PTAB_KINDS)}")
    if not 1 <= page_size <= 1000:
        raise FetchError(f"--page-size {page_size}: give 1 to 1000")
    key = api_key_of(api_key)
    url = address(base_url, f"WARCHEST_PTAB_{kind.upper()}_URL", PTAB_KINDS[kind],
                  folder=False)
    folder, _ = source_folder(cache, "ptab")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")[:60] or "all"
    tag = hashlib.sha256(query.encode("utf-8")).hexdigest()[:8]  # two queries, two files
    name = f"ptab_{kind}_{slug}_{tag}.jsonl"
    target, part = folder / name, folder / (name + ".part")
    done = 0
    total: int | None = None
    previous: list[Any] | None = None
    try:
        with open(part, "w", encoding="utf-8") as out:
            while max_records is None or done < max_records:
                limit = page_size if max_records is None else min(page_size, max_records - done)
                params = urllib.parse.urlencode({"q": query, "offset": done, "limit": limit})
                page = _json(f"{url}?{params}", {"X-API-Key": key}, timeout, "--query")
                if isinstance(page, dict) and isinstance(page.get("count"), int):
                    total = page["count"]
                records = _records_of(page)[:limit]
                if not records or records == previous:
                    break  # the end, or a server that does not page: no record twice
                previous = records
                for record in records:  # ASCII escapes: a lone surrogate cannot break it
                    out.write(json.dumps(record, sort_keys=True) + "\n")
                done += len(records)
                if progress is not None:
                    progress(name, done, total)
                if on_page is not None:
                    on_page(done, total or done)
                if total is not None and done >= total:
                    break
                if total is None and len(records) < limit:
                    break
        part.replace(target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise FetchError(f"cannot write {target} ({exc.strerror or exc}); give another "
                         "--cache") from None
    size = target.stat().st_size
    fetched = Fetched(name, str(target), url, size, sha256_of(target), "downloaded")
    manifest = read_manifest(folder)
    manifest[name] = {**fetched.to_dict(), "source": "ptab", "kind": kind, "query": query,
                      "records": done}
    write_manifest(folder, manifest)
    return fetched
