"""The dashboard: server-rendered pages (Jinja2, every value escaped), each calling one
public function; charts are :mod:`warchest.charts` specs drawn by the vendored Vega. A page
without a key sends the browser to sign in; a viewer cannot start a deal."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

import warchest
from warchest.charts import BLUE, GREY, bar_chart, embed_html, line_chart
from warchest.display import money, number
from warchest.errors import WarchestError

pages = APIRouter(include_in_schema=False)
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(default=True, default_for_string=True))
TEMPLATES.filters["number"] = lambda v: ("" if v is None else f"{v:,}" if isinstance(v, int)
                                         else number(float(v)))
TEMPLATES.filters["money"] = lambda v: "" if v is None else money(float(v))
PAGE = 25


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    from warchest.web.app import role_for

    synthetic = getattr(request.app.state, "synthetic", None)
    if synthetic is None:
        with request.app.state.stores.borrow() as store:
            synthetic = warchest.store_provenance(store).synthetic_kind is not None
        request.app.state.synthetic = synthetic
    html = TEMPLATES.get_template(name).render(role=role_for(request), synthetic=synthetic,
                                               **context)
    return HTMLResponse(html, status)


def _signed_in(request: Request) -> Response | None:
    from warchest.web.app import role_for

    if role_for(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", 303)
    return None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise warchest.InputError(f"date {text!r} is not a date like 2025-12-31") from None


def _safe_next(target: str) -> str:
    """Only a path of this server: no scheme, no other host, no backslash or control
    character a browser might read as one."""
    bad = target.startswith("//") or any(c == "\\" or ord(c) < 32 for c in target)
    return target if target.startswith("/") and not bad else "/"


@pages.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return _render(request, "login.html", title="Sign in", next=_safe_next(next))


@pages.post("/login")
async def login(request: Request) -> Response:
    from warchest.web.app import COOKIE
    from warchest.web.keys import role_of

    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    key = (form.get("key") or [""])[0].strip()
    target = _safe_next((form.get("next") or ["/"])[0])
    settings = request.app.state.settings
    if not key or role_of(settings.keys_file, key) is None:
        return _render(request, "login.html", 401, title="Sign in", next=target,
                       error="That is not an API key of this server.")
    response = RedirectResponse(target, 303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict",
                        secure=settings.secure_cookie, max_age=12 * 3600)
    return response


@pages.get("/logout")
def logout() -> Response:
    from warchest.web.app import COOKIE

    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE)
    return response


def _guarded(request: Request, build: Any, title: str) -> Response:
    """Sign-in first; a user error becomes the page's error message."""
    gate = _signed_in(request)
    if gate is not None:
        return gate
    try:
        result: Response = build()
        return result
    except WarchestError as exc:
        from warchest.web.app import status_of

        return _render(request, "home.html", status_of(exc), title=title, error=str(exc),
                       patents=0)


@pages.get("/")
def home(request: Request) -> Response:
    def build() -> Response:
        with request.app.state.stores.borrow() as store:
            prov = warchest.store_provenance(store)
        return _render(request, "home.html", title="warchest", patents=prov.patents,
                       small=prov.small_sample)
    return _guarded(request, build, "warchest")


@pages.get("/search")
def search(request: Request, q: str = "") -> Response:
    def build() -> Response:
        text = q.strip()[:200]
        if not text:
            return RedirectResponse("/", 303)
        with request.app.state.stores.borrow() as store:
            number_id = warchest.try_normalize_patent_number(text)
            if number_id and store.scalar("SELECT count(*) FROM patents WHERE patent_id = ?",
                                          [number_id]):
                return RedirectResponse(f"/patents/{quote(number_id)}", 303)
            found = warchest.find_owners(store, text, 25)
        matches = [{"name": c.name, "entity_id": c.entity_id, "patents": c.patents_now,
                    "variants": "; ".join(v.raw_name for v in c.variants[:4]),
                    "url": f"/companies/{quote(c.entity_id)}"} for c in found.matches]
        return _render(request, "search.html", title=f"Search: {text}", query=text,
                       matches=matches)
    return _guarded(request, build, "Search")


@pages.get("/companies/{name:path}")
def company(request: Request, name: str, as_of: str | None = None, page: int = 0) -> Response:
    def build() -> Response:
        day = _date(as_of)
        with request.app.state.stores.borrow() as store:
            held = warchest.portfolio_value(store, name, day)
            history = warchest.portfolio_history(store, name, day)
        rows = [{"year": y.year, "patents": y.in_force, "series": "in force at year end"}
                for y in history.years if y.in_force is not None]
        rows += [{"year": y.year, "patents": y.expiring, "series": "expiring in the year"}
                 for y in history.years if y.expiring is not None]
        chart = line_chart("Patents in force over the years, and expiries ahead", rows,
                           "year", "patents", "series",
                           {"in force at year end": BLUE, "expiring in the year": GREY},
                           "year", "patents")
        mix = bar_chart("Technology mix: patents in force per CPC subclass",
                        [(k, [("patents", float(v))]) for k, v in
                         held.summary.technology_mix.items()], {"patents": BLUE}, "patents",
                        ",d")
        live = sorted((p for p in held.patents if p.in_force),
                      key=lambda p: (-(p.value or 0.0), p.patent_id))
        start = max(0, page) * PAGE
        here = f"/companies/{quote(name)}"
        query = {"as_of": as_of} if as_of else {}
        return _render(
            request, "company.html", title=held.name, held=held, s=held.summary,
            history_chart=embed_html(chart, "history"), mix_chart=embed_html(mix, "mix"),
            top=live[start:start + PAGE], first=start + 1 if live else 0,
            last=min(start + PAGE, len(live)),
            prev_url=f"{here}?{urlencode({**query, 'page': page - 1})}" if page > 0 else None,
            next_url=f"{here}?{urlencode({**query, 'page': page + 1})}"
            if start + PAGE < len(live) else None,
            exposure_url="/exposure?" + urlencode({"firms": held.name}),
            deal_url="/deal-room?" + urlencode({"buyer": held.name}))
    return _guarded(request, build, "Company")


