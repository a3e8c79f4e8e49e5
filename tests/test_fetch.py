"""`warchest fetch`: resume, verification and caching, against a server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from warchest.errors import FetchError
from warchest.fetch import fetch_patentsview

SAMPLE = "g_patent.tsv.zip"


class _Server(http.server.ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[tuple[str, str | None]]
    break_after: int | None  # drop the connection after this many body bytes (once)
    bad_etag: bool
    if_ranges: list[str | None]
    wrong_start: bool  # answer a range request from byte 0 (206 all the same)
    short_total: bool  # announce 100 bytes fewer than it sends


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        self.server.requests.append((name, self.headers.get("Range")))
        body = self.server.files.get(name)
        if body is None:
            self.send_error(404)
            return
        etag = hashlib.md5(b"other" if self.server.bad_etag else body).hexdigest()
        start = 0
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        self.server.if_ranges.append(if_range)
        if if_range is not None and if_range != f'"{etag}"':
            rng = None  # the file changed since: the whole of it (RFC 9110, 13.1.5)
        if self.server.short_total:
            self.send_response(206)
            self.send_header("Content-Range", f"bytes 0-{len(body) - 1}/{len(body) - 100}")
        elif rng and rng.startswith("bytes="):
            start = 0 if self.server.wrong_start else int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("ETag", f'"{etag}"')
        self.end_headers()
        payload = body[start:]
        if self.server.break_after is not None:
            cut, self.server.break_after = self.server.break_after, None
            self.wfile.write(payload[:cut])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(payload)


@pytest.fixture
def server(samples: Path) -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.files = {SAMPLE: (samples / "patentsview_partly_synthetic" / SAMPLE).read_bytes()}
    srv.requests = []
    srv.break_after = None
    srv.bad_etag = False
    srv.if_ranges = []
    srv.wrong_start = srv.short_total = False
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _url(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/download/"


def test_download_verifies_and_records_manifest(server: _Server, tmp_path: Path) -> None:
    [result] = fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    body = server.files[SAMPLE]
    target = tmp_path / "patentsview" / SAMPLE
    assert target.read_bytes() == body
    assert result.status == "downloaded" and result.md5_verified
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    manifest = json.loads((tmp_path / "patentsview" / "manifest.json").read_text())
    assert manifest[SAMPLE]["size"] == len(body)
    # a second fetch uses the cache
    [again] = fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert again.status == "cached" and len(server.requests) == 1


def test_broken_download_resumes_with_a_range_request(server: _Server, tmp_path: Path) -> None:
    body = server.files[SAMPLE]
    server.break_after = 50_000
    with pytest.raises(FetchError, match="run the same command again to resume"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    part = tmp_path / "patentsview" / (SAMPLE + ".part")
    assert part.stat().st_size == 50_000
    [result] = fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert result.status == "resumed"
    assert server.requests[-1] == (SAMPLE, "bytes=50000-")
    assert (tmp_path / "patentsview" / SAMPLE).read_bytes() == body
    assert not part.exists()


def test_a_resume_asks_for_the_same_version(server: _Server, tmp_path: Path,
                                            samples: Path) -> None:
    body = server.files[SAMPLE]
    server.break_after = 50_000
    with pytest.raises(FetchError, match="resume"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    # the file is republished before the resume: the server sends the new one whole
    new = (samples / "patentsview_partly_synthetic" / "g_cpc_current.tsv.zip").read_bytes()
    assert new != body
    server.files[SAMPLE] = new
    [result] = fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert server.if_ranges[-1] == f'"{hashlib.md5(body).hexdigest()}"'
    assert result.status == "downloaded" and result.md5_verified
    assert (tmp_path / "patentsview" / SAMPLE).read_bytes() == new
    assert list((tmp_path / "patentsview").glob("*.part*")) == []


def test_a_range_from_another_byte_starts_over(server: _Server, tmp_path: Path) -> None:
    body = server.files[SAMPLE]
    server.break_after = 50_000
    with pytest.raises(FetchError, match="resume"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    server.wrong_start = True  # 206, but from byte 0: appending would corrupt the file
    [result] = fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert result.status == "downloaded"
    assert (tmp_path / "patentsview" / SAMPLE).read_bytes() == body


def test_more_than_announced_is_refused(server: _Server, tmp_path: Path) -> None:
    server.short_total = True
    with pytest.raises(FetchError, match=r"more than the .* bytes it announced"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert list((tmp_path / "patentsview").glob(SAMPLE + "*")) == []


def test_checksum_mismatch_is_refused(server: _Server, tmp_path: Path) -> None:
    server.bad_etag = True
    with pytest.raises(FetchError, match="does not match the server's ETag"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    assert not (tmp_path / "patentsview" / SAMPLE).exists()


def test_missing_file_and_unreachable_server(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_patentsview(["g_cpc_current"], cache=tmp_path, base_url=_url(server))
    with pytest.raises(FetchError, match="cannot fetch"):
        fetch_patentsview(["g_patent"], cache=tmp_path, base_url="http://127.0.0.1:9/x/",
                          timeout=2)


def test_fetched_file_loads(server: _Server, tmp_path: Path) -> None:
    from warchest import Store, load_patentsview

    fetch_patentsview(["g_patent"], cache=tmp_path, base_url=_url(server))
    with Store(":memory:") as store:
        report = load_patentsview(store, [tmp_path / "patentsview"])
        assert report.rows_loaded == 4704


def test_a_scheme_fetch_naming_no_part_is_refused(tmp_path: Path) -> None:
    from warchest.fetch import fetch_scheme

    with pytest.raises(FetchError, match="--parts names no part; CPC has: titles, scheme"):
        fetch_scheme("cpc", parts=(), cache=tmp_path, base_url="http://127.0.0.1:9/")
    assert not (tmp_path / "cpc").exists()
