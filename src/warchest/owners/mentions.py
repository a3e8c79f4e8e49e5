"""``cluster_names_file``: the resolver on a CSV of name mentions, without a store."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from warchest.csvfile import write_rows
from warchest.errors import (
    BadInputFile,
    InputError,
)
from warchest.owners.resolve import resolve_names
from warchest.results import Result

LEVELS = ("company", "group")
"""``company``: the legal entity as named; ``group``: the top of its corporate group by
name evidence (see ``warchest.owners.resolve``)."""


@dataclass(frozen=True)
class NameClusters(Result):
    """What ``cluster_names_file`` wrote to ``out``: mentions read, distinct names, and
    the entities they resolved into at ``level``."""

    source: Path
    out: Path
    level: str
    mentions: int
    names: int
    entities: int


def cluster_names_file(source: Path, out: Path, level: str = "company") -> NameClusters:
    """Resolve the mentions of a CSV (``mention_id,organization`` and optional location
    columns such as ``country``) and write ``mention_id,entity_id,entity_name`` at the
    company or the group level."""
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    try:
        with source.open(newline="", encoding="utf-8-sig") as fh:
            mentions, countries = _read_mentions(source, csv.DictReader(fh))
    except OSError as exc:
        raise BadInputFile(f"cannot read {source}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BadInputFile(f"{source} is not a UTF-8 CSV file: {exc}") from None
    counts = Counter(name for _, name in mentions)
    res = resolve_names(sorted(counts), counts, countries)
    pick = res.entity if level == "company" else res.group
    with out.open("w", newline="", encoding="utf-8") as fh:
        write_rows(fh, ["mention_id", "entity_id", "entity_name"],
                   ([mid, pick(name), res.name_of_entity[pick(name)]]
                    for mid, name in mentions))
    return NameClusters(Path(source), Path(out), level, len(mentions), len(counts),
                        len({pick(n) for n in counts}))


def _read_mentions(source: Path, reader: csv.DictReader[str]
                   ) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "mention_id" not in header or "organization" not in header:
        raise BadInputFile(f"{source}: the header {reader.fieldnames} needs the columns "
                            "mention_id and organization")
    cols = {h.strip().lower(): h for h in reader.fieldnames or []}
    country_col = cols.get("country")
    mentions: list[tuple[str, str]] = []
    countries: dict[str, set[str]] = defaultdict(set)
    for row in reader:
        name = (row[cols["organization"]] or "").strip()
        mentions.append((row[cols["mention_id"]], name))
        if country_col and row.get(country_col):
            countries[name].add(row[country_col].strip().upper())
    return mentions, countries
