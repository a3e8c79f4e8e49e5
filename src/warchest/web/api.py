"""The REST API, ``/api/v1``: each route parses its input, calls one public function of
:mod:`warchest` on a borrowed read-only connection and returns its result as JSON. Reads
are viewers'; starting a deal is an analyst's. Long work (a deal) runs as a job."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

import warchest
from warchest.results import Result, json_text
from warchest.version import __version__
from warchest.web.models import MAX_FIRMS, DealIn

api = APIRouter()
DateQuery = Annotated[dt.date | None, Query(description="the date (YYYY-MM-DD); default "
                                                        "today")]
CompanyName = Annotated[str, Path(min_length=1, max_length=300,
                                  description="a company's id or any of its names")]
PatentNumber = Annotated[str, Path(min_length=1, max_length=40,
                                   description="a patent number in any format")]
Market = Annotated[str, Query(pattern=r"^[A-Za-z]{2}$", description="an office: US, EP, ...")]


async def viewer(request: Request) -> str:
    """Any valid key; 401 without one."""
    from warchest.web.app import role_for

    role = role_for(request)
    if role is None:
        raise HTTPException(401, "an API key is needed: send `Authorization: Bearer KEY` "
                                 "(make one with `warchest keys create --role viewer`)",
                            headers={"WWW-Authenticate": "Bearer"})
    return role


async def analyst(role: Annotated[str, Depends(viewer)]) -> str:
    """An analyst's key; 403 for a viewer's."""
    if role != "analyst":
        raise HTTPException(403, "running a deal needs an analyst's key (this one is a "
                                 "viewer's): `warchest keys create --role analyst`")
    return role


Viewer = Annotated[str, Depends(viewer)]
Analyst = Annotated[str, Depends(analyst)]


def _json(result: Result | dict[str, Any]) -> Response:
    text = result.to_json(indent=None) if isinstance(result, Result) else json_text(result)
    return Response(text, media_type="application/json")


def _names(text: str, what: str) -> list[str]:
    names = [n.strip() for n in text.split(";") if n.strip()]
    if len(names) > MAX_FIRMS:
        raise HTTPException(422, f"{what}: at most {MAX_FIRMS} companies per request, not "
                                 f"{len(names)}")
    return names


@api.get("/health")
async def health() -> dict[str, str]:
    """Whether the server is up (no key needed)."""
    return {"status": "ok", "version": __version__}


@api.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, role: Viewer) -> Response:
    """The OpenAPI description of this API."""
    return JSONResponse(request.app.openapi())


@api.get("/status")
def status(request: Request, role: Viewer) -> Response:
    """The store: tables and row counts, the last loads, what data it holds."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.store_status(store, loads=20))


@api.get("/patents/{number}")
async def patent(request: Request, number: PatentNumber, role: Viewer) -> Response:
    """Everything the store knows about one patent (any number format)."""
    reads = request.app.state.reads
    card = reads.copied_patent_json(number)  # a keyed lookup: no thread needed
    if card is None:
        card = await run_in_threadpool(reads.patent_json, number)
    return Response(card, media_type="application/json")


@api.get("/patents/{number}/value")
def patent_value(request: Request, number: PatentNumber, role: Viewer,
                 as_of: DateQuery = None) -> Response:
    """One patent's term, status per market and value on a date, with its indicators."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.patent_value(store, number, as_of))


@api.get("/companies")
def companies(request: Request, role: Viewer,
              q: Annotated[str, Query(min_length=1, max_length=200)],
              limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    """Companies whose names match ``q``, with their patent counts."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.find_owners(store, q, limit))


@api.get("/companies/{name:path}/portfolio")
async def company_portfolio(request: Request, name: CompanyName, role: Viewer,
                            as_of: DateQuery = None, group: bool = False,
                            offset: Annotated[int, Query(ge=0)] = 0,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Response:
    """The company's patents on a date with status and value: the summary, and one page of
    patents (``offset``, ``limit``) in patent number order."""
    reads = request.app.state.reads
    page = reads.quick_portfolio_page(name, as_of, group, offset, limit)  # no thread needed
    if page is None:  # a large company, or one the read copy lacks: on a thread
        page = await run_in_threadpool(reads.portfolio_page, name, as_of, group, offset, limit)
    return _json(page)


@api.get("/companies/{name:path}/history")
def company_history(request: Request, name: CompanyName, role: Viewer, as_of: DateQuery = None,
                    group: bool = False, years: Annotated[int, Query(ge=1, le=30)] = 10
                    ) -> Response:
    """Patents in force at each year end, and how many expire each year ahead."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.portfolio_history(store, name, as_of, years, group))


@api.get("/companies/{name:path}/litigation")
def company_litigation(request: Request, name: CompanyName, role: Viewer,
                       group: bool = False) -> Response:
    """The suits the company brought and faced, by year, court and counterparty, and its
    PTAB petitions with their outcomes."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.litigation_record(store, name, group))


@api.get("/companies/{name:path}")
def company(request: Request, name: CompanyName, role: Viewer) -> Response:
    """One company: its names, parents and subsidiaries, and the evidence."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.show_owner(store, name))


@api.get("/exposure")
def exposure(request: Request, role: Viewer,
             firms: Annotated[str, Query(description="companies separated by ';'")],
             market: Market = "US", as_of: DateQuery = None,
             evidence: Annotated[int, Query(ge=0, le=20)] = 3) -> Response:
    """The exposure matrix of the firms in one market, with the evidence per pair."""
    names = _names(firms, "firms")
    with request.app.state.stores.borrow() as store:
        return _json(warchest.compute_exposure(store, names, market.upper(), as_of,
                                               evidence_per_pair=evidence))


@api.get("/exposure/explain")
def exposure_explain(request: Request, role: Viewer,
                     holder: Annotated[str, Query(min_length=1, max_length=300)],
                     target: Annotated[str, Query(min_length=1, max_length=300)],
                     market: Market = "US", as_of: DateQuery = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """The patents and evidence behind one holder -> target score."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.explain_exposure(store, holder, target, market.upper(), as_of,
                                               limit=limit))


