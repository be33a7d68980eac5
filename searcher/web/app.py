"""The Starlette app: the page (server-rendered HTML, works without JavaScript) and the
JSON API, over one shared searcher.

Only the public library is used: a :class:`~searcher.backends.base.Searcher` (either
backend) and the values it returns; the API answers with their own dict forms
(``Hit.to_dict()``, ``KwicLine.to_dict()``, ``Dispersion.to_dict()``).  Errors a user
can cause are ``{"error": "..."}``: 400 for a bad query, parameter or location, 404 for
a document or line the index does not hold, 503 when the index or the cluster cannot
answer; never a traceback.  Every route is read-only (GET and HEAD).
"""

from __future__ import annotations

import inspect
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from searcher.config import KWIC_SORTS, KWIC_WIDTH
from searcher.errors import LocationError, QueryError, SearcherError, UnknownLocationError
from searcher.query.parse import split_query
from searcher.results.hits import passage_dict
from searcher.web import views
from searcher.web.guard import Guard, static_files
from searcher.web.shared import Freshness, Shared
from searcher.web.words import Words, language

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 10
MAX_PAGE = 50
MAX_LIMIT = 1000
#: Concordance lines drawn on the page (the API gives them all).
KWIC_SHOWN = 1000


class RequestError(SearcherError):
    """A parameter of the request is missing or not what it must be (400)."""


def status_for(exc: SearcherError) -> int:
    if isinstance(exc, UnknownLocationError):
        return 404
    if isinstance(exc, (QueryError, LocationError, RequestError)):
        return 400
    return 503  # the index or the cluster cannot answer: not the user's request


def create_app(searcher, *, hosts: frozenset[str] | None = None, refresh=None,
               wait: float = 0.25, warn=None) -> Guard:
    """The app over *searcher* (shared by every request).  *hosts*: the ``Host`` names
    answered (:func:`searcher.web.guard.allowed_hosts`; None: any).  *refresh*: called on
    a thread of its own to keep the index up to date (:class:`~searcher.web.shared.
    Freshness`), waited for at most *wait* seconds a request."""
    fresh = Freshness(refresh, wait, warn) if refresh is not None else None
    site = Site(Shared(searcher, fresh))
    app = Starlette(routes=site.routes(), exception_handlers={
        HTTPException: site.http_error, Exception: site.crash,
    })
    app.state.site = site
    return Guard(app, hosts)


def close_app(app: Guard) -> None:
    """Stop keeping the index fresh and let go of the searcher."""
    app.app.state.site.shared.close()


def _param(request, name: str, default: str | None = None) -> str | None:
    value = request.query_params.get(name)
    return default if value is None else value


def _int(request, name: str, default: int | None, low: int, high: int) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        raise RequestError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= n <= high:
        raise RequestError(f"{name} must be between {low} and {high}, not {n}")
    return n


def _flag(request, name: str) -> bool:
    value = (request.query_params.get(name) or "0").lower()
    if value not in views.TRUE | views.FALSE:
        raise RequestError(f"{name} must be 1 or 0, not {value!r}")
    return value in views.TRUE


