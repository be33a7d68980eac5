"""The package's layout is a rule, not a habit: one subpackage a stage, data flowing one way.

Like ripgrep's crates (``grep-searcher`` depends only on ``grep-matcher``), the
direction of imports is checked here by parsing every module's imports:
``text/``, ``query/``, ``results/`` and ``semantic/`` never import ``backends/``,
``cli/`` or ``web/``; ``backends/opensearch/`` never imports ``backends/local/``
(so it loads no Whoosh); no module imports itself round a circle; no module passes
450 lines (it would be holding two jobs); at most 8 modules stand directly in
``searcher/``.  Then what the layout promises its users: one Searcher base both
backends subclass, and a library import that leaves ``sys.modules`` alone.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from searcher import Results, Searcher
from searcher.backends.local.engine import LocalSearcher
from searcher.backends.opensearch.searcher import OpenSearchSearcher

PACKAGE = Path(__file__).resolve().parent.parent / "searcher"
#: Stages below the faces and the backends: they never import these.
LOWER = ("text", "query", "results", "semantic")
HIGHER = ("backends", "cli", "web")
MAX_LINES = 450
MAX_TOP_MODULES = 8


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every searcher module *path* imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)  # from pkg import module
    return {m for m in found if m == "searcher" or m.startswith("searcher.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}


def _stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, imported in graph.items():
        for other in imported:
            if _stage(module) in LOWER and _stage(other) in HIGHER:
                bad.append(f"{module} imports {other}")
            if module.startswith("searcher.backends.opensearch") and other.startswith(
                "searcher.backends.local"
            ):
                bad.append(f"{module} imports {other}")
    return sorted(bad)


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle of imports once (a package importing its own modules through
    ``__init__`` is no circle: searcher's ``__init__`` files import nothing eagerly)."""
    circles, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = "open"
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                circles.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return circles


def test_lower_stages_never_import_backends_or_faces():
    assert layering_violations(_graph()) == []


def test_the_layering_check_catches_a_lower_stage_importing_a_backend():
    graph = _graph()
    graph["searcher.query.rules"] = graph["searcher.query.rules"] | {"searcher.backends.base"}
    graph["searcher.backends.opensearch.dsl"] |= {"searcher.backends.local.scoring"}
    assert layering_violations(graph) == [
        "searcher.backends.opensearch.dsl imports searcher.backends.local.scoring",
        "searcher.query.rules imports searcher.backends.base",
    ]


def test_no_import_circle():
    assert import_circles(_graph()) == []


def test_no_module_holds_two_jobs():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"over {MAX_LINES} lines: split by job"


def test_few_modules_directly_in_the_package_and_none_shadows_search():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top
    assert not list(PACKAGE.rglob("search.py")), "search.py would shadow searcher.search"


def test_opensearch_backend_loads_no_whoosh():
    code = (
        "import sys\n"
        "import searcher.backends.opensearch.searcher, searcher.backends.opensearch.load\n"
        "from searcher import Searcher, search, Hit\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh')\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_library_leaves_sys_modules_alone(tmp_path):
    """The start-up stand-ins (searcher._startup) are the command's, never a script's."""
    code = (
        "import sys, types\n"
        "from searcher import Searcher\n"
        "s = Searcher(index_dir=sys.argv[1], texts_dir=sys.argv[2])\n"
        "import searcher.backends.local.engine, searcher.backends.local.analysis\n"
        "stand_ins = [n for n, m in sys.modules.items()\n"
        "             if isinstance(m, types.ModuleType) and m.__spec__ is None\n"
        "             and n.split('.')[0] in ('whoosh', 'hashlib', 'html', 'random', 'inspect')]\n"
        "assert not stand_ins, stand_ins\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "i"), str(tmp_path / "t")],
                   check=True)


def test_both_backends_are_searchers_from_one_factory(tmp_path):
    local = Searcher(index_dir=tmp_path / "index", texts_dir=tmp_path / "texts")
    remote = Searcher(opensearch="http://127.0.0.1:9", texts_dir=tmp_path / "texts")
    try:
        assert isinstance(local, Searcher) and type(local) is LocalSearcher
        assert isinstance(remote, Searcher) and type(remote) is OpenSearchSearcher
    finally:
        local.close()  # neither touched the disk nor the network: nothing was searched
        remote.close()


@pytest.mark.parametrize("where", [{}, {"opensearch": "http://127.0.0.1:9"}])
def test_unknown_arguments_are_a_type_error(where, tmp_path):
    with pytest.raises(TypeError):
        Searcher(texts_dir=tmp_path, limit=5, **where)
    with pytest.raises(TypeError):
        Searcher(tmp_path, tmp_path, "third", **where)


def test_results_slices_and_copies_keep_what_the_search_did(real_searcher):
    hits = real_searcher.search("gorvulan Moskova", 5)
    assert hits.corrections and len(hits) >= 2
    for part in (hits[:2], hits[1:], hits.copy(), hits + []):
        assert isinstance(part, Results)
        assert part.corrections == hits.corrections and part.question is hits.question
    assert hits[0] is list.__getitem__(hits, 0)
    question = real_searcher.search("Moskova Antlaşması ne zaman imzalandı", 5)
    assert question.question is not None and question[:1].question is question.question


def test_python_dash_m_searcher_is_the_command():
    r = subprocess.run([sys.executable, "-m", "searcher", "--help"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and "Commands:" in r.stdout and "search" in r.stdout
    v = subprocess.run([sys.executable, "-m", "searcher", "--version"], capture_output=True,
                       text=True)
    assert v.returncode == 0 and v.stdout.startswith("searcher, version ")
