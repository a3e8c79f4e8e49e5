"""The firms of an exposure question: names to corporate groups, markets to countries, the
products file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from warchest.errors import (
    BadInputFile,
    InputError,
    NotComputed,
    NotResolved,
)
from warchest.exposure.results import Firm
from warchest.store import Engine


def resolve_firms(store: Engine, names: list[str]) -> list[Firm]:
    """Each name (or entity id) as its whole corporate group."""
    from warchest.owners import entity_id_of

    if not store.scalar("SELECT count(*) > 0 FROM owner_entities"):
        raise NotResolved
    firms = []
    for name in names:
        eid = entity_id_of(store, name)
        top = store.scalar("SELECT ultimate_entity_id FROM owner_entities WHERE entity_id = ?",
                           [eid]) or eid
        members = [r["entity_id"] for r in store.rows(
            "SELECT entity_id FROM owner_entities WHERE ultimate_entity_id = ? "
            "ORDER BY entity_id", [top])] or [eid]
        label = store.scalar("SELECT name FROM owner_entities WHERE entity_id = ?", [top])
        firms.append(Firm(str(label or name), top, members))
    if len({f.entity_id for f in firms}) < len(firms):
        raise InputError("two of the firms are the same corporate group: "
                            + ", ".join(f.name for f in firms))
    return firms


def market_countries(store: Engine, market: str) -> list[str]:
    m = market.strip().upper()
    rows = store.rows("SELECT DISTINCT country FROM market_weights WHERE jurisdiction = ? "
                      "ORDER BY country", [m])
    if rows:
        return [r["country"] for r in rows]
    known = [r["j"] for r in store.rows(
        "SELECT DISTINCT jurisdiction AS j FROM market_weights ORDER BY j")]
    if not known:
        raise NotComputed
    raise InputError(f"market {market!r} is not in the market table; use one of: "
                        + ", ".join(known))


def _members_table(firms: list[Firm]) -> pa.Table:
    rows = [(k, e) for k, f in enumerate(firms) for e in f.members]
    return pa.table({"firm": pa.array([r[0] for r in rows], pa.int32()),
                     "entity_id": [r[1] for r in rows]})


def _products_of(store: Engine, path: Path, firms: list[Firm]) -> pa.Table:
    """``read_products``, remembered in this process until the store or the file
    changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise BadInputFile(f"cannot read products file {path}: {exc.strerror}") from None
    key = ("products", str(path.resolve()), stat.st_mtime_ns, stat.st_size,
           tuple(tuple(f.members) for f in firms))
    got: pa.Table = store.remember(key, lambda: read_products(store, path, firms))
    return got


def read_products(store: Engine, path: Path, firms: list[Firm]) -> pa.Table:
    """A CSV of the product areas companies sell in (``company,product``; extra columns
    such as countries are ignored), as (firm, product) rows for the firms asked about.
    Companies are matched by raw name or normalised name; a company listed with the
    product ``none`` (``NO_PRODUCTS``) sells in no area (its exposure counts only
    ``outside`` of each score); firms the file does not list are active where their
    patents are."""
    import csv

    from warchest.owners.names import normalise_name

    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise BadInputFile(f"cannot read products file {path}: {exc.strerror}") from None
    if not rows or not {"company", "product"} <= set(rows[0]):
        raise BadInputFile(f"{path}: expected a header with 'company' and 'product' columns")
    member_of = {e: k for k, f in enumerate(firms) for e in f.members}
    # the file's names matched in one query (raw name, else normalised key), so a file
    # listing thousands of companies costs one join, not a lookup each
    names = sorted({r["company"] for r in rows if r.get("company")})
    # a name the store knows as a raw owner name has its key there already: only the
    # others are normalised here (a file listing every company of a large store would
    # otherwise cost a normalisation per name, about 15 s per 200,000)
    stored = {r["company"]: r["name_key"] for r in store.rows_with(
        "listed_raw", pa.table({"company": names}),
        "SELECT l.company, min(n.name_key) AS name_key FROM listed_raw l "
        "JOIN owner_names n ON n.raw_name = l.company GROUP BY l.company")}
    keys = [stored.get(n) or normalise_name(n) for n in names]
    found = store.rows_with("listed", pa.table({"company": names, "name_key": keys}), """
        WITH hits AS (  -- two equi-joins: an OR in the join condition is a nested loop
            SELECT l.company, n.raw_name, n.entity_id, n.mentions FROM listed l
            JOIN owner_names n ON n.raw_name = l.company
            UNION
            SELECT l.company, n.raw_name, n.entity_id, n.mentions FROM listed l
            JOIN owner_names n ON n.name_key = l.name_key)
        SELECT company, entity_id, sum(mentions) AS m FROM hits
        GROUP BY company, entity_id""")
    best: dict[str, tuple[int, str]] = {}
    for hit in found:
        m = int(hit["m"] or 0)
        if hit["company"] not in best or m > best[hit["company"]][0]:
            best[hit["company"]] = (m, hit["entity_id"])
    out: set[tuple[int, str]] = set()
    for r in rows:
        eid = best.get(r["company"], (0, ""))[1]
        k = member_of.get(eid)
        if k is not None and r["product"].strip():
            out.add((k, r["product"].strip()))
    return pa.table({"firm": pa.array([k for k, _ in sorted(out)], pa.int32()),
                     "product": [p for _, p in sorted(out)]})
