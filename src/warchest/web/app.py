"""The web application: ``create_app(settings)`` builds the REST API (``/api/v1``) and the
dashboard pages over one store, opened read-only. Every route but ``/api/v1/health`` needs
an API key (``Authorization: Bearer KEY``, or the dashboard's cookie); viewers read,
analysts also run deals. Errors a user can cause come back as JSON (API) or a page
(dashboard) that names the bad value; no stack trace leaves the server."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import queue
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from warchest.errors import (
    BadInputFile,
    CannotWrite,
    InputError,
    MissingStep,
    NotFound,
    StoreUnavailable,
    WarchestError,
)
from warchest.readcopy import ReadCopy, Reads, open_read_copy, read_copy_path
from warchest.store import Store
from warchest.web.jobs import DealJobs
from warchest.web.keys import keys_path, role_of

log = logging.getLogger("warchest.web")
STATIC = Path(__file__).with_name("static")
COOKIE = "warchest_key"


@dataclass(frozen=True)
class WebSettings:
    """How a server runs: the store, the keys file, where deal jobs write, the limits."""

    db: Path
    keys: Path | None = None
    jobs: Path | None = None
    readers: int = 4
    """Read-only connections to the store, one per read running at once."""
    deal_workers: int = 1
    max_body_bytes: int = 64 * 1024
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call the API from a browser; none (CORS off) unless given."""
    secure_cookie: bool = False
    build_indexes: bool = True
    """Build the store's lookup indexes first (``Store.build_serving_indexes``), when the
    store can be opened writable."""
    read_copy: bool = True
    """Answer patent and portfolio reads from the store's read copy (``<store>.read``,
    :mod:`warchest.readcopy`) while it matches the store."""
    build_read_copy: bool = True
    """Build the read copy first when it is missing or older than the store."""

    @property
    def keys_file(self) -> Path:
        return self.keys or keys_path(self.db)

    def to_environment(self) -> str:
        """The settings as JSON, for worker processes (``app_from_environment``)."""
        data = dataclasses.asdict(self)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in data.items()})

    @classmethod
    def from_environment(cls, text: str) -> WebSettings:
        data = json.loads(text)
        for key in ("db", "keys", "jobs"):
            data[key] = None if data.get(key) is None else Path(data[key])
        data["cors_origins"] = tuple(data.get("cors_origins") or ())
        return cls(**data)


@dataclass
class Stores:
    """A pool of read-only connections to the store: each request borrows one."""

    db: Path
    size: int
    _free: queue.Queue[Store] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        for _ in range(self.size):
            self._free.put(Store(self.db, read_only=True))

    @contextmanager
    def borrow(self, wait_s: float = 30.0) -> Iterator[Store]:
        try:
            store = self._free.get(timeout=wait_s)
        except queue.Empty:
            raise StoreUnavailable(f"the server is busy: no connection to the store was "
                                   f"free within {wait_s:.0f} s; try again") from None
        try:
            yield store
        finally:
            self._free.put(store)

    def close(self) -> None:
        while not self._free.empty():
            self._free.get().close()


def prepare_store(db: Path) -> list[str]:
    """Build the store's lookup indexes before it is served read-only; a store another
    process holds (a load running) is served without them, with a warning."""
    try:
        with Store(db) as store:
            made = store.build_serving_indexes()
            store.checkpoint()
    except StoreUnavailable as exc:
        log.warning("serving %s without its lookup indexes: %s", db, exc)
        return []
    if made:
        log.info("built %d lookup indexes in %s", len(made), db)
    return made


def prepare_read_copy(settings: WebSettings) -> ReadCopy | None:
    """The store's read copy for serving, built first when missing or out of date (when
    ``settings.build_read_copy``); None when reads go to the store."""
    if not settings.read_copy:
        return None
    path = read_copy_path(settings.db)

    def progress(stage: str, done: int, total: int) -> None:
        if done == total:
            log.warning("read copy %s: %s %d/%d", path, stage, done, total)

    with Store(settings.db, read_only=True) as store:
        try:
            copy = open_read_copy(store, path, build=False)
            if copy is None and settings.build_read_copy:
                log.warning("building the read copy %s (a few minutes per million patents)",
                            path)
                copy = open_read_copy(store, path, True, progress)
        except CannotWrite as exc:
            log.warning("%s", exc)
            copy = None
        except Exception as exc:  # a server without a copy still serves
            log.error("could not build the read copy %s (%s: %s)", path, type(exc).__name__,
                      exc)
            copy = None
    if copy is None:
        log.warning("no read copy of %s matches the store: reads go to the store", settings.db)
    return copy


