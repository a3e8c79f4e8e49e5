"""Corporate groups: parent/subsidiary relations read from a user file or from GLEIF.

Formats:
- CSV with a header naming ``child`` and ``parent`` columns (names or entity ids), and an
  optional ``note`` column;
- YAML: ``{"groups": {PARENT: [CHILD, ...]}}`` or a list of ``{child:, parent:}`` mappings;
- GLEIF Level 2 relationship records (golden copy CSV: ``Relationship.StartNode.NodeID``,
  ``Relationship.EndNode.NodeID``, ``Relationship.RelationshipType``, and
  ``Relationship.RelationshipStatus``) together with the Level 1 LEI records that give each
  LEI its ``Entity.LegalName``. Direct parents (IS_DIRECTLY_CONSOLIDATED_BY) are used; an
  ultimate parent only where no direct one is given. Inactive relations are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warchest.errors import GroupsFileError
from warchest.yamlfile import read_yaml


@dataclass(frozen=True)
class Relation:
    child: str
    parent: str
    source: str  # "groups file" or "GLEIF level 2"
    evidence: str


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except OSError as exc:
        raise GroupsFileError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise GroupsFileError(f"{path} is not a UTF-8 CSV file: {exc}") from None


def _pick(header: list[str], *names: str) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    for n in names:
        if n.lower() in lower:
            return lower[n.lower()]
    return None


def read_groups_file(path: Path) -> list[Relation]:
    """Relations from a user's CSV or YAML groups file."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path)
    header, rows = _rows(path)
    child, parent = _pick(header, "child", "subsidiary"), _pick(header, "parent", "owner")
    if child is None or parent is None:
        raise GroupsFileError(
            f"{path}: the header {header} has no 'child' and 'parent' columns; write a CSV "
            "with the header child,parent[,note]")
    note = _pick(header, "note")
    out = []
    for i, row in enumerate(rows, start=2):
        c, p = (row.get(child) or "").strip(), (row.get(parent) or "").strip()
        if c and p:
            extra = f" ({row[note]})" if note and row.get(note) else ""
            out.append(Relation(c, p, "groups file", f"{path.name} line {i}{extra}"))
    return out


def _read_yaml(path: Path) -> list[Relation]:
    data: Any = read_yaml(path, "groups file", GroupsFileError)
    out: list[Relation] = []
    if isinstance(data, dict) and isinstance(data.get("groups"), dict):
        for parent, children in data["groups"].items():
            for child in children or []:
                out.append(Relation(str(child), str(parent), "groups file",
                                    f"{path.name}: groups/{parent}"))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if not isinstance(item, dict) or "child" not in item or "parent" not in item:
                raise GroupsFileError(f"{path}: item {i + 1} needs 'child' and 'parent' keys")
            out.append(Relation(str(item["child"]), str(item["parent"]), "groups file",
                                f"{path.name}: item {i + 1}"))
    else:
        raise GroupsFileError(
            f"{path}: expected 'groups: {{PARENT: [CHILD, ...]}}' or a list of "
            "{child: ..., parent: ...}")
    return out


def read_gleif(relationships: Path, lei_records: Iterable[Path]) -> list[Relation]:
    """Relations from GLEIF Level 2 relationship records, named by Level 1 LEI records."""
    names: dict[str, str] = {}
    for path in lei_records:
        header, rows = _rows(path)
        lei, legal = _pick(header, "LEI"), _pick(header, "Entity.LegalName")
        if lei is None or legal is None:
            raise GroupsFileError(
                f"{path}: not a GLEIF Level 1 file (needs the columns LEI and "
                f"Entity.LegalName; found {header[:6]})")
        for row in rows:
            names[row[lei].strip()] = row[legal].strip()
    header, rows = _rows(relationships)
    start = _pick(header, "Relationship.StartNode.NodeID")
    end = _pick(header, "Relationship.EndNode.NodeID")
    kind = _pick(header, "Relationship.RelationshipType")
    status = _pick(header, "Relationship.RelationshipStatus")
    if start is None or end is None or kind is None:
        raise GroupsFileError(
            f"{relationships}: not a GLEIF Level 2 relationship file (needs "
            "Relationship.StartNode.NodeID, Relationship.EndNode.NodeID and "
            f"Relationship.RelationshipType; found {header[:6]})")
    direct: dict[str, tuple[str, int]] = {}
    ultimate: dict[str, tuple[str, int]] = {}
    for i, row in enumerate(rows, start=2):
        if status and (row.get(status) or "ACTIVE").strip().upper() != "ACTIVE":
            continue
        t = (row.get(kind) or "").strip().upper()
        target = direct if t == "IS_DIRECTLY_CONSOLIDATED_BY" else \
            ultimate if t == "IS_ULTIMATELY_CONSOLIDATED_BY" else None
        if target is not None:
            target[row[start].strip()] = (row[end].strip(), i)
    out = []
    for child, (parent, line) in {**ultimate, **direct}.items():
        if child in names and parent in names:
            kind_text = "direct" if child in direct else "ultimate"
            out.append(Relation(names[child], names[parent], "GLEIF level 2",
                                f"{relationships.name} line {line}: {child} {kind_text} "
                                f"parent {parent}"))
    return out