SECTIONS = (("assignees", "Assignees at grant"), ("cpc", "CPC classification"),
            ("reassignments", "Reassignments"), ("citations_made", "Citations made"),
            ("citations_received", "Cited by"), ("litigation", "District-court cases"),
            ("ptab", "PTAB proceedings"))


def _section(rows: tuple[dict[str, Any], ...], limit: int = 20) -> dict[str, Any]:
    """A table of a record's rows: their first columns, bookkeeping columns left out."""
    columns = [k for k in (rows[0] if rows else {}) if k not in ("load_id", "merged_from")][:6]
    return {"columns": columns, "rows": [[r.get(c) for c in columns] for r in rows[:limit]],
            "more": max(0, len(rows) - limit)}


@pages.get("/patents/{number}")
def patent(request: Request, number: str) -> Response:
    def build() -> Response:
        with request.app.state.stores.borrow() as store:
            record = warchest.describe_patent(store, number)
            value = warchest.patent_value(store, number) if warchest.values_computed(
                store) else None
        facts = [(k, v) for k, v in record.patent.items()
                 if k not in ("load_id", "merged_from", "title") and v not in (None, "")]
        value_facts = [] if value is None else [
            (k, v) for k, v in value.to_dict().items()
            if isinstance(v, str | int | float | dt.date) and v != ""]
        sections = [(title, _section(getattr(record, key))) for key, title in SECTIONS
                    if getattr(record, key)]
        abstract = (record.abstract or {}).get("abstract")
        return _render(request, "patent.html", title=f"US {record.patent_id}",
                       p=record.patent, patent_id=record.patent_id, facts=facts,
                       abstract=abstract, value=value, value_facts=value_facts,
                       sections=sections)
    return _guarded(request, build, "Patent")


@pages.get("/exposure")
def exposure(request: Request, firms: str = "", market: str = "US",
             as_of: str | None = None) -> Response:
    def build() -> Response:
        names = [n.strip() for n in firms.split(";") if n.strip()]
        context: dict[str, Any] = {"title": "Exposure", "firms": firms, "market": market,
                                   "as_of": as_of}
        if len(names) < 2:
            return _render(request, "exposure.html", **context)
        if len(names) > 12:
            raise warchest.InputError(f"at most 12 companies, not {len(names)}")
        if not re.fullmatch(r"[A-Za-z]{2}", market):
            raise warchest.InputError(f"market {market!r} is not a two-letter office code "
                                      "(US, EP)")
        day = _date(as_of)
        with request.app.state.stores.borrow() as store:
            result = warchest.compute_exposure(store, names, market.upper(), day,
                                               evidence_per_pair=0)
        from warchest.exposure.heatmap import heatmap_spec

        def link(i: int, j: int) -> str:
            return "/exposure/explain?" + urlencode({
                "holder": result.firms[i].entity_id, "target": result.firms[j].entity_id,
                "market": result.market, **({"as_of": as_of} if as_of else {})})

        spec = heatmap_spec(result, bool(getattr(request.app.state, "synthetic", False)),
                            href=link)
        index = {f.name: k for k, f in enumerate(result.firms)}
        pairs = [{**r, "url": link(index[r["holder"]], index[r["target"]])}
                 for r in result.to_rows()]
        return _render(request, "exposure.html", chart=embed_html(spec, "heatmap"),
                       pairs=pairs, **context)
    return _guarded(request, build, "Exposure")


@pages.get("/exposure/explain")
def explain(request: Request, holder: str, target: str, market: str = "US",
            as_of: str | None = None) -> Response:
    def build() -> Response:
        with request.app.state.stores.borrow() as store:
            e = warchest.explain_exposure(store, holder, target, market.upper(),
                                          _date(as_of))
        columns = [k for k in (e.patents[0] if e.patents else {})
                   if k not in ("patent_id", "title")][:6]
        return _render(request, "explain.html", title="Evidence", e=e, columns=columns,
                       patents=e.patents)
    return _guarded(request, build, "Evidence")


@pages.get("/api/v1/docs")
def api_docs(request: Request) -> Response:
    """The API's routes, parameters and bodies, read from its OpenAPI description."""
    def build() -> Response:
        spec = request.app.openapi()
        routes = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                params = [(p["name"], p.get("in", ""), p.get("required", False),
                           (p.get("description") or p.get("schema", {}).get("description")
                            or "")) for p in op.get("parameters", [])]
                routes.append({"method": method.upper(), "path": "/api/v1" + path
                               if not path.startswith("/api") else path,
                               "summary": op.get("description") or op.get("summary", ""),
                               "params": params,
                               "body": "requestBody" in op})
        schemas = json.dumps(spec.get("components", {}).get("schemas", {}), indent=1)
        return _render(request, "api_docs.html", title="REST API", routes=routes,
                       schemas=schemas)
    return _guarded(request, build, "REST API")
