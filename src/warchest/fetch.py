"""Download the real bulk files to a local cache: resumable, verified, with progress.

``fetch_patentsview`` downloads ``<base>/<table>.tsv.zip`` for each table. A partial file
(``.part``) is resumed with an HTTP ``Range`` request; a finished file is verified against
the size the server announced, against the MD5 the server gives as its ``ETag`` (as Amazon
S3, which hosts PatentsView's files, does for single-part uploads), and as a zip archive
(every member's CRC-32 is checked). The cache keeps a ``manifest.json`` with the size,
SHA-256, ETag and time of every file, so a later fetch skips what is already there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from warchest.errors import FetchError
from warchest.results import Result
from warchest.version import __version__

PATENTSVIEW_URL = "https://s3.amazonaws.com/data.patentsview.org/download/"

# The granted-patent bulk tables of a PatentsView release (names as published).
PATENTSVIEW_TABLES = (
    "g_patent",
    "g_application",
    "g_us_patent_citation",
    "g_cpc_current",
    "g_assignee_disambiguated",
    "g_assignee_not_disambiguated",
    "g_us_term_of_grant",
    "g_us_rel_doc",
    "g_patent_abstract",
    "g_wipo_technology",
    "g_ipc_at_issue",
    "g_inventor_disambiguated",
    "g_location_disambiguated",
    "g_foreign_citation",
    "g_us_application_citation",
)
DEFAULT_TABLES = PATENTSVIEW_TABLES[:10]

ProgressFn = Callable[[str, int, int | None], None]
"""progress(file name, bytes done, bytes total or None)"""


@dataclass(frozen=True)
class Fetched(Result):
    """One downloaded file: where it came from and lies, its size and SHA-256, how it was
    got (downloaded, resumed, cached) and whether the server's MD5 (ETag) matched."""

    name: str
    path: str
    url: str
    size: int
    sha256: str
    status: str  # downloaded, resumed, cached
    etag: str | None = None
    md5_verified: bool = False


def default_cache_dir() -> Path:
    return Path(os.environ.get("WARCHEST_CACHE") or "warchest-cache")


def _manifest_path(folder: Path) -> Path:
    return folder / "manifest.json"


def _read_manifest(folder: Path) -> dict[str, dict[str, object]]:
    path = _manifest_path(folder)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, json.JSONDecodeError):
        return {}


def _write_manifest(folder: Path, manifest: dict[str, dict[str, object]]) -> None:
    tmp = _manifest_path(folder).with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(_manifest_path(folder))


def _digests(path: Path) -> tuple[str, str]:
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            sha.update(block)
            md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise FetchError(f"{name} is not a valid zip archive after download ({exc}); "
                         "delete it from the cache and fetch again") from None
    if bad is not None:
        raise FetchError(f"{name}: member {bad} fails its CRC check; delete the file from "
                         "the cache and fetch again")


def _open(url: str, start: int, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": f"warchest/{__version__}"})
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416:  # range not satisfiable: the partial file is already complete
            raise
        raise FetchError(f"{url}: the server answered HTTP {exc.code} {exc.reason}; check the "
                         "table name and --base-url") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot reach {url} ({reason}); check the connection or --base-url"
                         ) from None


def fetch_file(
    url: str,
    target: Path,
    *,
    progress: ProgressFn | None = None,
    timeout: float = 60.0,
    chunk: int = 1 << 20,
    expected_sha256: str | None = None,
) -> Fetched:
    """Download ``url`` to ``target`` (resuming ``target.part``) and verify it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    status = "resumed" if start else "downloaded"
    try:
        response = _open(url, start, timeout)
    except urllib.error.HTTPError:
        response = _open(url, 0, timeout)
        start = 0
    with response:
        code = response.status
        etag = (response.headers.get("ETag") or "").strip('"') or None
        if start and code != 206:  # the server ignored the range: start over
            start, status = 0, "downloaded"
        total: int | None = None
        content_range = response.headers.get("Content-Range")
        if content_range and (m := re.search(r"/(\d+)$", content_range)):
            total = int(m.group(1))
        elif response.headers.get("Content-Length"):
            total = start + int(response.headers["Content-Length"])
        done = start
        with open(part, "ab" if start else "wb") as out:
            while True:
                try:
                    block = response.read(chunk)
                except (TimeoutError, OSError) as exc:
                    raise FetchError(f"download of {url} broke off at {done:,} bytes ({exc}); "
                                     "run the same command again to resume") from None
                if not block:
                    break
                out.write(block)
                done += len(block)
                if progress is not None:
                    progress(target.name, done, total)
    size = part.stat().st_size
    if total is not None and size != total:
        raise FetchError(f"{target.name}: got {size:,} of {total:,} bytes; run the same "
                         "command again to resume")
    sha, md5 = _digests(part)
    md5_verified = False
    if etag and re.fullmatch(r"[0-9a-f]{32}", etag):
        if md5 != etag:
            part.unlink()
            raise FetchError(f"{target.name}: MD5 {md5} does not match the server's ETag "
                             f"{etag}; the partial download was deleted, fetch again")
        md5_verified = True
    if expected_sha256 and sha != expected_sha256:
        part.unlink()
        raise FetchError(f"{target.name}: SHA-256 {sha} is not the expected {expected_sha256}; "
                         "the download was deleted, fetch again")
    if target.name.endswith(".zip"):
        _check_zip(part, target.name)
    part.replace(target)
    return Fetched(target.name, str(target), url, size, sha, status, etag, md5_verified)


def fetch_patentsview(
    tables: Iterable[str] | None = None,
    *,
    cache: Path | None = None,
    base_url: str | None = None,
    progress: ProgressFn | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> list[Fetched]:
    """Download PatentsView granted-patent tables into ``cache/patentsview``.

    ``tables`` defaults to the ten core tables; files already in the cache and matching
    their manifest entry are not downloaded again (unless ``force``).
    """
    chosen = list(tables) if tables else list(DEFAULT_TABLES)
    unknown = [t for t in chosen if t not in PATENTSVIEW_TABLES]
    if unknown:
        raise FetchError(f"unknown PatentsView table(s) {', '.join(unknown)}; known tables: "
                         f"{', '.join(PATENTSVIEW_TABLES)}")
    base = base_url or os.environ.get("WARCHEST_PATENTSVIEW_URL") or PATENTSVIEW_URL
    if not base.endswith("/"):
        base += "/"
    folder = (cache or default_cache_dir()) / "patentsview"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    results: list[Fetched] = []
    for table in chosen:
        name = f"{table}.tsv.zip"
        target = folder / name
        entry = manifest.get(name)
        if (not force and entry and target.exists()
                and target.stat().st_size == entry.get("size")):
            results.append(Fetched(name, str(target), str(entry.get("url")), int(str(
                entry["size"])), str(entry.get("sha256")), "cached", None, False))
            continue
        if force and target.exists():
            target.unlink()
        fetched = fetch_file(base + name, target, progress=progress, timeout=timeout)
        manifest[name] = {**asdict(fetched), "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        _write_manifest(folder, manifest)
        results.append(fetched)
    return results
