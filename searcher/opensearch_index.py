"""Stage 4 (OpenSearch): searcher's index on an OpenSearch cluster: connection, settings, loading.

The texts are read and repaired here, on the machine that runs searcher, through
the same :func:`searcher.index.read_text` as the local index; OpenSearch receives
finished passages.  Its index settings express searcher's analysis decisions
(:mod:`searcher.analysis`): one ``text`` field analysed like the ``exact`` field,
with sub-fields ``text.stem`` and ``text.prefix``; the PDF glyph table of
:mod:`searcher.normalize` is a ``mapping`` char filter.  Each passage keeps its
stored record (:func:`searcher.store.passage_record`) in a field OpenSearch does
not index, so a hit computes its line and page like a local one.

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

Per-text checksums live in the mapping's ``_meta`` (a local generation's manifest).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import changes
from .changes import list_texts
from .document import Passage
from .errors import BackendError
from .index import BuildReport, Progress, read_text
from .store import json_record, passage_from_json

#: Bump when the settings, the mapping or the stored source change shape.
SCHEMA_VERSION = 1
DEFAULT_NAME = "searcher"
#: Seconds a full build waits for the new index's replicas before it swaps the alias.
GREEN_TIMEOUT = 60
BULK_CHUNK = 500

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")


# ------------------------------------------------------------------ connecting


def redact(url: str) -> str:
    """*url* without the ``user:password@`` part, for messages."""
    # up to the last @ of each URL: a password may hold '/' or '@' itself
    return re.sub(r"(?<=://)[^\s,]*@", "", url)


class Cluster:
    """A client for one OpenSearch cluster, with the URL as messages may show it.

    *url* is one node URL or several separated by commas (the client spreads
    requests over them and moves on when one dies); ``user:password@`` in the
    URL is sent as basic authentication; ``SEARCHER_OPENSEARCH_CA`` names a CA
    file for TLS clusters."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        try:
            from opensearchpy import OpenSearch
        except ImportError:
            raise BackendError(
                "searching OpenSearch needs its client: pip install 'searcher[opensearch]'"
            ) from None
        urls = [u.strip() for u in url.split(",") if u.strip()]
        if not urls:
            raise BackendError("no OpenSearch URL given")
        self.where = ",".join(redact(u) for u in urls)
        hosts, auth, secrets, schemes = [], None, [], set()
        for u in urls:
            try:
                parts = urlsplit(u)
                port = parts.port
            except ValueError:
                raise BackendError(f"bad OpenSearch URL {redact(u)!r}") from None
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BackendError(f"bad OpenSearch URL {redact(u)!r}: use http(s)://host:port")
            schemes.add(parts.scheme)
            host = {"host": parts.hostname, "port": port or 9200}
            if parts.path.strip("/"):
                host["url_prefix"] = parts.path.rstrip("/")
            hosts.append(host)
            if parts.username is not None:
                auth = (unquote(parts.username), unquote(parts.password or ""))
                secrets += [parts.password or "", parts.password and unquote(parts.password)]
        self.secrets = tuple(s for s in secrets if s)
        tls = "https" in schemes
        ca = os.environ.get("SEARCHER_OPENSEARCH_CA") or None
        if ca and not Path(ca).is_file():
            raise BackendError(f"SEARCHER_OPENSEARCH_CA names no file: {ca}")
        self.client = OpenSearch(
            hosts=hosts, http_auth=auth, use_ssl=tls, verify_certs=tls, ca_certs=ca,
            ssl_show_warn=False, timeout=timeout, max_retries=2, retry_on_timeout=True,
        )

    def scrub(self, message: str) -> str:
        for s in self.secrets:
            message = message.replace(s, "***")
        return redact(message)

    def error(self, message: str) -> BackendError:
        return BackendError(self.scrub(message))

    @contextmanager
    def answering(self, name: str) -> Iterator[None]:
        """The client's exceptions as one-line :class:`BackendError` messages."""
        from opensearchpy import exceptions as ex
        from opensearchpy.helpers import BulkIndexError

        where = f"OpenSearch at {self.where}"
        try:
            yield
        except BulkIndexError as exc:
            first = exc.errors[0] if exc.errors else {}
            info = next(iter(first.values()), {}) if isinstance(first, dict) else {}
            why = info.get("error", {}) if isinstance(info, dict) else {}
            reason = why.get("reason", why) if isinstance(why, dict) else why
            raise self.error(
                f"{where} rejected {len(exc.errors)} passages ({reason}); the alias "
                f"{name!r} still names the previous index"
            ) from None
        except ex.AuthenticationException:
            raise self.error(f"{where} refused the credentials (HTTP 401)") from None
        except ex.AuthorizationException:
            raise self.error(f"{where} denied access (HTTP 403)") from None
        except ex.NotFoundError as exc:
            if _error_type(exc) == "index_not_found_exception":
                raise self.error(
                    f"no searcher index {name!r} at {self.where}; "
                    f"run `searcher index --opensearch URL --index-name {name}`"
                ) from None
            raise self.error(f"{where}: {_reason(exc)}") from None
        except ex.ConnectionTimeout:
            raise self.error(f"{where} did not answer in time") from None
        except ex.SSLError as exc:
            raise self.error(f"cannot reach {where} over TLS ({_short(exc)})") from None
        except ex.ConnectionError as exc:
            raise self.error(f"cannot reach {where} ({_short(exc)})") from None
        except ex.TransportError as exc:
            red = " (shards unavailable: is the cluster red?)" if exc.status_code == 503 else ""
            raise self.error(f"{where} failed: {_reason(exc)}{red}") from None


