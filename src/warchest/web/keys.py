"""API keys for ``warchest serve``: created by ``warchest keys create --role viewer|analyst``,
kept in a JSON file beside the store (``<store>.keys.json``, or ``$WARCHEST_KEYS``) as
SHA-256 digests only. A key is 32 random bytes, so a fast digest is safe to keep (nothing
to guess from it); the key itself is shown once, when it is made."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from warchest.errors import BadInputFile, InputError, NotFound
from warchest.results import Result

ROLES = ("viewer", "analyst")
"""A viewer reads; an analyst also runs deals."""
PREFIX = "wk_"


@dataclass(frozen=True)
class ApiKey(Result):
    """One key: its id (the first characters, safe to show), role and label; ``secret`` is
    the key itself, only when it was just made."""

    key_id: str
    role: str
    label: str
    created: str
    secret: str | None = None


def keys_path(db: Path | str) -> Path:
    """Where the keys of the store ``db`` are kept: ``$WARCHEST_KEYS``, else
    ``<db>.keys.json``."""
    chosen = os.environ.get("WARCHEST_KEYS")
    return Path(chosen) if chosen else Path(f"{db}.keys.json")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_READ: dict[Path, tuple[tuple[int, int, int], list[dict[str, str]]]] = {}
"""The keys file as last read, by path, with the file's (inode, size, mtime) then: every
request checks its key, and the file is read again only when it has changed (a key made
or revoked replaces the file, a new inode)."""


def _read(path: Path) -> list[dict[str, str]]:
    try:
        st = path.stat()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise BadInputFile(f"cannot read the API keys file {path}: {exc}") from None
    stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return list(known[1])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInputFile(f"cannot read the API keys file {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise BadInputFile(f"{path} is not a warchest API keys file (no 'keys' list)")
    keys = [k for k in data["keys"] if isinstance(k, dict)]
    _READ[path] = (stamp, keys)
    return list(keys)


def _write(path: Path, keys: list[dict[str, str]]) -> None:
    """Write the file whole under a new name (mode 0600), then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"keys": keys}, fh, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_api_key(path: Path, role: str, label: str = "") -> ApiKey:
    """A new key of ``role`` (viewer or analyst), its digest added to ``path``; the result
    carries the key itself, which is not kept anywhere."""
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of: {', '.join(ROLES)}")
    secret = PREFIX + secrets.token_urlsafe(32)
    key_id = secret[: len(PREFIX) + 8]
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    keys = _read(path)
    keys.append({"key_id": key_id, "sha256": _digest(secret), "role": role,
                 "label": label[:200], "created": created})
    _write(path, keys)
    return ApiKey(key_id, role, label[:200], created, secret)


def list_api_keys(path: Path) -> list[ApiKey]:
    """The keys in ``path`` (ids, roles, labels: never a secret)."""
    return [ApiKey(k.get("key_id", "?"), k.get("role", "?"), k.get("label", ""),
                   k.get("created", "")) for k in _read(path)]


def revoke_api_key(path: Path, key: str) -> ApiKey:
    """Remove the key whose id (or, when one key has it, label) is ``key``; returns it."""
    keys = _read(path)
    gone = [k for k in keys if k.get("key_id") == key] or [
        k for k in keys if k.get("label") == key]
    if not gone:
        raise NotFound(f"no API key with the id or label {key!r} in {path}; `warchest keys "
                       "list` shows them")
    if len(gone) > 1:
        raise InputError(f"{len(gone)} keys have the label {key!r}: give the id of the one "
                         "to revoke (`warchest keys list`)")
    _write(path, [k for k in keys if k is not gone[0]])
    k = gone[0]
    return ApiKey(k.get("key_id", "?"), k.get("role", "?"), k.get("label", ""),
                  k.get("created", ""))


def role_of(path: Path, secret: str) -> str | None:
    """The role of the key ``secret``, or None when it is not a key in ``path``."""
    digest = _digest(secret)
    role = None
    for k in _read(path):  # compare with every key, in constant time each
        stored = k.get("sha256")
        if isinstance(stored, str) and hmac.compare_digest(stored.encode(), digest.encode()):
            role = k.get("role")
    return role if role in ROLES else None
