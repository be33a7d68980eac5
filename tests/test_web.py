"""searcher in the browser: the page and the JSON API (``searcher serve``), through
Starlette's TestClient over a real index of tiny texts written here, and a real
uvicorn server where the network matters (raw paths, concurrency, Ctrl-C)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import write_texts

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")
from starlette.testclient import TestClient  # noqa: E402

from searcher import Searcher  # noqa: E402
from searcher.web.app import close_app, create_app  # noqa: E402
from searcher.web.guard import allowed_hosts  # noqa: E402
from searcher.web.serve import bind, open_searchers  # noqa: E402

BASE = "http://127.0.0.1:8765"
KARS = "\n\n".join(
    f"Kars konferansının {i}. gününde\nheyetler sınırı konuştu." for i in range(1, 13))
TEXTS = {  # paragraphs of two lines between blank lines; a form feed starts page 2
    "kitap": (
        "GÜMRÜK ANLAŞMASI\n\n"
        "Türkiye ile Gürcistan avantajlı gümrük\n"
        "kurallarını konuştu (*). Heyet Tiflis'e gitti.\n\n"
        "Gümrükler açıldı ve\nsınır ticareti başladı.\n\f"
        "MOSKOVA GÖRÜŞMELERİ\n\n"
        "Çiçerin heyeti Moskova'da karşıladı (**).\nGörüşmeler uzun sürdü.\n\n"
        "Lenin her akşam Çiçerin'i arayarak\ngörüşmeleri sordu.\n\n"
        f"{KARS}\n"
    ),
    "zararli": ('Bu satırda <script>alert("x")</script> yazısı var;\n'
                "kötü niyetli bir kod duruyor.\n"),
}


def _app(texts, index, **kwargs):
    searcher, keeper = open_searchers(texts, index, None, None)
    app = create_app(searcher, hosts=allowed_hosts("127.0.0.1"), refresh=keeper.refresh,
                     **kwargs)
    return app, keeper


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    return write_texts(root / "texts", **TEXTS), root / "index"


@pytest.fixture(scope="module")
def client(folders):
    app, keeper = _app(*folders)
    with TestClient(app, base_url=BASE) as c:
        yield c
    close_app(app)
    keeper.close()


@pytest.fixture(scope="module")
def library(folders):
    with Searcher(folders[1], folders[0]) as s:
        yield s


# ------------------------------------------------------------------------- the API


def test_api_search_returns_hits_with_provenance(client, library):
    r = client.get("/api/search", params={"q": "gumruk Tiflis", "limit": 2})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["query"] == "gumruk Tiflis" and body["corrections"] == {}
    assert body["question"] is None
    first = body["hits"][0]
    assert first["doc"] == "kitap.txt" and first["page"] == 1
    assert first["section"] == "GÜMRÜK ANLAŞMASI"
    assert first["line"] == 3 and first["footnotes"] == [{"marker": "(*)", "stars": 1, "line": 4}]
    s, e = first["snippet"]["highlights"][0]
    assert first["snippet"]["text"][s:e] == "gümrük"
    # the same values as the library
    hits = library.search("gumruk Tiflis", 2)
    assert body["hits"] == [h.to_dict() for h in hits]


def test_api_search_says_what_it_did_with_the_query(client):
    body = client.get("/api/search", params={"q": "ciceirn"}).json()
    assert body["corrections"] == {"ciceirn": ["çiçerin"]}
    assert body["hits"] and "Çiçerin" in body["hits"][0]["text"]
    asked = client.get("/api/search", params={"q": "Lenin ne zaman aradı"}).json()
    assert asked["question"]["kind"] == "when"
    assert asked["question"]["question_words"] == ["ne", "zaman"]


def test_api_passage_kwic_and_where_are_the_library_values(client, library):
    loc = "kitap.txt:10"
    got = client.get("/api/passage", params={"loc": loc, "context": 1}).json()
    p, before, after = library.locate(loc, 1)
    assert got["text"] == p.text and got["line_start"] == p.line_start
    assert got["before"] == [q.text for q in before] and got["after"] == [q.text for q in after]
    assert got["footnotes"][0]["marker"] == "(**)"
    kwic = client.get("/api/kwic", params={"q": "çiçerin", "sort": "left"}).json()
    assert kwic["total"] == 2
    assert kwic["lines"] == [k.to_dict() for k in library.concordance("çiçerin", sort="left")]
    where = client.get("/api/where", params=[("q", "Kars"), ("q", "Çiçerin")]).json()
    assert [d["total"] for d in where["dispersions"]] == [12, 2]
    assert where["dispersions"][1] == library.dispersion("Çiçerin").to_dict()


def test_bad_query_is_400(client):
    for params in ({"q": ""}, {"q": '"unbalanced'}, {"q": "kars " * 500}, {},
                   {"q": "kars", "limit": "many"}, {"q": "kars", "limit": "0"}):
        r = client.get("/api/search", params=params)
        assert r.status_code == 400, params
        assert set(r.json()) == {"error"} and "Traceback" not in r.text
    assert "too long" in client.get("/api/search", params={"q": "k" * 2001}).json()["error"]
    assert client.get("/api/kwic", params={"q": "kars", "sort": "sideways"}).status_code == 400
    for loc in ("kitap.txt", "kitap.txt:abc", ":3", ""):
        assert client.get("/api/passage", params={"loc": loc}).status_code == 400, loc
    # well-formed, but not in the index: 404
    for loc in ("yok.txt:3", "kitap.txt:9999"):
        r = client.get("/api/passage", params={"loc": loc})
        assert r.status_code == 404 and "error" in r.json(), loc
    # the page says it too, with the same status, on the page
    page = client.get("/", params={"q": '"unbalanced'})
    assert page.status_code == 400 and "unbalanced quote" in page.text
    assert client.get("/passage", params={"loc": "yok.txt:3"}).status_code == 404
    assert client.get("/api/nothing-here").json() == {"error": "not found"}


def test_filters_pass_through_to_the_library(client, library):
    """``doc=`` and ``pages=`` go to the library as given (its rules, its errors), and
    the page keeps them in every link and form."""
    r = client.get("/api/search", params={"q": "kod Kars", "doc": "zararli.txt"})
    assert r.status_code == 200 and {h["doc"] for h in r.json()["hits"]} == {"zararli.txt"}
    assert r.json()["hits"] == [h.to_dict() for h in library.search("kod Kars", doc="zararli.txt")]
    on_1 = client.get("/api/search", params={"q": "heyet", "pages": "1"}).json()["hits"]
    assert on_1 and {h["page"] for h in on_1} == {1}
    kwic = client.get("/api/kwic", params={"q": "Çiçerin", "pages": "1"}).json()
    assert kwic["total"] == 0
    where = client.get("/api/where", params={"q": "Kars", "doc": "zararli"}).json()
    assert where["dispersions"][0]["total"] == 0
    for bad in ({"pages": "x"}, {"pages": "7-3"}, {"doc": "yok*.txt"}):
        r = client.get("/api/search", params={"q": "Kars", **bad})
        assert r.status_code == 400 and "error" in r.json(), bad
    page = client.get("/", params={"q": "heyet", "pages": "2"}).text
    assert '<input type="hidden" name="pages" value="2">' in page
    assert re.search(r'class="kwic-link" href="/kwic\?q=heyet&amp;pages=2"', page)
    assert "pages=2" in re.search(r'<a class="address" href="([^"]+)"', page).group(1)


def test_read_only_nothing_is_written(client, folders):
    def snapshot():
        return sorted((str(p), p.stat().st_mtime_ns) for f in folders for p in f.rglob("*"))

    before = snapshot()
    for path in ("/?q=Kars", "/api/search?q=gümrük", "/kwic?q=Kars", "/where?q=Kars",
                 "/passage?loc=kitap.txt:3", "/api/where?q=Lenin"):
        assert client.get(path).status_code == 200
    assert client.post("/api/search?q=Kars").status_code == 405
    assert client.delete("/").status_code == 405
    assert snapshot() == before


# ------------------------------------------------------------------------ the page


def test_page_shows_hits_with_marks_tier_notes_and_paging(client):
    home = client.get("/")
    assert home.status_code == 200 and '<input id="q"' in home.text and "<mark>" not in home.text
    r = client.get("/", params={"q": "kars konferansi"})
    hits = re.findall(r'<li class="hit">', r.text)
    assert len(hits) == 10 and "<mark>Kars</mark>" in r.text
    assert 'class="tier tier-words"' in r.text and "kitap.txt:" in r.text
    assert 'rel="next"' in r.text and 'rel="prev"' not in r.text
    second = client.get("/", params={"q": "kars konferansi", "page": 2})
    assert len(re.findall(r'<li class="hit">', second.text)) == 2
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    notes = client.get("/", params={"q": "Tiflis"}).text
    assert "(*) line" in notes and "p. 1" in notes and "GÜMRÜK ANLAŞMASI" in notes
    quoted = client.get("/", params={"q": '"gümrük kuralları konuştu"'}).text
    assert 'tier-inflected' in quoted or 'tier-near' in quoted
    near = client.get("/", params={"q": "ciceirn"}).text
    assert "searched near words: çiçerin" in near


def test_page_escapes_text(client):
    r = client.get("/", params={"q": "niyetli"})
    assert r.status_code == 200
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.text
    assert "<script>alert" not in r.text
    passage = client.get("/passage", params={"loc": "zararli.txt:1"}).text
    assert "&lt;script&gt;" in passage and "<script>alert" not in passage
    typed = client.get("/", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in typed and 'value="&lt;script&gt;alert(1)' in typed


def test_page_words_follow_accept_language(client):
    tr = client.get("/", params={"q": "Kars"},
                    headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.8"})
    assert '<html lang="tr">' in tr.text and ">Ara</button>" in tr.text
    assert "bağlam dizini" in tr.text
    en = client.get("/", params={"q": "Kars"}, headers={"Accept-Language": "en-GB,tr;q=0.5"})
    assert '<html lang="en">' in en.text and ">Search</button>" in en.text
    assert "Accept-Language" in en.headers["vary"]
    other = client.get("/", headers={"Accept-Language": "de-DE"})
    assert '<html lang="en">' in other.text


def test_hit_opens_its_passage_with_neighbours_notes_and_back_link(client):
    page = client.get("/", params={"q": "Çiçerin heyeti karşıladı"}).text
    href = re.search(r'<a class="address" href="([^"]+)">kitap\.txt:(\d+)</a>', page)
    passage = client.get(href.group(1).replace("&amp;", "&"))
    assert passage.status_code == 200
    assert "Çiçerin heyeti Moskova&#39;da karşıladı (**)." in passage.text
    assert 'class="neighbour before"' in passage.text and 'class="neighbour after"' in passage.text
    assert "(**) line" in passage.text
    back = re.search(r'<nav class="back">\s*<a href="([^"]+)"', passage.text).group(1)
    assert back.startswith("/?q=") and "sonuçlara" not in passage.text


def test_concordance_and_dispersion_views_from_the_results(client):
    page = client.get("/", params={"q": "Kars"}).text
    kwic_href = re.search(r'class="kwic-link" href="([^"]+)"', page).group(1)
    where_href = re.search(r'class="where-link" href="([^"]+)"', page).group(1)
    kwic = client.get(kwic_href.replace("&amp;", "&")).text
    assert kwic.count('<td class="match"><mark>Kars</mark></td>') == 12
    right = client.get("/kwic", params={"q": "çiçerin", "sort": "right"}).text
    matches = re.findall(r'<td class="right">([^<]*)</td>', right)
    assert matches == sorted(matches, key=lambda s: s.strip().lower()) and len(matches) == 2
    where = client.get(where_href.replace("&amp;", "&")).text
    assert where.count("<svg") == 1 and 'viewBox="0 0 2 1"' in where
    assert re.findall(r'<td class="total">(\d+)</td>', where) == ["12"]
    two = client.get("/where", params={"q": 'Kars "Çiçerin heyeti"'}).text
    assert two.count("<svg") == 2 and "matplotlib" not in two


def test_foreign_host_refused(client):
    r = client.get("/api/search", params={"q": "Kars"}, headers={"Host": "evil.example:8765"})
    assert r.status_code == 400 and "evil.example" in r.json()["error"]
    assert client.get("/", headers={"Host": "attacker.test"}).status_code == 400
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"):
        assert client.get("/api/search?q=Kars", headers={"Host": host}).status_code == 200, host


def test_every_response_allows_only_the_pages_own_resources(client):
    for path in ("/", "/?q=Kars", "/api/search?q=Kars", "/static/style.css", "/nothing"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    page = client.get("/?q=Kars").text
    assert "style=" not in page and "<script>" not in page  # nothing inline the policy blocks


# ----------------------------------------------------------- a real server on a socket


@pytest.fixture(scope="module")
def live(folders):
    """A real uvicorn server on a free port (as ``searcher serve`` runs it)."""
    import uvicorn

    app, keeper = _app(*folders)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)
    close_app(app)
    keeper.close()


def _raw_get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host or f"127.0.0.1:{port}")
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


def test_static_traversal_refused(live):
    status, css = _raw_get(live, "/static/style.css")
    assert status == 200 and b"mark" in css
    source = b"def create_app"
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/%2E%2E%2Fapp.py",
                 "/static/..%2fapp.py", "/static/..%5capp.py", "/static//etc/passwd",
                 "/static/%2e%2e/%2e%2e/%2e%2e/setup.cfg", "/static/templates/../app.py",
                 "/static/../../../../etc/passwd"):
        status, body = _raw_get(live, path)
        assert status in (400, 404), path
        assert source not in body and b"root:" not in body and b"[metadata]" not in body, path


def test_200_requests_from_20_threads_all_answered(live, library):
    queries = ["Kars", "gumruk", "Çiçerin", "cicerin", '"gümrük kuralları"', "Lenin ne zaman",
               "Moskova", "heyet", "sinir ticareti", "ciceirn"]
    expected = {q: [h.to_dict()["line"] for h in library.search(q, 3)] for q in queries}

    def ask(i: int):
        q = queries[i % len(queries)]
        conn = http.client.HTTPConnection("127.0.0.1", live, timeout=30)
        from urllib.parse import quote

        conn.request("GET", f"/api/search?limit=3&q={quote(q)}")
        r = conn.getresponse()
        body = json.loads(r.read())
        conn.close()
        return q, r.status, [h["line"] for h in body["hits"]]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, range(200)))
    assert len(answers) == 200
    assert all(status == 200 for _, status, _ in answers)
    assert all(lines == expected[q] for q, _, lines in answers)


def test_search_during_rebuild_answers_from_last_complete_index(tmp_path):
    """A rebuild runs beside the searches: until it is complete they answer from the
    index as it was, then from the new one."""
    texts = write_texts(tmp_path / "texts", a="Ardahan sınırında ilk gün.\n")
    searcher, keeper = open_searchers(texts, tmp_path / "index", None, None)
    gate, started = threading.Event(), threading.Event()

    def slow_rebuild():  # the real rebuild, held back until the test lets it go
        started.set()
        gate.wait(30)
        keeper.refresh()

    app = create_app(searcher, hosts=allowed_hosts("127.0.0.1"), refresh=slow_rebuild, wait=0.05)
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/api/search?q=Ardahan").json()["hits"]
        gate.set()  # let the first (unchanged) check through
        app.app.state.site.shared.freshness.wait(10)
        gate.clear()
        (texts / "a.txt").write_text("Artvin sınırında ikinci gün.\n", encoding="utf-8")
        for _ in range(3):  # the rebuild has started and is not done
            r = c.get("/api/search?q=Ardahan")
            assert r.status_code == 200 and r.json()["hits"][0]["text"].startswith("Ardahan")
            assert c.get("/api/search?q=Artvin").json()["hits"] == []
        assert started.is_set()
        gate.set()
        app.app.state.site.shared.freshness.wait(30)
        assert c.get("/api/search?q=Artvin").json()["hits"][0]["text"].startswith("Artvin")
        assert c.get("/api/search?q=Ardahan").json()["hits"] == []
    close_app(app)
    keeper.close()


# ------------------------------------------------------------------ the command


def _serve(folders, *args):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "searcher", "serve", "--texts", str(folders[0]), "--index",
         str(folders[1]), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        text=True,
    )


def test_serve_says_its_url_and_ctrl_c_stops_it_cleanly(folders):
    proc = _serve(folders, "--port", "0")
    try:
        line = proc.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", line)
        assert url, line
        status, body = _raw_get(int(url.group(2)), "/api/search?q=Kars&limit=1")
        assert status == 200 and json.loads(body)["hits"][0]["doc"] == "kitap.txt"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert err.strip().endswith("searcher: stopped") and "Traceback" not in err


def test_serve_on_a_busy_port_is_one_line(folders):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        proc = _serve(folders, "--port", str(busy.getsockname()[1]))
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.startswith("searcher: error: cannot listen on 127.0.0.1:") and err.count("\n") == 1


def test_api_and_page_pass_on_what_the_library_says_of_a_question(real_searcher):
    """Every attribute of the library's Results reaches the API as it is (corrections,
    question, and what later versions add, such as the words not in the texts)."""
    app = create_app(real_searcher, hosts=None)
    q = "Aralov Ankara'ya varınca kimlerle buluştu"
    hits = real_searcher.search(q, 10)
    with TestClient(app, base_url=BASE) as c:
        body = c.get("/api/search", params={"q": q}).json()
        page = c.get("/", params={"q": q}).text
    assert body["hits"] == [h.to_dict() for h in hits]
    assert set(body) >= {"query", "hits", "corrections", "question"}
    assert body["question"]["kind"] == hits.question.kind
    for name, value in vars(hits).items():
        if name != "question":
            assert body[name] == json.loads(json.dumps(value)), name
    if getattr(hits, "not_in_texts", ()):
        assert "Not in the texts, left out: " + ", ".join(hits.not_in_texts) in page


def test_another_address_than_this_machines_is_served_with_a_warning(folders):
    proc = _serve(folders, "--host", "0.0.0.0", "--port", "0")
    try:
        warning, serving = proc.stderr.readline(), proc.stderr.readline()
        assert warning.startswith("searcher: warning: serving on 0.0.0.0, not only to this "
                                  "machine: anyone who can reach it can read the texts")
        port = int(re.search(r":(\d+)/ \(Ctrl-C", serving).group(1))
        # no one name to check the Host header against: any is answered
        assert _raw_get(port, "/api/search?q=Kars", host="some-name.lan")[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert proc.returncode == 0