@api.get("/deterrence")
def deterrence(request: Request, role: Viewer,
               company: Annotated[str, Query(min_length=1, max_length=300)],
               threats: Annotated[str, Query(description="companies separated by ';'")],
               markets: Annotated[str, Query(pattern=r"^[A-Za-z]{2}(,[A-Za-z]{2})*$")] = "US",
               as_of: DateQuery = None) -> Response:
    """The company's power against each threat per market, and where it is naked."""
    names = _names(threats, "threats")
    with request.app.state.stores.borrow() as store:
        return _json(warchest.deterrence(store, company, names,
                                         [m.upper() for m in markets.split(",")], as_of))


@api.get("/crosslicence")
def crosslicence(request: Request, role: Viewer,
                 a: Annotated[str, Query(min_length=1, max_length=300)],
                 b: Annotated[str, Query(min_length=1, max_length=300)],
                 markets: Annotated[str, Query(pattern=r"^[A-Za-z]{2}(,[A-Za-z]{2})*$")]
                 = "US", as_of: DateQuery = None,
                 rate: Annotated[float, Query(ge=0, le=1)] = 0.02) -> Response:
    """The balancing payment of a cross-licence between two companies."""
    with request.app.state.stores.borrow() as store:
        return _json(warchest.cross_licence(store, a, b, [m.upper() for m in markets.split(",")],
                                            as_of or dt.date.today(), rate))


def job_view(request: Request, job: Any) -> dict[str, Any]:
    base = str(request.url_for("deal_job", job_id=job.job_id))
    out: dict[str, Any] = {"id": job.job_id, "state": job.state, "progress": job.progress(),
                           "scenario": job.name, "url": base}
    if job.state == "failed":
        out["error"] = job.error()
    if job.state == "done":
        out["result"] = job.summary()
        out["files"] = {name: f"{base}/{name}" for name in
                        ("result.json", "package.csv", "report.html", "report.pdf")}
    return out


@api.post("/deals", status_code=202)
def start_deal(request: Request, deal: DealIn, role: Analyst) -> Response:
    """Start a deal (the scenario as JSON): 202 with the job; poll it for progress."""
    job = request.app.state.jobs.submit(deal.to_scenario())
    if job is None:
        return JSONResponse({"error": "too many deals are running or waiting; try again "
                                      "when one has finished"}, 429)
    return JSONResponse(job_view(request, job), 202)


@api.get("/deals")
def deals(request: Request, role: Viewer) -> Response:
    """Every deal job of this server, newest first."""
    return JSONResponse([job_view(request, j) for j in request.app.state.jobs.all()])


@api.get("/deals/{job_id}", name="deal_job")
def deal_job(request: Request, job_id: str, role: Viewer) -> Response:
    """A deal job: its state, progress, and when done its headline figures and files."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no deal job {job_id!r} on this server")
    return JSONResponse(job_view(request, job))


@api.get("/deals/{job_id}/{name}")
def deal_file(request: Request, job_id: str, name: str, role: Viewer) -> Response:
    """A finished deal's report.html, report.pdf, package.csv or result.json."""
    from warchest.web.jobs import FILES, job_file

    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no deal job {job_id!r} on this server")
    if name not in FILES:
        raise HTTPException(404, f"{name!r}: a deal's files are {', '.join(FILES)}")
    if job.state != "done":
        raise HTTPException(409, f"deal job {job_id} is {job.state}, not done")
    path = job_file(job, name)
    if path is None:
        raise HTTPException(404, f"deal job {job_id} has no {name}")
    return FileResponse(path, media_type=FILES[name],
                        filename=f"{job.name}-{name}" if name != "report.html"
                        else None)
