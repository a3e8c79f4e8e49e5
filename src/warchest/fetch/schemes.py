"""The classification schemes: the CPC title list and scheme (EPO and USPTO, published on
cooperativepatentclassification.org) and the IPC title list (WIPO), one release each."""

from __future__ import annotations

import re
from pathlib import Path

from warchest.errors import FetchError
from warchest.fetch.download import (
    Fetched,
    ProgressFn,
    address,
    fetch_into,
    source_folder,
)

CPC_URL = "https://www.cooperativepatentclassification.org/sites/default/files/cpc/bulk/"
CPC_VERSION = "202601"
"""The CPC release fetched by default (``YYYYMM``; the CPC is revised in January, May and
August): ``--version`` takes another."""
CPC_FILES = {"titles": "CPCTitleList{v}.zip", "scheme": "CPCSchemeXML{v}.zip"}

IPC_URL = "https://www.wipo.int/ipc/itos4ipc/ITSupport_and_download_area/"
IPC_VERSION = "20260101"
"""The IPC release fetched by default (``YYYYMMDD``, in force from January 1)."""
IPC_FILES = {"titles": "{v}/IPC_scheme_title_list/EN_ipc_title_list_{v}.zip"}


def fetch_scheme(scheme: str, *, version: str | None = None, parts: tuple[str, ...] = ("titles",),
                 cache: Path | None = None, base_url: str | None = None,
                 progress: ProgressFn | None = None, force: bool = False,
                 timeout: float = 60.0) -> list[Fetched]:
    """One release of ``cpc`` (``parts``: ``titles``, ``scheme``) or ``ipc`` (``titles``)
    into ``cache/<scheme>``. ``warchest load cpc`` reads the CPC title list and
    ``warchest load ipc`` the IPC's."""
    if scheme == "cpc":
        files, default_base, default_version, digits = CPC_FILES, CPC_URL, CPC_VERSION, 6
    elif scheme == "ipc":
        files, default_base, default_version, digits = IPC_FILES, IPC_URL, IPC_VERSION, 8
    else:
        raise FetchError(f"unknown scheme {scheme!r}; known: cpc, ipc")
    v = version or default_version
    if not re.fullmatch(rf"\d{{{digits}}}", v):
        raise FetchError(f"--version {v!r}: a {scheme.upper()} release is "
                         f"{'YYYYMM' if digits == 6 else 'YYYYMMDD'}, e.g. {default_version}")
    if not parts:
        raise FetchError(f"--parts names no part; {scheme.upper()} has: {', '.join(files)}")
    unknown = [p for p in parts if p not in files]
    if unknown:
        raise FetchError(f"unknown {scheme.upper()} part(s) {', '.join(unknown)}; known: "
                         f"{', '.join(files)}")
    base = address(base_url, f"WARCHEST_{scheme.upper()}_URL", default_base)
    folder, manifest = source_folder(cache, scheme)
    out = []
    for part in parts:
        path = files[part].format(v=v)
        out.append(fetch_into(folder, path.rsplit("/", 1)[-1], base + path, manifest,
                              force=force, progress=progress, timeout=timeout,
                              what="--version", record={"source": scheme, "version": v}))
    return out
