"""Start-up speed: modules imported eagerly that a search does not use.

A terminal search must feel instant (see benchmarks/speed.py).  Whoosh imports
``urllib.request`` (~25 ms: http, email, ssl) for a download helper, compiles
its English morphology regexes (~20 ms) for a query type searcher never builds,
and loads the Porter stemmer, Double Metaphone and two Levenshtein modules
(~1.5 ms) for analyzers and fuzzy queries searcher never uses.
:func:`defer_module` puts a stand-in in ``sys.modules`` that loads the real module
the first time anything in it is used, so code that does need it still gets it.
:func:`defer_for_command` does both, only in a ``searcher`` command's own process
(the console script and the Click app call it first): a program using the library
keeps its ``sys.modules`` as they are.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types


def defer_module(name: str, *functions: str, package: bool = False, **own) -> None:
    """Defer importing *name*; *functions* are names other modules import from it.

    *own* are attributes the stand-in has itself, without loading the module: each
    must be interchangeable with the module's own (``hashlib.md5`` below).  The
    stand-in of a *package* has its ``__path__`` (found without running it), so its
    submodules can still be imported; the real package gets them when it loads."""
    if name in sys.modules:
        return

    def real():
        if sys.modules.get(name) is not stub:
            return importlib.import_module(name)
        del sys.modules[name]
        module = importlib.import_module(name)
        for attr, value in vars(stub).items():  # submodules imported meanwhile
            if isinstance(value, types.ModuleType) and not hasattr(module, attr):
                setattr(module, attr, value)
        return module

    def lookup(attr: str):
        if attr.startswith("__"):  # the import system probing (__path__, ...)
            raise AttributeError(attr)
        return getattr(real(), attr)

    def proxy(fn: str):
        return lambda *args, **kwargs: getattr(real(), fn)(*args, **kwargs)

    stub = types.ModuleType(name)
    stub.__getattr__ = lookup
    if package:
        stub.__spec__ = importlib.util.find_spec(name)
        stub.__path__ = stub.__spec__.submodule_search_locations
    for fn in functions:
        setattr(stub, fn, proxy(fn))
    for attr, value in own.items():
        setattr(stub, attr, value)
    sys.modules[name] = stub
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, stub)


#: Whoosh modules searcher never uses -> the functions other modules import from them.
UNUSED_WHOOSH = {
    "whoosh.lang.morph_en": ("variations",),  # whoosh.query
    "whoosh.lang.porter": ("stem",),  # whoosh.analysis
    "whoosh.lang.dmetaphone": ("double_metaphone",),  # whoosh.analysis
    "whoosh.support.levenshtein": ("distance",),  # whoosh.reading
    "whoosh.automata.lev": (),  # whoosh.codec.base, as a module
}


def defer_unused_whoosh() -> None:
    """Defer :data:`UNUSED_WHOOSH`; call before anything imports whoosh."""
    for name, functions in UNUSED_WHOOSH.items():
        defer_module(name, *functions)


def defer_for_command() -> None:
    """Defer, in a ``searcher`` command's own process, what only some commands use.

    * Such a process never downloads anything, and only an index build uses
      Whoosh's temporary files (named with :mod:`random`), queues and file copies.
    * Whoosh imports :mod:`calendar` for date fields, which searcher's schema has
      none of, and :mod:`html` (with its entity tables) for an HTML highlighter.
    * :mod:`dataclasses` imports :mod:`inspect` (with ``ast``, ``dis``,
      ``tokenize``: ~9 ms of a search without Click) only to describe a class
      that has no docstring, so every dataclass on the search path has one.
    * Whoosh's term tables hash each looked-up term with ``hashlib.md5``:
      :mod:`hashlib` links OpenSSL (~2 ms, ~4 ms of a whole search), Python's own
      ``_md5`` gives the same digests for 0.2 ms.

    Click, an index build or a changed text loads the real modules when they need
    them.  A program using the library keeps its modules as they are.
    """
    defer_unused_whoosh()
    defer_module("urllib.request", "urlretrieve")
    for name in ("tempfile", "queue", "random", "calendar", "inspect"):
        defer_module(name)
    defer_module("shutil", "copyfileobj")
    defer_module("html", "escape", package=True)
    try:
        from _md5 import md5
    except ImportError:  # a Python built without its own hash functions
        return
    defer_module("hashlib", md5=md5)
