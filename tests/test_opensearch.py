"""searcher on a real OpenSearch cluster (marker ``opensearch``).

The cluster is the one named by ``SEARCHER_TEST_OPENSEARCH`` (node URLs separated
by commas), or a 3-node cluster started here with ``tests/opensearch/cluster``
when Java and Maven are available.  Without either the tests skip with the
reason; under ``CI=true`` they fail instead: CI must run them.
(``SEARCHER_TEST_CLUSTER_SCRIPT`` names another copy of the script.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher.cli.app import main
from tests.conftest import ROOT, doubled, paragraphs, write_texts

CLUSTER = Path(os.environ.get("SEARCHER_TEST_CLUSTER_SCRIPT")
               or ROOT / "tests" / "opensearch" / "cluster")
SEED = "sovyet-rusya-ve-tbmm-1920-1922.txt"


class ClusterUnderTest:
    """The cluster under test: its node URLs, and the script that controls it if ours."""

    def __init__(self, urls: list[str], controlled: bool) -> None:
        self.urls = urls
        self.controlled = controlled

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    def script(self, *args: str, timeout: float = 300) -> str:
        env = dict(os.environ)
        if self.urls:  # a restart keeps the ports the tests know
            env["SEARCHER_OS_PORT_BASE"] = self.urls[0].rsplit(":", 1)[1]
        r = subprocess.run([str(CLUSTER), *args], capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, env=env)
        assert r.returncode == 0, r.stderr[-2000:]
        return r.stdout


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"OpenSearch tests cannot run under CI: {reason}")
    pytest.skip(reason)


def _script_urls() -> list[str]:
    if not CLUSTER.exists():
        return []
    r = subprocess.run([str(CLUSTER), "urls"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    return r.stdout.split() if r.returncode == 0 else []


@pytest.fixture(scope="session")
def cluster():
    try:
        import opensearchpy  # noqa: F401
    except ImportError:
        _unavailable("opensearch-py is not installed (pip install -e '.[test]')")
    given = os.environ.get("SEARCHER_TEST_OPENSEARCH")
    if given:
        urls = [u.strip() for u in given.split(",") if u.strip()]
        ours = _script_urls()
        yield ClusterUnderTest(ours if ours and ours[0] in urls else urls, bool(ours))
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _unavailable(f"no {' and no '.join(missing)} to start a test cluster "
                     "(or set SEARCHER_TEST_OPENSEARCH)")
    c = ClusterUnderTest([], True)
    try:
        c.script("start", "3", timeout=900)
        c.urls = _script_urls()
        yield c
    finally:
        subprocess.run([str(CLUSTER), "stop"], capture_output=True, stdin=subprocess.DEVNULL)


@pytest.fixture
def index_name():
    """A fresh index name per test, dropped afterwards with every index it named."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    from searcher.backends.opensearch.cluster import Cluster

    url = os.environ.get("SEARCHER_TEST_OPENSEARCH") or ",".join(_script_urls())
    if url:
        client = Cluster(url).client
        client.indices.delete(index=f"{name}-*", ignore=[404])