class Site:
    """The routes; each handler runs on a worker thread (they are plain functions)."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.static = static_files(HERE / "static")
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(link=views.link, pairs=views.pairs)
        #: the filters each of the library's methods takes (a later version may add one)
        self.accepts = {
            method: {f for f in views.FILTERS
                     if f in inspect.signature(getattr(shared.searcher, method)).parameters}
            for method in ("search", "concordance", "dispersion")
        }

    def routes(self) -> list[Route]:
        return [
            Route("/", self.page_search),
            Route("/passage", self.page_passage),
            Route("/kwic", self.page_kwic),
            Route("/where", self.page_where),
            Route("/api/search", self.api(self.search_json)),
            Route("/api/passage", self.api(self.passage_json)),
            Route("/api/kwic", self.api(self.kwic_json)),
            Route("/api/where", self.api(self.where_json)),
            Route("/static/{name:path}", self.static_file),
        ]

    # -- shared by the page and the API
    def search_filters(self, request, method: str = "search") -> dict:
        """The filters of the query string, as given, for the library's *method*
        (``search``, ``concordance``, ``dispersion``): one it does not take is a 400."""
        out = {}
        for name in views.FILTERS:
            values = request.query_params.getlist(name)
            if not values or values == [""]:
                continue
            if name not in self.accepts[method]:
                raise RequestError(f"this searcher's {method} has no {name}= filter")
            if name == "semantic":
                out[name] = _flag(request, name)
            else:
                out[name] = values[0] if len(values) == 1 else values
        return out

    def query(self, request) -> str:
        q = request.query_params.get("q")
        if q is None:
            raise RequestError("q= is missing: the words to search for")
        return q

    # -- the API
    def api(self, handler):
        def endpoint(request):
            try:
                return JSONResponse(handler(request))
            except SearcherError as exc:
                return JSONResponse({"error": str(exc)}, status_for(exc))
        return endpoint

    def search_json(self, request) -> dict:
        q = self.query(request)
        hits = self.shared.call(
            "search", q, _int(request, "limit", 10, 1, MAX_LIMIT),
            phrase=_flag(request, "phrase"), exact=_flag(request, "exact"),
            **self.search_filters(request),
        )
        # and what the search did with the query: every attribute of the Results
        # (corrections, question, ...), so one the library adds is passed on as it is
        return {"query": q, "hits": [h.to_dict() for h in hits],
                **{k: v.to_dict() if hasattr(v, "to_dict") else v
                   for k, v in vars(hits).items()}}

    def passage_json(self, request) -> dict:
        loc = request.query_params.get("loc")
        if not loc:
            raise RequestError("loc= is missing: a location DOC:LINE")
        p, before, after = self.shared.call("locate", loc, _int(request, "context", 1, 0, 10))
        return passage_dict(p, before, after)

    def kwic_json(self, request) -> dict:
        q = self.query(request)
        lines = self.concordance(request, q)
        limit = _int(request, "limit", None, 1, 10**9)
        return {"query": q, "total": len(lines),
                "lines": [k.to_dict() for k in lines[:limit]]}

    def where_json(self, request) -> dict:
        qs = request.query_params.getlist("q")
        if not qs:
            raise RequestError("q= is missing: the words to look for (one q= a row)")
        filters = self.search_filters(request, "dispersion")
        return {"dispersions": [self.shared.call("dispersion", q, **filters).to_dict()
                                for q in qs]}

    def concordance(self, request, q: str):
        sort = _param(request, "sort", KWIC_SORTS[0])
        if sort not in KWIC_SORTS:
            raise RequestError(f"sort must be one of {', '.join(KWIC_SORTS)}, not {sort!r}")
        width = _int(request, "width", KWIC_WIDTH, 1, 500)
        return self.shared.call("concordance", q, width=width, sort=sort,
                                **self.search_filters(request, "concordance"))

    # -- the page
    def render(self, request, template: str, status: int = 200, **values) -> HTMLResponse:
        words = Words(language(request.headers.get("accept-language")))
        html = self.env.get_template(template).render(w=words, lang=words.lang, **values)
        return HTMLResponse(html, status, headers={"vary": "Accept-Language"})

    def page(self, template: str, build):
        """Render *template* with what *build* returns; a user error is shown on the
        same page with its status."""
        def endpoint(request):
            q = request.query_params.get("q", "")
            try:
                return self.render(request, template, **{"q": q, **build(request)})
            except SearcherError as exc:
                return self.render(request, template, status_for(exc), q=q, error=str(exc))
        return endpoint

    def page_search(self, request):
        return self.page("search.html", self._results)(request)

    def _results(self, request) -> dict:
        q = request.query_params.get("q", "")
        if not q.strip():
            return {}
        page = _int(request, "page", 1, 1, MAX_PAGE)
        filters = self.search_filters(request)
        hits = self.shared.call("search", q, page * PAGE_SIZE + 1, **filters)
        shown = hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return {
            "searched": True, "filters": filters, "page": page,
            "first": (page - 1) * PAGE_SIZE + 1, "last": (page - 1) * PAGE_SIZE + len(shown),
            "more": len(hits) > page * PAGE_SIZE,
            "hits": [views.hit_view(h.to_dict(), q, filters) for h in shown],
            "corrections": hits.corrections, "question": hits.question,
            "not_in_texts": hits.not_in_texts,
            "question_words": hits.question_words,
            "no_exact": bool(hits) and hits[0].match not in ("exact", "words"),
            "rows": self.where_rows(q),
        }

    def page_passage(self, request):
        return self.page("passage.html", self._passage)(request)

    def _passage(self, request) -> dict:
        loc = request.query_params.get("loc")
        if not loc:
            raise RequestError("loc= is missing: a location DOC:LINE")
        filters = self.search_filters(request)
        p, before, after = self.shared.call("locate", loc, 1)
        near = [{"text": n.text, "href": views.link(
            "/passage", loc=views.address(n.doc, n.line_start),
            q=request.query_params.get("q"), **filters)} for n in (*before, *after)]
        return {"p": p, "loc": loc, "address": views.address(p.doc, p.line_start),
                "before": near[: len(before)], "after": near[len(before):], "filters": filters}

    def page_kwic(self, request):
        return self.page("kwic.html", self._kwic)(request)

    def _kwic(self, request) -> dict:
        q = request.query_params.get("q", "")
        if not q.strip():
            return {}
        lines = self.concordance(request, q)
        filters = self.search_filters(request, "concordance")
        return {"searched": True, "total": len(lines), "filters": filters,
                "sort": _param(request, "sort", "position"),
                "lines": [views.kwic_view(k.to_dict(), q, filters) for k in lines[:KWIC_SHOWN]]}

    def page_where(self, request):
        return self.page("where.html", self._where)(request)

    def where_rows(self, q: str) -> list[str]:
        """The rows of the dispersion view for a query typed in one box: each word and
        each quotation its own row, as ``searcher where`` takes them."""
        try:
            parts = split_query(q)
        except QueryError:
            return [q]
        return [f'"{t}"' if kind == "phrase" else t for kind, t in parts
                if kind in ("word", "phrase")] or [q]

    def _where(self, request) -> dict:
        qs = [q for q in request.query_params.getlist("q") if q.strip()]
        if len(qs) == 1:
            qs = self.where_rows(qs[0])
        if not qs:
            return {}
        filters = self.search_filters(request, "dispersion")
        found = [self.shared.call("dispersion", q, **filters) for q in qs]
        return {"searched": True, "queries": qs, "q": " ".join(qs), "filters": filters,
                "docs": views.dispersion_rows(found),
                "total": sum(d.total for d in found)}

    def static_file(self, request):
        found = self.static.get(request.path_params["name"])
        if found is None:
            raise HTTPException(404)
        body, kind = found
        return Response(body, media_type=kind, headers={"cache-control": "max-age=3600"})

    # -- errors
    def http_error(self, request, exc: HTTPException):
        message = {404: "not found", 405: "read-only: only GET and HEAD"}.get(
            exc.status_code, exc.detail)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, exc.status_code)
        return self.render(request, "search.html", exc.status_code, q="", error=message)

    def crash(self, request, exc: Exception):
        return JSONResponse({"error": "internal error; the server's log says more"}, 500)