def _error_type(exc) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return info["error"].get("type", "")
    return str(getattr(exc, "error", ""))


def _reason(exc) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        err = info["error"]
        cause = (err.get("root_cause") or [{}])[0]
        return f"{err.get('type', '')}: {cause.get('reason') or err.get('reason', '')}"
    return f"HTTP {getattr(exc, 'status_code', '?')} {getattr(exc, 'error', '')}"


def _short(exc) -> str:
    text = str(getattr(exc, "info", "") or exc)
    m = re.search(r"\[Errno -?\d+\] [^)'\"]*|certificate verify failed[^)'\"]*", text)
    return m.group(0).strip() if m else exc.__class__.__name__


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise BackendError(f"bad index name {name!r}: lower-case letters, digits, '-', '_', '.'")
    return name


# ------------------------------------------------------------------ settings


def versions() -> dict:
    from .analysis import ANALYZER_VERSION

    return {"backend": "opensearch", "schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION}


def analysis_settings() -> dict:
    """searcher's three analyzers (see :mod:`searcher.analysis`) in OpenSearch's terms."""
    from . import turkish
    from .analysis import PREFIX_LENGTH, TOKEN_PATTERN
    from .normalize import GLYPH_TABLE

    def mapping(table: dict[str, str]) -> dict:
        return {"type": "mapping", "mappings": [f"{k} => {v}" for k, v in table.items()]}

    def analyzer(char_filters: list[str], filters: list[str]) -> dict:
        return {"type": "custom", "char_filter": char_filters, "tokenizer": "searcher_words",
                "filter": filters}

    return {
        "char_filter": {
            "searcher_glyphs": mapping(GLYPH_TABLE),
            "searcher_circumflex": mapping(turkish.CIRCUMFLEX),
        },
        "tokenizer": {
            "searcher_words": {"type": "pattern", "pattern": TOKEN_PATTERN, "group": 0,
                               "flags": "UNICODE_CHARACTER_CLASS"},
        },
        "filter": {
            "searcher_lower": {"type": "lowercase", "language": "turkish"},
            "searcher_stop": {"type": "stop", "stopwords": sorted(turkish.STOP_WORDS)},
            "searcher_snowball": {"type": "snowball", "language": "Turkish"},
            "searcher_prefix": {"type": "truncate", "length": PREFIX_LENGTH},
        },
        "analyzer": {
            "searcher_exact": analyzer(
                ["searcher_glyphs"], ["searcher_lower", "apostrophe", "asciifolding"]
            ),
            "searcher_stem": analyzer(
                ["searcher_glyphs", "searcher_circumflex"],
                ["searcher_lower", "apostrophe", "searcher_stop", "searcher_snowball",
                 "asciifolding"],
            ),
            "searcher_prefix": analyzer(
                ["searcher_glyphs", "searcher_circumflex"],
                ["searcher_lower", "apostrophe", "searcher_stop", "asciifolding",
                 "searcher_prefix"],
            ),
        },
    }


def index_body(shards: int, replicas: int, meta: dict) -> dict:
    """Settings and mapping of a new concrete index."""
    number = {"type": "integer"}
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas,
                      "refresh_interval": "-1"},
            "analysis": analysis_settings(),
        },
        "mappings": {
            "_meta": meta,
            "dynamic": "strict",
            "properties": {
                "doc": {"type": "keyword"},
                "version": {"type": "keyword"},
                "number": number,
                "line_start": number,
                "line_end": number,
                "text": {
                    "type": "text", "analyzer": "searcher_exact",
                    "fields": {
                        "stem": {"type": "text", "analyzer": "searcher_stem"},
                        "prefix": {"type": "text", "analyzer": "searcher_prefix"},
                    },
                },
                "data": {"type": "object", "enabled": False},
            },
        },
    }


