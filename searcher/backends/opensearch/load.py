"""Stage 4 (OpenSearch): loading searcher's index onto an OpenSearch cluster.

The texts are read and repaired here, on the machine that runs searcher, through
the same :func:`searcher.text.corpus.read_text` as the local index; OpenSearch receives
finished passages, in an index made with :mod:`searcher.backends.opensearch.settings`.

Guarantees:

* a full build (the first one, ``--rebuild``, another analyzer version, another
  shard count) loads a new concrete index ``<name>-<time>``, refreshes it, waits
  for its replicas, then moves the alias ``<name>`` to it in one ``_aliases``
  call and deletes the old index: readers see the old index or the new one,
  never a partial one, and an interrupted build leaves the alias where it was;
* an update (some texts added, changed or removed) works in the live index:
  the new passages of a changed text are loaded beside the old ones (ids carry
  the text's checksum), the old ones deleted, and all of it made visible by one
  refresh (the index never refreshes by itself).  A search running during that
  refresh may, for a few milliseconds, see a changed text's old passages on one
  shard and its new ones on another; texts that did not change are never
  touched.  An interrupted update is completed by the next run.
* a full build's new index says in its mapping's ``_meta`` that it is not complete
  and which process loads it (pid, start time, host; the time every
  ``HEARTBEAT`` seconds); the next run for the same alias deletes such an index
  when its builder is surely dead (same host, no such process) or silent for
  ``STALE`` seconds (another host), never the alias's index or a complete one.

Per-text checksums live in the mapping's ``_meta`` (a local generation's manifest).
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from pathlib import Path

from searcher.backends import process
from searcher.backends.opensearch.cluster import Cluster, check_name
from searcher.backends.opensearch.settings import index_body, passage_source, versions
from searcher.config import DEFAULT_INDEX_NAME
from searcher.text import corpus
from searcher.text.corpus import BuildReport, Progress, list_texts, read_text

#: Seconds a full build waits for the new index's replicas before it swaps the alias.
GREEN_TIMEOUT = 60
BULK_CHUNK = 500
#: A full build marks its index alive this often; one silent for STALE is a dead build's.
HEARTBEAT = 30
STALE = 600


# ------------------------------------------------------------------ reading


def live_index(cluster: Cluster, name: str) -> tuple[str | None, dict | None]:
    """The concrete index the alias *name* points at and its manifest (None, None if none)."""
    client = cluster.client
    if not client.indices.exists_alias(name=name):
        if client.indices.exists(index=name):
            raise cluster.error(
                f"{name!r} at {cluster.where} is an index searcher did not make; "
                "choose another --index-name"
            )
        return None, None
    targets = list(client.indices.get_alias(name=name))
    if len(targets) != 1:
        raise cluster.error(f"alias {name!r} at {cluster.where} names {len(targets)} indexes")
    live = targets[0]
    meta = client.indices.get_mapping(index=live)[live]["mappings"].get("_meta") or {}
    return live, (meta if "docs" in meta else None)


def drop_half_built(cluster: Cluster, name: str, live: str | None) -> list[str]:
    """Delete the indexes that interrupted full builds of *name* left (see the module's
    guarantees); the lines that say so."""
    from opensearchpy.exceptions import AuthorizationException

    ours = re.compile(rf"^{re.escape(name)}-\d{{8}}-\d{{6}}-[0-9a-f]{{6}}$")
    try:
        found = cluster.client.indices.get(
            index=f"{name}-*", expand_wildcards="open",
            filter_path="*.aliases,*.mappings._meta,*.settings.index.creation_date")
    except AuthorizationException:
        return [f"cannot look for half-built indexes {name}-* (access denied); "
                "an interrupted build's index may remain"]
    said = []
    for index, info in (found or {}).items():
        meta = (info.get("mappings") or {}).get("_meta") or {}
        if (index == live or not ours.match(index) or info.get("aliases")
                or meta.get("complete") is not False or "docs" in meta
                or meta.get("alias", name) != name):
            continue
        who = meta.get("builder") or {}
        created = int((info.get("settings") or {}).get("index", {}).get("creation_date", 0))
        heard = max(float(meta.get("alive") or 0), float(who.get("since") or 0), created / 1000)
        try:
            gone = not process.alive(int(who["pid"]), str(who["started"]), str(who["host"]))
        except (KeyError, TypeError, ValueError):
            gone = False
        if not gone and time.time() - heard < STALE:
            continue  # a build that may be loading it right now
        cluster.client.indices.delete(index=index, ignore=[404])
        by = f"process {who['pid']} on {who['host']}" if "pid" in who else "an earlier build"
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(heard))
        said.append(f"deleted the half-built index {index} left by an interrupted build "
                    f"({by}, last heard {since})")
    return said


# ------------------------------------------------------------------ loading


def update(
    texts_dir: Path,
    url: str,
    name: str = DEFAULT_INDEX_NAME,
    *,
    shards: int = 3,
    replicas: int = 1,
    rebuild: bool = False,
    progress: Progress | None = None,
    semantic: bool = False,
) -> BuildReport:
    """Bring the index *name* on the cluster at *url* up to date with the texts folder."""
    started = time.perf_counter()
    check_name(name)
    texts = list_texts(texts_dir)
    cluster = Cluster(url, timeout=120)
    warnings: list[str] = []
    with cluster.answering(name):
        live, manifest = live_index(cluster, name)
        warnings += drop_half_built(cluster, name, live)
        if live is not None and not rebuild:
            settings = cluster.client.indices.get_settings(index=live)[live]["settings"]
            if int(settings["index"]["number_of_shards"]) != shards:
                rebuild = True  # only a new index has another number of shards
            elif int(settings["index"]["number_of_replicas"]) != replicas:
                cluster.client.indices.put_settings(
                    index=live, body={"index": {"number_of_replicas": replicas}}
                )
        # vectors: asked for, or kept because the live index has them; an index
        # without them (or with another model's) is rebuilt with them
        had = bool((manifest or {}).get("vectors"))
        vectors = semantic or had
        if vectors and not _vectors_ready(semantic, warnings):
            vectors = False
        if vectors != (had and _current(manifest)):
            rebuild = True
        ch = corpus.diff(texts, None if rebuild else manifest, versions())
        if live is not None and manifest is not None and not ch and not ch.touched:
            indexed = 0
            docs = manifest["docs"]
        elif ch.rebuild or live is None or manifest is None:
            docs = _build(cluster, name, live, texts, shards, replicas, progress, warnings,
                          vectors)
            indexed = len(texts)
        else:
            docs = _update(cluster, live, manifest, texts, ch, progress, warnings, vectors)
            indexed = len(ch.added) + len(ch.changed)
    return BuildReport(
        len(docs), sum(d["passages"] for d in docs.values()), indexed,
        time.perf_counter() - started, tuple(warnings),
    )


def _vectors_ready(asked: bool, warnings: list[str]) -> bool:
    """Whether vectors can be computed here (the semantic extra); asked for without it:
    the one line naming it, else a warning that they are dropped."""
    from searcher.semantic import model

    if model.available():
        return True
    if asked:
        model.model()  # raises SemanticUnavailable
    warnings.append(f"the index's vectors are dropped: the semantic extra is missing "
                    f"({model.INSTALL})")
    return False


def _current(manifest: dict | None) -> bool:
    from searcher.semantic.model import MODEL_ID

    return ((manifest or {}).get("vectors") or {}).get("model") == MODEL_ID


def _manifest(docs: dict, vectors: bool = False) -> dict:
    entry = {}
    if vectors:
        from searcher.semantic.model import MODEL_ID

        entry = {"vectors": {"model": MODEL_ID}}
    return {**versions(), "built": time.time(), "docs": docs, **entry}


def _with_vectors(passages: list, sources: list[dict]) -> None:
    """Give each passage's source its units' vectors (computed here, where the texts
    are read, as the analysis decisions are)."""
    from searcher.backends.opensearch.settings import UNITS
    from searcher.semantic import model

    spans = [model.units(p.text) for p in passages]
    flat = [p.text[s:e] for p, sp in zip(passages, spans, strict=True) for s, e in sp]
    vectors = model.embed_passages(flat).tolist()
    at = 0
    for src, sp in zip(sources, spans, strict=True):
        src[UNITS] = [{"v": vectors[at + i], "start": s, "end": e}
                      for i, (s, e) in enumerate(sp)]
        at += len(sp)


def _passage_id(doc: str, version: str, number: int) -> str:
    return f"{hashlib.sha1(doc.encode()).hexdigest()[:16]}-{version[:16]}-{number}"


def _load(cluster: Cluster, index: str, texts: dict[str, Path], names: list[str],
          progress: Progress | None, warnings: list[str], vectors: bool = False
          ) -> dict[str, dict]:
    """Bulk-load the passages of *names* into *index*; their manifest entries."""
    from opensearchpy.helpers import streaming_bulk

    states: dict[str, dict] = {}

    def actions():
        for i, doc in enumerate(names, start=1):
            passages, state = read_text(doc, texts[doc], warnings)
            states[doc] = state.__dict__
            sources = [passage_source(p, state.sha256) for p in passages]
            if vectors:
                _with_vectors(passages, sources)
            for p, source in zip(passages, sources, strict=True):
                yield {"_index": index, "_id": _passage_id(doc, state.sha256, p.number),
                       "_source": source}
            if progress:
                progress(i, len(names), doc)

    # streaming_bulk retries chunks the cluster rejects as overloaded (HTTP 429)
    for _ in streaming_bulk(cluster.client, actions(), chunk_size=BULK_CHUNK, max_retries=3,
                            initial_backoff=1, request_timeout=120):
        pass
    return states


def _build(cluster, name, live, texts, shards, replicas, progress, warnings,
           vectors: bool = False) -> dict:
    client = cluster.client
    new = f"{name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"
    dim = 384 if vectors else 0
    loading = {"complete": False, "alias": name, "builder": process.me()}
    try:
        client.indices.create(index=new, body=index_body(shards, replicas, loading, dim))
    except Exception as exc:
        if not vectors or "knn" not in str(exc):
            raise
        raise cluster.error(f"the cluster at {cluster.where} cannot hold vectors (its k-NN "
                            f"plugin is missing: {str(exc)[:160]})") from None
    heard = time.monotonic()

    def beat(done: int, total: int, doc: str) -> None:
        nonlocal heard
        if time.monotonic() - heard >= HEARTBEAT:  # a next run leaves a live build alone
            heard = time.monotonic()
            try:
                client.indices.put_mapping(index=new, body={"_meta": {**loading,
                                                                      "alive": time.time()}})
            except Exception:  # noqa: BLE001 - the bulk load reports a failing cluster
                pass
        if progress:
            progress(done, total, doc)

    try:
        docs = _load(cluster, new, texts, list(texts), beat, warnings, vectors)
        client.indices.refresh(index=new)
        health = client.cluster.health(
            index=new, params={"wait_for_status": "green", "timeout": f"{GREEN_TIMEOUT}s"},
            request_timeout=GREEN_TIMEOUT + 30,
        )
        if health["status"] == "red":
            raise cluster.error(f"the new index is red at {cluster.where}: shards unassigned")
        if health["status"] != "green":
            warnings.append(
                f"not every replica of {new} is allocated ({health['status']}); "
                "the cluster may have too few nodes for --replicas"
            )
        client.indices.put_mapping(index=new, body={"_meta": _manifest(docs, vectors)})
        actions = [{"add": {"index": new, "alias": name}}]
        if live is not None:
            actions.insert(0, {"remove": {"index": live, "alias": name}})
        client.indices.update_aliases(body={"actions": actions})
    except BaseException:
        try:
            client.indices.delete(index=new, ignore=[404])
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        raise
    if live is not None:
        client.indices.delete(index=live, ignore=[404])
    return docs


def _update(cluster, live, manifest, texts, ch, progress, warnings, vectors=False) -> dict:
    from opensearchpy.helpers import scan, streaming_bulk

    client = cluster.client
    docs = dict(manifest["docs"])
    todo = ch.added + ch.changed
    loaded = _load(cluster, live, texts, todo, progress, warnings, vectors) if todo else {}
    for doc in ch.changed + ch.removed:
        # the old passages, found in the last refreshed view (the new ones are not
        # visible yet) and deleted by id: delete_by_query needs the reindex module
        query: dict = {"bool": {"filter": [{"term": {"doc": doc}}]}}
        if doc in loaded:
            query["bool"]["must_not"] = [{"term": {"version": loaded[doc]["sha256"]}}]
        old = scan(client, index=live, query={"query": query, "_source": False})
        deletes = ({"_op_type": "delete", "_index": live, "_id": h["_id"]} for h in old)
        for _ in streaming_bulk(client, deletes, chunk_size=BULK_CHUNK, max_retries=3,
                                ignore_status=(404,)):
            pass
        docs.pop(doc, None)
    docs.update(loaded)
    for doc, state in ch.touched.items():
        docs[doc] = state.__dict__
    client.indices.refresh(index=live)
    client.indices.put_mapping(index=live, body={"_meta": _manifest(docs, vectors)})
    return docs
