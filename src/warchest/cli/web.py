"""`warchest serve` (the REST API and the dashboard over a store) and `warchest keys` (the
API keys that open them)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warchest import InputError, default_db_path
from warchest.cli.common import (
    ENGINE,
    DbOption,
    JsonOption,
    app,
    comma_list,
    console,
    escape,
    print_json,
    user_errors,
)

keys_app = typer.Typer(help="API keys for `warchest serve`: create, list, revoke.",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")
KeysOption = Annotated[Path | None, typer.Option(
    "--keys", help="The keys file (default: $WARCHEST_KEYS or <store>.keys.json).",
    show_default=False)]


def _keys_file(db: Path | None, keys: Path | None) -> Path:
    from warchest import api_keys_path

    return keys or api_keys_path(db if db is not None else default_db_path())


@app.command()
@user_errors
def serve(
    db: DbOption = None, keys: KeysOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    jobs: Annotated[Path | None, typer.Option(help="Folder for deal jobs' files (default: a "
                                                   "new temporary folder).")] = None,
    cors: Annotated[str, typer.Option(help="Origins allowed to call the API from a browser, "
                                           "separated by ',' (default: none, CORS off).")] = "",
    readers: Annotated[int, typer.Option(min=1, max=64, help="Reads served at once per "
                                                            "process (one connection each).")]
    = 4,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (each opens "
                                                            "the store read-only); deal jobs "
                                                            "run in processes of their own.")]
    = 1,
    indexes: Annotated[bool, typer.Option("--indexes/--no-indexes", help="Build the store's "
                                          "lookup indexes first (fast patent and company "
                                          "reads; the next load drops them).")] = True,
    read_copy: Annotated[bool, typer.Option("--read-copy/--no-read-copy", help="Answer "
                                            "patent and portfolio reads from the store's "
                                            "read copy (<store>.read), built first when "
                                            "missing or older than the store (minutes on "
                                            "a large store).")] = True,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/docs) and the dashboard over the
    store, read-only. Every route but /api/v1/health needs a key: `warchest keys create`.

    Example: warchest serve --port 8000
    """
    from warchest import WebSettings, create_app, run_server

    if ENGINE.engine == "spark":
        raise InputError("warchest serve works on a DuckDB store (--db), not on a lake")
    if not 0 < port < 65536:
        raise InputError(f"--port {port} is not a port number (1-65535)")
    settings = WebSettings(db=db if db is not None else default_db_path(), keys=keys,
                           jobs=jobs or Path(tempfile.mkdtemp(prefix="warchest-jobs-")),
                           readers=readers, build_indexes=indexes, read_copy=read_copy,
                           cors_origins=comma_list(cors))
    application = create_app(settings) if workers == 1 else settings
    if not Path(settings.keys_file).exists():
        console.print(f"[yellow]No API keys yet ({escape(str(settings.keys_file))}): make "
                      "one with `warchest keys create --role analyst`.[/yellow]")
    console.print(f"warchest on http://{host}:{port}/ (API: /api/v1, docs: /api/v1/docs)")
    run_server(application, host, port, workers)


@keys_app.command("create")
@user_errors
def keys_create(
    role: Annotated[str, typer.Option(help="viewer (reads) or analyst (also runs deals).")],
    label: Annotated[str, typer.Option(help="Who or what the key is for.")] = "",
    db: DbOption = None, keys: KeysOption = None, as_json: JsonOption = False,
) -> None:
    """Make an API key; it is printed once and only its digest is kept.

    Example: warchest keys create --role analyst --label "deal team"
    """
    from warchest import create_api_key

    made = create_api_key(_keys_file(db, keys), role, label)
    if as_json:
        print_json(made.to_dict())
        return
    console.print(f"{made.role} key {made.key_id} (shown once, keep it):")
    print(made.secret)


@keys_app.command("list")
@user_errors
def keys_list(db: DbOption = None, keys: KeysOption = None, as_json: JsonOption = False) -> None:
    """The keys: ids, roles and labels (never the keys themselves).

    Example: warchest keys list
    """
    from warchest import list_api_keys

    found = list_api_keys(_keys_file(db, keys))
    if as_json:
        print_json([k.to_dict() for k in found])
        return
    table = Table("id", "role", "label", "created", title="API keys")
    for k in found:
        table.add_row(escape(k.key_id), k.role, escape(k.label), k.created)
    console.print(table)


@keys_app.command("revoke")
@user_errors
def keys_revoke(key: Annotated[str, typer.Argument(help="The key's id, or its label when "
                                                      "one key has it (keys list).")],
                db: DbOption = None, keys: KeysOption = None) -> None:
    """Remove a key: requests with it get 401 from then on.

    Example: warchest keys revoke "deal team"
    """
    from warchest import revoke_api_key

    gone = revoke_api_key(_keys_file(db, keys), key)
    console.print(f"revoked {escape(gone.key_id)} ({gone.role})")