def passage_source(p: Passage, version: str) -> dict:
    """A passage as an OpenSearch document: searchable fields and its stored record."""
    return {"doc": p.doc, "version": version, "number": p.number, "line_start": p.line_start,
            "line_end": p.line_end, "text": p.text, "data": json_record(p)}


def passage_from_source(source: dict) -> Passage:
    """The :class:`~searcher.document.Passage` that :func:`passage_source` made."""
    return passage_from_json(source["doc"], source["text"], source["data"])


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


# ------------------------------------------------------------------ loading


def update(
    texts_dir: Path,
    url: str,
    name: str = DEFAULT_NAME,
    *,
    shards: int = 3,
    replicas: int = 1,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring the index *name* on the cluster at *url* up to date with the texts folder."""
    started = time.perf_counter()
    check_name(name)
    texts = list_texts(texts_dir)
    cluster = Cluster(url, timeout=120)
    warnings: list[str] = []
    with cluster.answering(name):
        live, manifest = live_index(cluster, name)
        if live is not None and not rebuild:
            settings = cluster.client.indices.get_settings(index=live)[live]["settings"]
            if int(settings["index"]["number_of_shards"]) != shards:
                rebuild = True  # only a new index has another number of shards
            elif int(settings["index"]["number_of_replicas"]) != replicas:
                cluster.client.indices.put_settings(
                    index=live, body={"index": {"number_of_replicas": replicas}}
                )
        ch = changes.diff(texts, None if rebuild else manifest, versions())
        if live is not None and manifest is not None and not ch and not ch.touched:
            indexed = 0
            docs = manifest["docs"]
        elif ch.rebuild or live is None or manifest is None:
            docs = _build(cluster, name, live, texts, shards, replicas, progress, warnings)
            indexed = len(texts)
        else:
            docs = _update(cluster, live, manifest, texts, ch, progress, warnings)
            indexed = len(ch.added) + len(ch.changed)
    return BuildReport(
        len(docs), sum(d["passages"] for d in docs.values()), indexed,
        time.perf_counter() - started, tuple(warnings),
    )


def _manifest(docs: dict) -> dict:
    return {**versions(), "built": time.time(), "docs": docs}


def _passage_id(doc: str, version: str, number: int) -> str:
    return f"{hashlib.sha1(doc.encode()).hexdigest()[:16]}-{version[:16]}-{number}"


def _load(cluster: Cluster, index: str, texts: dict[str, Path], names: list[str],
          progress: Progress | None, warnings: list[str]) -> dict[str, dict]:
    """Bulk-load the passages of *names* into *index*; their manifest entries."""
    from opensearchpy.helpers import streaming_bulk

    states: dict[str, dict] = {}

    def actions():
        for i, doc in enumerate(names, start=1):
            passages, state = read_text(doc, texts[doc], warnings)
            states[doc] = state.__dict__
            for p in passages:
                yield {"_index": index, "_id": _passage_id(doc, state.sha256, p.number),
                       "_source": passage_source(p, state.sha256)}
            if progress:
                progress(i, len(names), doc)

    # streaming_bulk retries chunks the cluster rejects as overloaded (HTTP 429)
    for _ in streaming_bulk(cluster.client, actions(), chunk_size=BULK_CHUNK, max_retries=3,
                            initial_backoff=1, request_timeout=120):
        pass
    return states


def _build(cluster, name, live, texts, shards, replicas, progress, warnings) -> dict:
    client = cluster.client
    new = f"{name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"
    client.indices.create(index=new, body=index_body(shards, replicas, {"complete": False}))
    try:
        docs = _load(cluster, new, texts, list(texts), progress, warnings)
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
        client.indices.put_mapping(index=new, body={"_meta": _manifest(docs)})
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


def _update(cluster, live, manifest, texts, ch, progress, warnings) -> dict:
    from opensearchpy.helpers import scan, streaming_bulk

    client = cluster.client
    docs = dict(manifest["docs"])
    todo = ch.added + ch.changed
    loaded = _load(cluster, live, texts, todo, progress, warnings) if todo else {}
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
    client.indices.put_mapping(index=live, body={"_meta": _manifest(docs)})
    return docs