def cli(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def seed(cluster, real_texts):
    """The seed text indexed once on the cluster through the CLI."""
    name = f"seed-{uuid.uuid4().hex[:8]}"
    r = cli("index", "--texts", str(real_texts), "--opensearch", cluster.url,
            "--index-name", name)
    assert r.exit_code == 0, r.output
    yield name
    from searcher.backends.opensearch.cluster import Cluster

    Cluster(cluster.url).client.indices.delete(index=f"{name}-*", ignore=[404])


@pytest.fixture(scope="module")
def remote(cluster, seed, real_texts):
    from searcher import Searcher

    with Searcher(opensearch=cluster.url, index_name=seed, texts_dir=real_texts) as s:
        yield s


# ------------------------------------------------------------ without a cluster


def test_settings_carry_the_turkish_chain_and_no_glyph_table():
    # the texts arrive repaired, each only as it needed: the cluster must not rewrite
    # another text's ġ/Ġ/Ģ (transliteration) into the seed's ş/İ/Ş
    from searcher.backends.opensearch.settings import analysis_settings

    a = analysis_settings()
    assert "searcher_glyphs" not in a["char_filter"]
    assert all(not set("ĢĠġ") & set(str(m)) for m in a["char_filter"].values())
    assert all(x["char_filter"] == [] or x["char_filter"] == ["searcher_circumflex"]
               for x in a["analyzer"].values())
    stem = a["analyzer"]["searcher_stem"]["filter"]
    assert stem.index("searcher_snowball") < stem.index("asciifolding")
    assert a["filter"]["searcher_prefix"] == {"type": "truncate", "length": 5}


def test_unreachable_cluster_is_one_line_exit_2_without_the_password(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "searcher.cli.app", "search", "gumruk",
         "--opensearch", "http://reader:s3cret-pw@127.0.0.1:1"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and "cannot reach OpenSearch" in r.stderr
    assert "s3cret-pw" not in r.stderr and "reader" not in r.stderr


@pytest.mark.parametrize("password", ["Pa/ss", "p@ss", "s3cret"])
def test_password_with_slash_or_at_never_appears(password):
    for command in (["search", "gumruk"], ["stats"]):
        r = subprocess.run(
            [sys.executable, "-m", "searcher.cli.app", *command,
             "--opensearch", f"http://admin:{password}@127.0.0.1:1,http://admin:{password}@h:2"],
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert password not in r.stderr and password.split("@")[-1] + "@" not in r.stderr


def test_local_index_option_wins_over_the_opensearch_environment(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("Gümrük kapısı açıldı.\n", encoding="utf-8")
    env = {**os.environ, "SEARCHER_OPENSEARCH": "http://127.0.0.1:1"}
    r = subprocess.run(
        [sys.executable, "-m", "searcher.cli.app", "search", "gumruk", "--texts", str(texts),
         "--index", str(tmp_path / "idx")],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env,
    )
    assert r.returncode == 0, r.stderr
    assert "Gümrük" in r.stdout


def test_library_raises_backend_error_for_an_unreachable_cluster():
    from searcher import BackendError, Searcher, SearcherError

    with pytest.raises(BackendError) as e:
        Searcher(opensearch="http://127.0.0.1:1").search("gumruk")
    assert isinstance(e.value, SearcherError)


# ------------------------------------------------------------ on the cluster


@pytest.mark.opensearch
def test_seed_indexed_and_searched_through_the_cli(cluster, seed, real_texts, real_searcher):
    r = cli("search", "Sakarya zaferi", "--json", "--opensearch", cluster.url,
            "--index-name", seed, "--texts", str(real_texts))
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)
    local = [h.to_dict() for h in real_searcher.search("Sakarya zaferi", 2, context=0)]
    assert [(h["doc"], h["line"], h["page"]) for h in hits[:2]] == [
        (h["doc"], h["line"], h["page"]) for h in local
    ]
    assert set(hits[0]) == set(local[0])  # same fields, same form


@pytest.mark.opensearch
@pytest.mark.parametrize("query", ["gumruk", "KIZILAY", "Kazim Karabekir Pasa",
                                   "telefonla"])
def test_library_finds_the_same_top_passage_as_the_local_engine(remote, real_searcher, query):
    ours = remote.search(query, 1)[0]
    local = real_searcher.search(query, 1)[0]
    assert (ours.doc, ours.passage, ours.line, ours.page) == (
        local.doc, local.passage, local.line, local.page)
    assert ours.highlights == local.highlights
    assert ours.snippet == local.snippet


@pytest.mark.opensearch
def test_inflected_query_finds_other_forms_on_the_cluster(remote):
    hits = remote.search("ültimatomlar", 3)
    assert len(hits) == 3
    assert all("ültimatom" in h.text for h in hits)
    assert all(h.text[s:e].startswith("ültimatom") for h in hits for s, e in h.highlights)


@pytest.mark.opensearch
def test_typo_is_searched_as_near_words_on_the_cluster(remote):
    h = remote.search("Sakraya zaferi", 1)[0]
    assert "Sakarya zaferi" in h.text
    assert "Sakarya" in [h.text[s:e] for s, e in h.highlights]


@pytest.mark.opensearch
def test_misremembered_quotation_found_below_the_exact_tier(remote):
    assert remote.search('"ulusal kurtuluş hareketi"', 1, context=0)  # text: hareketiyle
    h = remote.search('"ulusal kurtulus hareketi"', 1, context=0)[0]
    assert "ulusal kurtuluş hareket" in h.text.lower()
    assert h.match == "inflected"
    assert remote.search('"ulusal kurtulus hareketi"', exact=True) == []
    assert remote.search('"hasta adam"', 1)[0].match == "exact"


@pytest.mark.opensearch
def test_hit_carries_page_footnotes_and_neighbours(remote, real_searcher):
    ours = remote.search("KIZILAY", 1, context=1)[0]
    local = real_searcher.search("KIZILAY", 1, context=1)[0]
    assert (ours.page, ours.footnotes) == (local.page, local.footnotes)
    assert [f.marker for f in ours.footnotes] == ["(**)"]
    assert (ours.before, ours.after) == (local.before, local.after)


@pytest.mark.opensearch
def test_show_and_stats_read_the_cluster(cluster, seed, real_texts):
    r = cli("show", f"{SEED}:2107", "--json", "--opensearch", cluster.url, "--index-name", seed)
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)
    assert p["page"] == 17 and "Kızılay" in p["text"]
    with_password = cluster.url.replace("http://", "http://reader:pw-s3cret@")
    r = cli("stats", "--json", "--opensearch", with_password, "--index-name", seed)
    assert r.exit_code == 0, r.output
    assert "pw-s3cret" not in r.output and "reader" not in r.output
    st = json.loads(r.stdout)
    assert (st["documents"], st["shards"], st["replicas"]) == (1, 3, 1)
    assert st["passages"] > 100 and st["index_bytes"] > 0


@pytest.mark.opensearch
def test_question_words_are_dropped_and_typos_reported_like_locally(remote, real_searcher):
    q = "Moskova Antlaşması ne zaman imzalandı"
    ours, local = remote.search(q, 1, context=0), real_searcher.search(q, 1, context=0)
    assert ours.question.kind == "when" and ours[0].line == local[0].line
    typo = remote.search("gorvulan", 1)
    assert typo.corrections == {"gorvulan": ("görülen",)}


@pytest.mark.opensearch
def test_kwic_and_where_read_the_cluster_like_the_local_index(cluster, seed, real_searcher):
    from searcher import Searcher

    with Searcher(opensearch=cluster.url, index_name=seed) as s:
        for q in ("antlaşma", "cicerin", '"Kızıl Ordu"'):
            assert s.concordance(q) == real_searcher.concordance(q)
        assert s.dispersion("Lenin") == real_searcher.dispersion("Lenin")


@pytest.mark.opensearch
def test_quotation_across_a_page_break_and_capitals(cluster, tmp_path, index_name):
    texts = write_texts(
        tmp_path / "texts",
        sayfa=doubled("Dostluk ve kardeşlik antlaşması imzalanınca halklar arasında çok")
        + "\n\n" + doubled("büyük bir sevinç yaşandı ve bayramlar yapıldı."),
        kizilay=doubled("Türkiye Kızılay Derneğine yardım gönderildi."),
    )
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name",
            index_name, "--shards", "2")
    assert r.exit_code == 0, r.output
    from searcher import search

    (h,) = search("“halklar arasında çok büyük bir sevinç”", opensearch=cluster.url,
                  index_name=index_name)
    assert (h.doc, h.page, h.line) == ("sayfa.txt", 1, 1)
    assert h.text[h.highlights[0][0]:h.highlights[0][1]] == "halklar arasında çok büyük bir sevinç"
    assert search("KIZILAY", opensearch=cluster.url, index_name=index_name)[0].doc == "kizilay.txt"


@pytest.mark.opensearch
def test_reindex_after_a_text_changed_touches_only_that_text(cluster, tmp_path, index_name):
    from searcher import Searcher
    from searcher.backends.opensearch.load import update

    texts = write_texts(tmp_path / "texts", a=doubled("Ardahan boşaltıldı."),
                        b=doubled("Batum limanı açıldı."))
    first = update(texts, cluster.url, index_name, shards=2)
    assert (first.documents, first.indexed) == (2, 2)
    again = update(texts, cluster.url, index_name, shards=2)
    assert again.indexed == 0
    write_texts(texts, a=doubled("Kars kalesi teslim edildi."))
    changed = update(texts, cluster.url, index_name, shards=2)
    assert (changed.documents, changed.indexed) == (2, 1)
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert s.search("Ardahan") == []
        assert [h.doc for h in s.search("Kars kalesi")] == ["a.txt"]
        assert [h.doc for h in s.search("Batum")] == ["b.txt"]
    (texts / "b.txt").unlink()
    assert update(texts, cluster.url, index_name, shards=2).documents == 1
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert s.search("Batum") == []


@pytest.mark.opensearch
def test_web_api_over_the_cluster_gives_the_local_values(remote, real_searcher):
    """``searcher serve --opensearch``: the same app over the cluster's searcher answers
    with the same hits as the local index, and a line not in the index is a 404."""
    pytest.importorskip("starlette", reason="the web extra is not installed")
    from starlette.testclient import TestClient

    from searcher.web.app import create_app

    with TestClient(create_app(remote, hosts=None)) as c:
        got = c.get("/api/search", params={"q": "Kazim Karabekir Pasa", "limit": 3}).json()
        page = c.get("/", params={"q": "Çiçerin"})
        missing = c.get("/api/passage", params={"loc": f"{SEED}:999999"})
        shown = c.get("/api/passage", params={"loc": f"{SEED}:2107"}).json()
    local = real_searcher.search("Kazim Karabekir Pasa", 3)
    assert [(h["doc"], h["line"]) for h in got["hits"]] == [(h.doc, h.line) for h in local]
    assert page.status_code == 200 and "<mark>Çiçerin" in page.text
    assert missing.status_code == 404 and "error" in missing.json()
    assert shown["page"] == 17 and "Kızılay" in shown["text"]


@pytest.mark.opensearch
def test_interrupted_rebuild_leaves_the_alias_on_the_previous_index(cluster, tmp_path,
                                                                    index_name):
    from searcher import Searcher
    from searcher.backends.opensearch.cluster import Cluster
    from searcher.backends.opensearch.load import update

    texts = write_texts(tmp_path / "texts", a=doubled("Ardahan boşaltıldı."),
                        b=doubled("Batum limanı açıldı."))
    update(texts, cluster.url, index_name, shards=1)
    client = Cluster(cluster.url).client
    before = set(client.indices.get(index=f"{index_name}-*"))
    write_texts(texts, a=doubled("Kars kalesi teslim edildi."))

    def interrupt(done, total, name):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update(texts, cluster.url, index_name, shards=1, rebuild=True, progress=interrupt)
    assert set(client.indices.get(index=f"{index_name}-*")) == before  # the new one dropped
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert [h.doc for h in s.search("Ardahan")] == ["a.txt"]
        assert s.search("Kars kalesi") == []


@pytest.mark.opensearch
def test_missing_index_is_one_line_exit_2(cluster):
    r = subprocess.run(
        [sys.executable, "-m", "searcher.cli.app", "search", "gumruk", "--opensearch",
         cluster.url, "--index-name", "no-such-index"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "no searcher index 'no-such-index'" in r.stderr


SEARCH_LOOP = """
import sys, time
from searcher import Searcher
s = Searcher(opensearch=sys.argv[1], index_name=sys.argv[2])
end = time.time() + float(sys.argv[3])
while time.time() < end:
    hits = s.search("Sakarya zaferi", 5, context=0)
    print(len(hits), hits[0].line if hits else "-", flush=True)
"""


@pytest.mark.opensearch
def test_rebuild_while_another_process_searches_never_gives_a_partial_answer(
    cluster, real_texts, index_name
):
    from searcher.backends.opensearch.load import update

    update(real_texts, cluster.url, index_name)
    reader = subprocess.Popen(
        [sys.executable, "-c", SEARCH_LOOP, cluster.url, index_name, "12"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    rebuilds = 0
    deadline = time.time() + 10
    while time.time() < deadline:
        update(real_texts, cluster.url, index_name, rebuild=True)
        rebuilds += 1
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    answers = out.split("\n")[:-1]
    assert rebuilds >= 2 and len(answers) >= 10
    assert set(answers) == {answers[0]} and answers[0].startswith("4 ")


# ------------------------------------------------------------ faults (issue 22)


def _session(sid: int) -> list[int]:
    from tests.test_build_faults import _session as session

    return session(sid)


@pytest.mark.opensearch
def test_killed_cluster_build_leaves_no_process_and_the_next_build_deletes_its_index(
    cluster, tmp_path, index_name
):
    """A `searcher index --opensearch --rebuild` SIGKILLed in mid-bulk: nothing of it
    runs 10 s later, the alias still names the previous index and searches answer from
    it; the next run completes and deletes the half-built index."""
    from searcher import Searcher
    from searcher.backends.opensearch.cluster import Cluster
    from searcher.backends.opensearch.load import update
    from tests.test_build_faults import _copies

    texts = write_texts(tmp_path / "texts", a=doubled("Ardahan boşaltıldı."))
    update(texts, cluster.url, index_name, shards=1)
    client = Cluster(cluster.url).client
    (before,) = client.indices.get_alias(name=index_name)
    _copies(texts, 40)  # 5 MB: seconds of bulk loading after the first chunk is in
    command = [sys.executable, "-m", "searcher.cli.app", "index", "--rebuild", "--texts",
               str(texts), "--opensearch", cluster.url, "--index-name", index_name]
    build = subprocess.Popen(command, cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    half, deadline = None, time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        stats = client.indices.stats(index=f"{index_name}-*", metric="indexing")["indices"]
        loaded = {i: v["primaries"]["indexing"]["index_total"] for i, v in stats.items()}
        half = next((i for i, n in loaded.items() if i != before and n >= 500), None)
        if half:
            break  # the first bulk chunk is in: mid-bulk
        time.sleep(0.1)
    build.kill()
    build.wait()
    assert half, "the build finished before it could be killed in mid-bulk"
    left, deadline = _session(build.pid), time.monotonic() + 10
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _session(build.pid)
    assert left == [], "processes of the killed build still alive after 10 s"
    assert list(client.indices.get_alias(name=index_name)) == [before]
    assert client.indices.exists(index=half)  # left behind by the dead build
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert [h.doc for h in s.search("Ardahan")] == ["a.txt"]
        assert s.search("Sakarya zaferi") == []
    for copy in sorted(texts.glob("kopya-*.txt"))[3:]:
        copy.unlink()  # the next build: a small one (the killed one was what had to be big)
    started = time.monotonic()
    r = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=300)
    took = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    assert f"deleted the half-built index {half} left by an interrupted build (process " \
           f"{build.pid} on " in r.stderr
    (now,) = client.indices.get_alias(name=index_name)
    assert set(client.indices.get(index=f"{index_name}-*")) == {now} and now != half
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert {h.doc for h in s.search("Sakarya zaferi", limit=None)} == {
            "kopya-00.txt", "kopya-01.txt", "kopya-02.txt"}
    print(f"processes left 10 s after SIGKILL: {len(left)}; next build: {took:.1f} s")


@pytest.mark.opensearch
def test_half_built_index_of_a_live_build_or_another_alias_is_left_alone(cluster, index_name):
    from searcher.backends import process
    from searcher.backends.opensearch.cluster import Cluster
    from searcher.backends.opensearch.load import drop_half_built
    from searcher.backends.opensearch.settings import index_body

    c = Cluster(cluster.url)
    dead = {**process.me(), "pid": 2**22 + 1}  # above pid_max's default: no such process
    indexes = {
        f"{index_name}-20260101-000000-aaaaaa": {"alias": index_name, "builder": dead},
        f"{index_name}-20260101-000000-bbbbbb": {"alias": index_name,
                                                 "builder": process.me()},  # live
        f"{index_name}-x-20260101-000000-cccccc": {"alias": f"{index_name}-x",
                                                   "builder": dead},  # another alias's
    }
    for index, meta in indexes.items():
        c.client.indices.create(index=index, body=index_body(1, 0, {"complete": False, **meta}))
    said = drop_half_built(c, index_name, None)
    assert len(said) == 1 and "-aaaaaa left by an interrupted build" in said[0]
    assert sorted(c.client.indices.get(index=f"{index_name}-*")) == sorted(indexes)[1:]


class _Proxy:
    """A TCP forwarder to one node: a cluster behind a proxy, whose nodes publish
    addresses other than the URL given."""

    def __init__(self, target: str) -> None:
        import socket
        import threading

        host, port = target.rsplit("//", 1)[1].split(":")
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.target = (host, int(port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            node = socket.create_connection(self.target)
            for a, b in ((client, node), (node, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            b.close()

    def close(self) -> None:
        self.server.close()


@pytest.mark.opensearch
def test_nodes_learned_keep_the_credentials_and_a_proxy_keeps_the_given_url(cluster, seed):
    from searcher import Searcher
    from searcher.backends.opensearch.cluster import Cluster

    direct = Cluster(cluster.urls[0].replace("//", "//reader:s3cret@"))
    pool = direct.client.transport.connection_pool.connections
    assert direct.learned == len(cluster.urls) - 1 == len(pool) - 1
    assert all(c.host.startswith("http://127.0.0.1:") and c.headers["authorization"]
               == "Basic cmVhZGVyOnMzY3JldA==" for c in pool)
    assert Cluster(cluster.urls[0], learn=False).learned == 0
    proxy = _Proxy(cluster.urls[0])
    try:
        with Searcher(opensearch=proxy.url, index_name=seed) as s:
            assert s.cluster.learned == 0  # its nodes' addresses are not the proxy's
            assert s.search("Kazım Karabekir Paşa", 1, context=0)
            assert s.cluster.client.transport.hosts == [
                {"host": "127.0.0.1", "port": int(proxy.url.rsplit(":", 1)[1]), "given": True}]
    finally:
        proxy.close()


@pytest.mark.opensearch
def test_single_url_survives_that_node_dying(cluster, real_texts, index_name):
    """Given one node's URL only, the client learns the others; that node is SIGKILLed
    and every search still answers the same (the replicas hold its shards). The node
    is restarted on its data afterwards, for the tests that follow."""
    if not cluster.controlled:
        _unavailable("the cluster under test was not started by tests/opensearch/cluster")
    from searcher import Searcher
    from searcher.backends.opensearch.load import update

    update(real_texts, cluster.url, index_name, shards=3, replicas=1)
    queries = ["Kazım Karabekir Paşa", "Sakarya zaferi", "gümrük", '"Türkiye Büyük Millet"']
    with Searcher(opensearch=cluster.urls[0], index_name=index_name) as s:
        assert s.cluster.learned == len(cluster.urls) - 1
        expected = [[h.line for h in s.search(q, 3, context=0)] for q in queries]
        assert all(expected)
        answers = []
        try:
            cluster.script("kill", "1")
            for _ in range(10):
                answers.append([[h.line for h in s.search(q, 3, context=0)] for q in queries])
        finally:
            cluster.script("revive", "1", timeout=600)
    assert answers == [expected] * 10


@pytest.mark.opensearch
def test_node_killed_during_100_searches_every_answer_is_the_same(cluster, seed):
    """The killed node is restarted on its data afterwards, for the tests that follow."""
    if not cluster.controlled:
        _unavailable("the cluster under test was not started by tests/opensearch/cluster")
    from searcher import Searcher

    with Searcher(opensearch=cluster.url, index_name=seed) as s:
        expected = s.search("Kazım Karabekir Paşa", 1, context=0)[0].line
        lines = []
        try:
            for i in range(100):
                if i == 30:
                    cluster.script("kill", "2")
                lines.append(s.search("Kazım Karabekir Paşa", 1, context=0)[0].line)
        finally:
            cluster.script("revive", "2", timeout=600)
    assert lines == [expected] * 100


@pytest.mark.opensearch
def test_inflections_and_no_false_friends_on_the_cluster(cluster, tmp_path, index_name):
    """The rule of tests/test_inflections.py, on the cluster: the same grammar writes
    out the forms the cluster matches, the same words are marked (issue 30)."""
    from searcher import Searcher
    from tests.test_inflections import PEER, WORDS

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "words.txt").write_text("".join(f"Burada {w} var.\n\n" for w in WORDS),
                                     encoding="utf-8")
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url,
            "--index-name", index_name, "--replicas", "0")
    assert r.exit_code == 0, r.output
    wrong = []
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as s:
        for query, word, must in PEER:
            marked = {h.text[a:b] for h in s.search(query, limit=None) for a, b in h.highlights}
            if (word in marked) is not must:
                wrong.append((query, word, must))
    assert not wrong



@pytest.mark.opensearch
def test_pdfs_loaded_with_printed_pages_and_updated_by_stat(cluster, tmp_path, index_name):
    from searcher import Searcher
    from searcher.backends.opensearch.load import update
    from tests.pdfs import BOOK, make_pdf, require_pdf_tools

    require_pdf_tools()
    texts = write_texts(tmp_path / "texts", notlar=doubled("Kars notları burada durur."))
    make_pdf(texts / "kitap.pdf", BOOK, first_label=101, header="ŞARKİYAT DERGİSİ",
             footer=True)
    (texts / "yarim.pdf").write_bytes((texts / "kitap.pdf").read_bytes()[:900])
    first = update(texts, cluster.url, index_name, shards=2)
    assert (first.documents, first.indexed) == (3, 3)
    assert [w.split(": ")[0].endswith("yarim.pdf") for w in first.warnings] == [True]
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        (hit,) = s.search('"uzun bir yolculuğun sonunda"')
        assert (hit.doc, hit.page, hit.page_label) == ("kitap.pdf", 1, "101")
        assert "kuraklık sürüyordu; Sovyet-Türk" in hit.text
        assert s.search("ŞARKİYAT") == []
        assert [(k.page, k.page_label) for k in s.concordance("Çiçerin")] == [(3, "103")]
    assert update(texts, cluster.url, index_name, shards=2).indexed == 0
    make_pdf(texts / "kitap.pdf", [["Kitabın yeni baskısı Erzurum'da basıldı."]])
    assert update(texts, cluster.url, index_name, shards=2).indexed == 1
    with Searcher(opensearch=cluster.url, index_name=index_name) as s:
        assert [(h.doc, h.page_label) for h in s.search("Erzurum")] == [("kitap.pdf", "1")]
        assert s.search("Çiçerin") == []

# --------------------------------------------- questions in one's own words (issue 32)


@pytest.fixture(scope="module")
def own_words(cluster, tmp_path_factory):
    """The small book of tests/test_own_words.py on the cluster and in a local index."""
    from searcher import Searcher
    from tests.test_own_words import PASSAGES

    root = tmp_path_factory.mktemp("own-words-cluster")
    texts = write_texts(root / "texts", kitap=paragraphs(*PASSAGES))
    name = f"own-{uuid.uuid4().hex[:8]}"
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name", name,
            "--replicas", str(min(1, len(cluster.urls) - 1)))
    assert r.exit_code == 0, r.output
    with Searcher(opensearch=cluster.url, index_name=name, texts_dir=texts) as remote, \
            Searcher(index_dir=root / "index", texts_dir=texts) as local:
        yield remote, local
    from searcher.backends.opensearch.cluster import Cluster

    Cluster(cluster.url).client.indices.delete(index=f"{name}-*", ignore=[404])


def _same_answer(remote, local, query):
    ours, theirs = remote.search(query, context=0), local.search(query, context=0)
    assert (ours.not_in_texts, ours.corrections, ours.question_words) == (
        theirs.not_in_texts, theirs.corrections, theirs.question_words)
    assert [h.words_held for h in ours[:1]] == [h.words_held for h in theirs[:1]]
    assert [h.passage for h in ours[:1]] == [h.passage for h in theirs[:1]]
    return ours


@pytest.mark.opensearch
def test_question_with_words_missing_from_texts_still_answers_on_the_cluster(own_words):
    hits = _same_answer(*own_words, "Aralov Ankara'ya varınca kimlerle buluştu")
    assert hits and "Aralov" in hits[0].text and hits[0].words_held == 2
    assert set(hits.not_in_texts) == {"varınca", "buluştu"}


@pytest.mark.opensearch
def test_real_word_absent_from_texts_is_not_corrected_on_the_cluster(own_words):
    q = "Sovyet hükümeti Türk esirlerini ne zaman serbest bırakmayı kabullendi"
    hits = _same_answer(*own_words, q)
    assert not hits.corrections and hits.not_in_texts == ("esirlerini",)
    assert hits and "tutsaklarını" in hits[0].text
    assert all("gelirlerini" not in h.text for h in hits)


@pytest.mark.opensearch
def test_typo_in_short_query_still_corrected_on_the_cluster(own_words):
    remote, _ = own_words
    assert remote.search("Frunez Samsun").corrections == {"frunez": ("frunze",)}
    # a short query keeps today's rule: taken for a typo (the cluster's fuzziness keeps
    # the first letter, so it finds no near word where the local index finds gelirlerini)
    assert "esirlerini" in remote.search("esirlerini").corrections
    hits = remote.search("Frunez Ankara'ya nasıl gitti")
    assert "frunez" in hits.corrections and "Frunze" in hits[0].text


@pytest.mark.opensearch
def test_negative_question_stays_empty_on_the_cluster(own_words):
    remote, _ = own_words
    hits = remote.search("futbol maçını hangi takım kazandı")
    assert not hits and not hits.corrections
    assert hits.not_in_texts == ("futbol", "maçını", "takım", "kazandı")
    assert len(remote.search("uzay istasyonunda astronotlar hangi deneyleri konuştu")) <= 1


@pytest.mark.opensearch
def test_negative_question_of_common_words_gets_at_most_one_hit_on_the_cluster(
        cluster, tmp_path, index_name):
    from searcher import Searcher
    from tests.test_own_words import COMMON_WORDS_BOOK

    texts = write_texts(tmp_path / "texts",
                        kitap=paragraphs(*COMMON_WORDS_BOOK))
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name",
            index_name)
    assert r.exit_code == 0, r.output
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as remote, \
            Searcher(index_dir=tmp_path / "index", texts_dir=texts) as local:
        hits = _same_answer(remote, local, "Sovyet hükümeti ne zaman dağıldı")
        assert len(hits) == 1 and "dağılmış" not in hits[0].text
        hits = _same_answer(remote, local, "Sovyet hükümeti Aralov'u ne zaman gönderdi")
        assert len(hits) > 1 and "Aralov" in hits[0].text


@pytest.mark.opensearch
def test_cluster_scores_a_prefix_that_joins_no_other_word_as_the_local_engine(
        cluster, tmp_path, index_name):
    # Samsun is a root of the list, whose prefix the cluster's rule leaves out in case it
    # joins another word: here it joins none (the local engine keeps it), so the cluster
    # keeps it too; hükümet's joins hükümdar (a passage of its own), and stays out on both
    from searcher import Searcher
    from searcher.backends.opensearch.dsl import forms_request, present_forms

    texts = write_texts(tmp_path / "texts", kitap=doubled(
        "Frunze Batum'dan Samsun'a, oradan Samsun'dan Ankara'ya vardı.", " ",
        "Frunze trenle gitti ve Samsun'a geldi.", " ",
        "Hükümet toplandı.", " ", "Hükümdar geldi.", " ", "Ankara'da Meclis toplandı."))
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name",
            index_name)
    assert r.exit_code == 0, r.output
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as remote, \
            Searcher(index_dir=tmp_path / "index", texts_dir=texts) as local:
        kept = present_forms(remote._search(forms_request(["Samsun'a", "hükümeti"]), False))
        assert "prefix:samsun" in kept and "prefix:hükümeti" not in kept
        assert "samsu" in local.parse("Samsun'a")[0].prefixes
        assert not local.parse("hükümeti")[0].prefixes
        hits = _same_answer(remote, local, "Frunze Samsun'a nereden gitti")
        assert [h.passage for h in hits] == [h.passage for h in local.search(
            "Frunze Samsun'a nereden gitti", context=0)]


@pytest.mark.opensearch
def test_unseen_inflection_is_no_typo_on_the_cluster(cluster, tmp_path, index_name):
    # bağlantısı is not in the texts, but its first letters are (bağlantılı): locally an
    # unseen inflection, not a typo; the cluster says the same, so a query about what
    # the texts lack stays empty instead of matching bağlantılı and a fuzzy "internet"
    from searcher import Searcher

    texts = write_texts(tmp_path / "texts", kitap=doubled(
        "Demiryolu, telgraf ve diğer bağlantılı araçlar konuşuldu.", " ",
        "Heyet Ankara'ya trenle geldi ve konferans başladı.", " ",
        "Kars'ta antlaşma imzalandı."))
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name",
            index_name)
    assert r.exit_code == 0, r.output
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as remote, \
            Searcher(index_dir=tmp_path / "index", texts_dir=texts) as local:
        for s in (remote, local):
            hits = s.search("internet bağlantısı")
            assert not hits and "bağlantısı" not in hits.corrections


@pytest.mark.opensearch
def test_own_texts_on_the_cluster_as_written_beside_the_repaired_seed(cluster, tmp_path,
                                                                      index_name):
    # the seed is repaired where it is read; the cluster applies no glyph table of its
    # own, so a transliteration's ġ/Ġ stays what it is, and one-line paragraphs stay apart
    from searcher import Searcher
    from tests.test_own_texts import ONE_LINE_PARAGRAPHS, TRANSLITERATION

    texts = write_texts(tmp_path / "texts", tarih=TRANSLITERATION, urunler=ONE_LINE_PARAGRAPHS,
                        seed=doubled("BarıĢ içinde birlikte yaĢama ve iĢbirliği ilkesi",
                                     "benimsendi."))
    r = cli("index", "--texts", str(texts), "--opensearch", cluster.url, "--index-name",
            index_name)
    assert r.exit_code == 0, r.output
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as s:
        assert "Merāġa rasathanesini" in s.search("Merāġa")[0].text
        assert "Ġāzān" in s.search("Ġāzān")[0].text
        assert "Barış içinde birlikte yaşama" in s.search("barış")[0].text
        (hit,) = s.search("Pamuk")
        assert hit.text == "Pamuk Çukurova'da yetişir."
        assert s.stats()["reading"]["tarih.txt"]["repairs"] == []
