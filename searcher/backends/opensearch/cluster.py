"""Stage 4 (OpenSearch): the connection to a cluster, and its errors as one line each."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from searcher.errors import BackendError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")


def redact(url: str) -> str:
    """*url* without the ``user:password@`` part, for messages."""
    # up to the last @ of each URL: a password may hold '/' or '@' itself
    return re.sub(r"(?<=://)[^\s,]*@", "", url)


class Cluster:
    """A client for one OpenSearch cluster, with the URL as messages may show it.

    *url* is one node URL or several separated by commas (the client spreads
    requests over them and moves on when one dies); ``user:password@`` in the
    URL is sent as basic authentication; ``SEARCHER_OPENSEARCH_CA`` names a CA
    file for TLS clusters.  The client learns the cluster's other nodes from the
    given ones (:mod:`searcher.backends.opensearch.nodes`) unless *learn* is false
    (default: unless ``SEARCHER_OPENSEARCH_SNIFF=0``)."""

    def __init__(self, url: str, *, timeout: float = 30.0, learn: bool | None = None) -> None:
        try:
            from opensearchpy import OpenSearch

            from searcher.backends.opensearch.nodes import LearningTransport
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
            transport_class=LearningTransport,
        )
        if learn is None:
            learn = os.environ.get("SEARCHER_OPENSEARCH_SNIFF", "1").strip().lower() not in (
                "0", "no", "false", "off")
        #: how many other nodes the client learned (0: the given URLs only)
        self.learned = self.client.transport.learn() if learn else 0

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
