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
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
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
