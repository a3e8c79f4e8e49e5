"""The ``warchest`` command line: a thin layer over the public Python API.

Each command parses its options, calls one library function and formats the result (rich
tables for people, ``--json`` for programs). Errors a user can cause print one line and exit
with code 1; no tracebacks.

One module per group of commands (``load``, ``fetch``, ``store``, ``owners``, ``value``,
``techmap``, ``exposure``, ``litigation``, ``deal``, ``lake``, ``web``); ``common`` holds what they
share. Importing this package registers every command on ``app``."""

from __future__ import annotations

import importlib

from warchest.cli.common import app, main
from warchest.cli.load import print_load_report

# every command registers itself on `app` when its module is imported; this order is the
# order `warchest --help` lists them in
for _group in ("store", "load", "fetch", "owners", "value", "techmap", "exposure",
               "litigation", "deal", "lake", "web"):
    importlib.import_module(f"warchest.cli.{_group}")

__all__ = ["app", "main", "print_load_report"]

if __name__ == "__main__":
    main()
