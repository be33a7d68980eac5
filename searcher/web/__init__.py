"""Stage 6 (a face, as :mod:`searcher.cli` is): searcher in the browser.

``searcher serve`` runs :func:`searcher.web.serve.serve`: a local page (server-rendered
HTML that works without JavaScript) and a JSON API over one shared
:class:`~searcher.backends.base.Searcher`, using only the public library.  Nothing
below this package imports it; it needs the ``web`` extra (Starlette, uvicorn, Jinja2).
"""
