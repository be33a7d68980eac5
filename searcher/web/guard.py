"""What keeps a local server local (as Jupyter and Datasette do).

* The ``Host`` header must name the address served (DNS-rebinding defence: a page
  elsewhere whose name is made to resolve to 127.0.0.1 sends its own name, and is
  refused, so it cannot read the texts through the browser).
* Every response says what the page may load: only its own resources
  (``Content-Security-Policy``), no sniffing, no framing, no referrer.
* Static files are a fixed set read from the package's own folder when the app is
  made: a name that is not one of them (``..``, encoded or not) is simply not found.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD = frozenset({"", "0.0.0.0", "::"})

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    """Whether *host* is this machine's own address, which no one else can reach."""
    host = host.strip("[]").lower()
    return host in LOOPBACK or host.startswith("127.")


def allowed_hosts(host: str) -> frozenset[str] | None:
    """The ``Host`` names a server bound to *host* answers; None: any (a wildcard
    address has no one name, and anyone on the network reaches it directly anyway)."""
    host = host.strip("[]").lower()
    if host in WILDCARD:
        return None
    if is_loopback(host):
        return LOOPBACK | {host}
    return frozenset({host})


def host_name(header: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``, ``[::1]:8765`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class Guard:
    """ASGI middleware: refuses a foreign ``Host`` (400, JSON for the API) and adds
    :data:`HEADERS` to every response."""

    def __init__(self, app, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.hosts is not None:
            header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if host_name(header) not in self.hosts:
                return await _refuse(send, f"host {header!r} is not served here")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        return await self.app(scope, receive, with_headers)


async def _refuse(send, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()), *HEADERS,
    ]})
    await send({"type": "http.response.body", "body": body})


def static_files(folder: Path) -> dict[str, tuple[bytes, str]]:
    """Every file directly in *folder*: name -> (content, media type)."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith(("javascript", "json", "svg+xml")):
                kind += "; charset=utf-8"
            files[path.name] = (path.read_bytes(), kind)
    return files
