"""One file from a URL into the cache: resumable, verified, with progress, recorded.

A partial file (``.part``) is resumed with an HTTP ``Range`` request; a finished file is
verified against the size the server announced (and the size the source's listing gave),
against the MD5 the server gives as its ``ETag`` (as Amazon S3 does for single-part
uploads), against a SHA-256 when the caller knows one, and as a zip archive (every member's
CRC-32 is checked). Each cache folder keeps a ``manifest.json`` with the size, SHA-256,
ETag, address and time of every file, so a later fetch skips what is already there.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from warchest.errors import FetchError
from warchest.results import Result
from warchest.version import __version__

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


def read_manifest(folder: Path) -> dict[str, dict[str, object]]:
    path = _manifest_path(folder)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, json.JSONDecodeError):
        return {}


def write_manifest(folder: Path, manifest: dict[str, dict[str, object]]) -> None:
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


def cache_folder(folder: Path) -> Path:
    """``folder``, made if missing, or a :class:`FetchError` naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"cannot use {folder} as a cache folder ({exc.strerror or exc}); "
                         "give another with --cache") from None
    return folder


def source_folder(cache: Path | None, name: str) -> tuple[Path, dict[str, dict[str, object]]]:
    """A source's folder in the cache (``cache``, else the default), made if missing, and
    its manifest."""
    folder = cache_folder((cache or default_cache_dir()) / name)
    return folder, read_manifest(folder)


def address(given: str | None, env: str, default: str = "", *, folder: bool = True) -> str:
    """Where a source is: the option, else ``$env``, else the publisher's address (``""``
    when it has none); ``folder``: ending in ``/`` (file names are appended to it)."""
    base = given or os.environ.get(env) or default
    if base and folder and not base.endswith("/"):
        base += "/"
    return base


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    return _digests(path)[0]


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError,
            OSError) as exc:  # damaged, encrypted, or compressed in a way zipfile lacks
        raise FetchError(f"{name} is not a readable zip archive after download ({exc}); "
                         "delete it from the cache and fetch again") from None
    if bad is not None:
        raise FetchError(f"{name}: member {bad} fails its CRC check; delete the file from "
                         "the cache and fetch again")


SECRET_HEADERS = ("X-api-key",)  # as urllib stores header names (str.capitalize)


