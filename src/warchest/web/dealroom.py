"""The deal room: a form for the scenario, a job per run (the same jobs as the API's), and
the result with the report's own charts, the package and the downloads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from warchest.charts import embed_html
from warchest.web.models import DealIn
from warchest.web.pages import _render, _signed_in

room = APIRouter(include_in_schema=False)
PACKAGE_ROWS = 25  # the package's first rows on the page; all of them in the CSV
FIELDS = ("name", "buyer", "seller", "threats", "markets", "as_of", "size", "budget_usd",
          "min_remaining_years", "in_force_in", "max_share_per_area")


def _defaults(given: dict[str, str]) -> dict[str, str]:
    base = {"name": "deal", "buyer": "", "seller": "", "threats": "", "markets": "US: 1",
            "as_of": dt.date.today().isoformat(), "size": "100", "budget_usd": "",
            "min_remaining_years": "0", "in_force_in": "", "max_share_per_area": ""}
    return {**base, **{k: v for k, v in given.items() if k in FIELDS}}


def deal_from_form(form: dict[str, str]) -> DealIn:
    """The form's text fields as the API's deal model (so the same 422 messages)."""
    threats = []
    for line in form.get("threats", "").splitlines():
        if line.strip():
            name, _, weight = line.partition("|")
            threats.append({"name": name.strip(), "weight": weight.strip() or 1.0})
    markets: dict[str, Any] = {}
    for part in form.get("markets", "").split(","):
        if part.strip():
            code, _, weight = part.partition(":")
            markets[code.strip()] = weight.strip() or 1.0
    data: dict[str, Any] = {
        "name": form.get("name") or "deal", "buyer": form.get("buyer", ""),
        "seller": form.get("seller", ""), "threats": threats, "markets": markets,
        "in_force_in": [m.strip() for m in form.get("in_force_in", "").split(",")
                        if m.strip()]}
    for key in ("as_of", "size", "budget_usd", "min_remaining_years", "max_share_per_area"):
        if form.get(key, "").strip():
            data[key] = form[key].strip()
    return DealIn.model_validate(data)


@room.get("/deal-room")
def deal_room(request: Request) -> Response:
    gate = _signed_in(request)
    if gate is not None:
        return gate
    return _render(request, "deal_room.html", title="Deal room",
                   f=_defaults(dict(request.query_params)), jobs=request.app.state.jobs.all())


@room.post("/deal-room")
async def run_deal(request: Request) -> Response:
    from warchest.web.app import role_for

    gate = _signed_in(request)
    if gate is not None:
        return gate
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace"),
                                         keep_blank_values=True).items()}
    context = {"title": "Deal room", "f": _defaults(form), "jobs": request.app.state.jobs.all()}
    if role_for(request) != "analyst":
        return _render(request, "deal_room.html", 403, error="Running a deal needs an "
                       "analyst's key; this one is a viewer's.", **context)
    try:
        deal = deal_from_form(form)
    except ValidationError as exc:
        text = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}"
                         for e in exc.errors())
        return _render(request, "deal_room.html", 422, error=f"Check the form: {text}",
                       **context)
    job = request.app.state.jobs.submit(deal.to_scenario())
    if job is None:
        return _render(request, "deal_room.html", 429, error="Too many deals are running; "
                       "try again when one has finished.", **context)
    return RedirectResponse(f"/deal-room/jobs/{job.job_id}", 303)


@room.get("/deal-room/jobs/{job_id}")
def deal_job(request: Request, job_id: str) -> Response:
    gate = _signed_in(request)
    if gate is not None:
        return gate
    job = request.app.state.jobs.get(job_id)
    if job is None:
        return _render(request, "home.html", 404, title="Deal", patents=0,
                       error=f"No deal job {job_id!r} on this server.")
    files = {n: f"/api/v1/deals/{job.job_id}/{n}"
             for n in ("report.html", "report.pdf", "package.csv", "result.json")}
    charts, package, naked = "", [], []
    if job.state == "done":
        specs = json.loads((job.folder / "charts.json").read_text(encoding="utf-8"))
        charts = "".join(embed_html(spec, f"chart-{k}") for k, spec in specs.items())
        result = json.loads((job.folder / "result.json").read_text(encoding="utf-8"))
        package, naked = result.get("package", []), result.get("naked", [])
    return _render(request, "deal_job.html", title=job.name, job=job,
                   progress=job.progress(), r=job.summary(), files=files, charts=charts,
                   package=package[:PACKAGE_ROWS], package_total=len(package), naked=naked,
                   refresh=2 if job.state in ("queued", "running") else None)