def status_of(exc: WarchestError) -> int:
    """The HTTP status of a user error."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, MissingStep):
        return 409
    if isinstance(exc, StoreUnavailable):
        return 503
    return 400


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        out.append({"field": where or "body", "message": str(e.get("msg", "invalid"))})
    return out


def create_app(settings: WebSettings) -> FastAPI:
    """The application (serve it with uvicorn: ``warchest serve``)."""
    from warchest.web.api import api
    from warchest.web.dealroom import room
    from warchest.web.pages import pages

    Store(settings.db, read_only=True).close()  # a missing or unreadable store fails here
    if settings.build_indexes:
        prepare_store(settings.db)
    jobs_dir = settings.jobs or Path(tempfile.mkdtemp(prefix="warchest-jobs-"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        app.state.stores.close()
        app.state.jobs.close()

    app = FastAPI(title="warchest", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None,
                  description="Who owns which patents, what they are worth, who can sue "
                              "whom, and which patents to buy. Every route but /api/v1/health "
                              "needs `Authorization: Bearer KEY` (`warchest keys create`).")
    app.state.settings = settings
    app.state.stores = Stores(settings.db, settings.readers)
    app.state.reads = Reads(app.state.stores.borrow, prepare_read_copy(settings))
    app.state.jobs = DealJobs(str(settings.db), jobs_dir, settings.deal_workers)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.middleware("http")
    async def limit_body(request: Request,
                         call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if request.method in ("POST", "PUT", "PATCH"):
            if length is None:  # a chunked body would be read whole before it is measured
                return JSONResponse({"error": "send the body with a Content-Length"}, 411)
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"error": f"a form posted from {origin} is refused: "
                                              "post from this server's own pages"}, 403)
        if length is not None and (not length.isdigit()
                                   or int(length) > settings.max_body_bytes):
            return JSONResponse({"error": f"the request body is larger than "
                                          f"{settings.max_body_bytes:,} bytes"}, 413)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-eval'; img-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'")
        return response

    @app.exception_handler(WarchestError)
    async def user_error(request: Request, exc: WarchestError) -> Response:
        return JSONResponse({"error": str(exc), "kind": type(exc).__name__},
                            status_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such route: {request.url.path}; the routes are at /api/v1/docs"
        return JSONResponse({"error": detail}, exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = _field_errors(exc)
        text = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse({"error": f"invalid request: {text}", "fields": fields}, 422)

    app.include_router(api, prefix="/api/v1")
    app.include_router(pages)
    app.include_router(room)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


SETTINGS_VARIABLE = "WARCHEST_SERVE_SETTINGS"


def app_from_environment() -> FastAPI:
    """``create_app`` with the settings ``warchest serve --workers N`` hands each of its
    worker processes in ``$WARCHEST_SERVE_SETTINGS`` (uvicorn's factory)."""
    text = os.environ.get(SETTINGS_VARIABLE)
    if not text:
        raise InputError(f"${SETTINGS_VARIABLE} is not set: start the server with "
                         "`warchest serve`")
    return create_app(WebSettings.from_environment(text))


def run_server(app: FastAPI | WebSettings, host: str = "127.0.0.1", port: int = 8000,
               workers: int = 1) -> None:
    """Serve ``app`` with uvicorn until interrupted; with ``workers`` > 1, give the
    settings: each worker process builds its own app from them."""
    import uvicorn

    if workers == 1:
        application = app if isinstance(app, FastAPI) else create_app(app)
        uvicorn.run(application, host=host, port=port, log_level="warning")
        return
    if not isinstance(app, WebSettings):
        raise InputError("several worker processes need the settings, not an app")
    Store(app.db, read_only=True).close()  # a missing or unreadable store fails here
    if app.build_indexes:
        prepare_store(app.db)
    prepare_read_copy(app)
    if app.jobs is None:  # one folder for every worker: each answers for every job
        app = dataclasses.replace(app, jobs=Path(tempfile.mkdtemp(prefix="warchest-jobs-")))
    # the workers open the store read-only side by side: none of them may build indexes
    os.environ[SETTINGS_VARIABLE] = dataclasses.replace(
        app, build_indexes=False, build_read_copy=False).to_environment()
    uvicorn.run("warchest.web.app:app_from_environment", factory=True, workers=workers,
                host=host, port=port, log_level="warning")


def role_for(request: Request) -> str | None:
    """The role of the key the request carries (bearer header, else the cookie)."""
    header = request.headers.get("authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else None
    secret = secret or request.cookies.get(COOKIE)
    if not secret:
        return None
    settings: WebSettings = request.app.state.settings
    try:
        return role_of(settings.keys_file, secret)
    except BadInputFile as exc:
        log.error("%s", exc)
        raise StoreUnavailable("the server's keys file cannot be read; its administrator "
                               "finds why in the server's log") from None