class _SameHostHeaders(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send a credential header (an API key) only to the host it was
    meant for: the USPTO's API redirects file downloads to a content network."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and not same_origin(newurl, req.full_url):
            for name in SECRET_HEADERS:
                new.remove_header(name)
        return new


_OPENER = urllib.request.build_opener(_SameHostHeaders)


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs have the same scheme and host (a credential may go from one to the
    other)."""
    x, y = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return (x.scheme.lower(), x.netloc.lower()) == (y.scheme.lower(), y.netloc.lower())


def open_url(url: str, *, start: int = 0, timeout: float = 60.0,
             headers: dict[str, str] | None = None, what: str = "the URL") -> Any:
    """An HTTP response for ``url`` (from byte ``start``), or a :class:`FetchError` that
    says what to check."""
    try:
        request = urllib.request.Request(url, headers={
            "User-Agent": f"warchest/{__version__}", **(headers or {})})
        if start:
            request.add_header("Range", f"bytes={start}-")
        return _OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # range not satisfiable: the part may be complete
            raise
        exc.close()
        hint = ("the API key was refused: check $USPTO_API_KEY or --api-key"
                if exc.code in (401, 403) else f"check {what} and --base-url")
        raise FetchError(f"{url}: the server answered HTTP {exc.code} {exc.reason}; "
                         f"{hint}") from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException,
            ValueError) as exc:  # no connection, a broken answer, a URL or header that is not one
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot fetch {url} ({reason}); check the connection, the address "
                         "(--base-url) and the API key") from None


def _range_start(content_range: str) -> int | None:
    """The first byte of a ``Content-Range: bytes FIRST-LAST/TOTAL`` answer, or None."""
    m = re.match(r"\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*$", content_range)
    return int(m.group(1)) if m else None


def _receive(response: Any, url: str, part: Path, start: int, total: int | None,
             chunk: int, report: Callable[[int], object]) -> None:
    """The body of ``response`` into ``part`` (appended from byte ``start``); a
    :class:`FetchError` when the connection breaks (the part is kept, to resume) or the
    server sends more than the ``total`` it announced (the part is deleted)."""
    done = start
    with open(part, "ab" if start else "wb") as out:
        while True:
            try:
                block = response.read(chunk)
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                raise FetchError(f"download of {url} broke off at {done:,} bytes "
                                 f"({exc}); run the same command again to resume") from None
            if not block:
                return
            out.write(block)
            done += len(block)
            if total is not None and done > total:
                out.close()
                part.unlink()
                part.with_name(part.name + ".etag").unlink(missing_ok=True)
                raise FetchError(f"{part.name[:-5]}: the server sent more than the "
                                 f"{total:,} bytes it announced; the download was deleted, "
                                 "fetch again")
            report(done)


def fetch_file(
    url: str,
    target: Path,
    *,
    progress: ProgressFn | None = None,
    timeout: float = 60.0,
    chunk: int = 1 << 20,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    headers: dict[str, str] | None = None,
    what: str = "the file name",
) -> Fetched:
    """Download ``url`` to ``target`` (resuming ``target.part``) and verify it."""
    cache_folder(target.parent)
    part = target.with_name(target.name + ".part")
    tag_file = target.with_name(target.name + ".part.etag")  # the version being resumed
    start = part.stat().st_size if part.exists() else 0
    status = "resumed" if start else "downloaded"
    resume_headers = dict(headers or {})
    if start and tag_file.exists():  # the rest only if the file is still that version
        resume_headers["If-Range"] = tag_file.read_text(encoding="utf-8").strip()
    try:
        response = open_url(url, start=start, timeout=timeout, headers=resume_headers,
                            what=what)
    except urllib.error.HTTPError:
        response = open_url(url, timeout=timeout, headers=headers, what=what)
        start = 0
    with response:
        code = response.status
        raw_etag = (response.headers.get("ETag") or "").strip()
        etag = raw_etag.strip('"') or None
        content_range = response.headers.get("Content-Range") or ""
        if start and (code != 206 or _range_start(content_range) != start):
            start, status = 0, "downloaded"  # the whole file again, or another part: over
        total: int | None = None
        if m := re.search(r"/(\d+)$", content_range):
            total = int(m.group(1))
        elif (length := response.headers.get("Content-Length") or "").isdigit():
            total = start + int(length)
        if not start:
            tag_file.unlink(missing_ok=True)
            if raw_etag and not raw_etag.startswith("W/"):  # a weak tag cannot be resumed on
                tag_file.write_text(raw_etag, encoding="utf-8")
        _receive(response, url, part, start, total, chunk,
                  lambda done: progress(target.name, done, total) if progress else None)
    size = part.stat().st_size
    if total is not None and size != total:
        raise FetchError(f"{target.name}: got {size:,} of {total:,} bytes; run the same "
                         "command again to resume")
    if expected_size is not None and size != expected_size:
        part.unlink()
        raise FetchError(f"{target.name}: {size:,} bytes, but the source lists "
                         f"{expected_size:,}; the download was deleted, fetch again")
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
    tag_file.unlink(missing_ok=True)
    return Fetched(target.name, str(target), url, size, sha, status, etag, md5_verified)


def cached(folder: Path, name: str, manifest: dict[str, dict[str, object]]) -> Fetched | None:
    """The manifest's record of ``name`` when the file is there with the size it had."""
    entry = manifest.get(name)
    target = folder / name
    if not entry or not target.exists() or target.stat().st_size != entry.get("size"):
        return None
    return Fetched(name, str(target), str(entry.get("url")), int(str(entry["size"])),
                   str(entry.get("sha256")), "cached", None, False)


def fetch_into(folder: Path, name: str, url: str, manifest: dict[str, dict[str, object]], *,
               force: bool = False, progress: ProgressFn | None = None, timeout: float = 60.0,
               expected_size: int | None = None, headers: dict[str, str] | None = None,
               record: dict[str, object] | None = None, what: str = "the file name"
               ) -> Fetched:
    """``url`` into ``folder/name`` unless the manifest says it is there already (or
    ``force``); the manifest is written after each file, so an interrupted fetch keeps
    what it finished. ``record``: more to keep in the file's manifest entry (the
    source's product, dates)."""
    if not force and (hit := cached(folder, name, manifest)) is not None:
        return hit
    target = folder / name
    if force and target.exists():
        target.unlink()
    fetched = fetch_file(url, target, progress=progress, timeout=timeout,
                         expected_size=expected_size, headers=headers, what=what)
    manifest[name] = {**asdict(fetched), **(record or {}),
                      "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    write_manifest(folder, manifest)
    return fetched
