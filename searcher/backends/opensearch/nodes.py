"""Stage 4 (OpenSearch): the cluster's other nodes, learned from the URLs given.

Given one node's URL, the client asks that node once for the cluster's nodes
(``GET /_nodes/_all/http``, opensearch-py's sniffing) and keeps them as fallbacks:
requests go to the given URLs while one answers, to a learned node only when none
does, so a normal search takes the path it always took, and losing the given node
does not lose the cluster.  The list is asked again when a node fails and every
``RESNIFF`` seconds; a failed ask keeps the list as it was, never raises.

Nodes are learned only when a given URL is one of the addresses the nodes publish
(same port, same host or one it resolves to): a cluster behind a proxy, a load
balancer or Docker's published ports publishes addresses this machine may not
reach, and there the given URLs stay the only ones.  A learned node keeps the given
URLs' scheme and credentials (they are the client's, not the host's); over https
its certificate must be valid for the address it publishes.
"""

from __future__ import annotations

import functools
import itertools
import socket
import time
from typing import Any

from opensearchpy import ConnectionPool, Transport
from opensearchpy.connection_pool import ConnectionSelector

#: Seconds: the first ask (when the client is made), and later ones.
FIRST_TIMEOUT = 5.0
SNIFF_TIMEOUT = 2.0
RESNIFF = 300.0


class GivenFirst(ConnectionSelector):
    """Round robin over the live given URLs; over the learned nodes when none is live."""

    def __init__(self, opts: Any) -> None:
        super().__init__(opts)
        self.turn = itertools.count()

    def select(self, connections):
        given = [c for c in connections if self.connection_opts[c].get("given")]
        pick = given or connections
        return pick[next(self.turn) % len(pick)]


class LearningTransport(Transport):
    """opensearch-py's transport, learning nodes as the module says (off until
    :meth:`learn` finds the given URLs among the published addresses)."""

    def __init__(self, hosts, **kwargs) -> None:
        given = [{**h, "given": True} for h in hosts]
        pool = functools.partial(ConnectionPool, selector_class=GivenFirst)
        super().__init__(given, connection_pool_class=pool, sniff_timeout=SNIFF_TIMEOUT,
                         **kwargs)
        self.given = given

    def learn(self) -> int:
        """Ask the given nodes for the others; how many were learned."""
        self.sniff_timeout = FIRST_TIMEOUT
        try:
            nodes = self._get_sniff_data(initial=False)
        except Exception:  # noqa: BLE001 - no answer: the given URLs alone, as without
            return 0
        finally:
            self.sniff_timeout = SNIFF_TIMEOUT
        if not any(self._is_given(n) for n in nodes):
            return 0  # a proxy's or a container's URL: its nodes' addresses may not reach
        self.sniff_on_connection_fail = True
        self.sniffer_timeout = RESNIFF
        return self._use(nodes)

    def sniff_hosts(self, initial: bool = False) -> None:
        try:
            self._use(self._get_sniff_data(initial=False))
        except Exception:  # noqa: BLE001 - keep the nodes known; the request reports
            self.last_sniff = time.time()  # and do not ask again at every request

    def _use(self, nodes: list[dict]) -> int:
        learned = [h for h in (self._host(n) for n in nodes) if h is not None]
        hosts = self.given + learned
        if hosts != self.hosts:  # a new pool forgets which nodes failed: only on change
            self.set_connections(hosts)
            self.hosts = hosts
        return len(learned)

    def _host(self, node: dict) -> dict | None:
        """A learned node's host (None: a given one, an unusable address, or a node that
        only manages the cluster)."""
        address = _published(node)
        if address is None or self._is_given(node) or node.get("roles") == ["cluster_manager"]:
            return None
        name, ip, port = address
        return {"host": name or ip, "port": port}

    def _is_given(self, node: dict) -> bool:
        address = _published(node)
        if address is None:
            return False
        name, ip, port = address
        return any(g["port"] == port and (g["host"] in (name, ip) or ip in _ips(g["host"]))
                   for g in self.given)


def _published(node: dict) -> tuple[str, str, int] | None:
    """(name, ip, port) of a node's published http address ("name/ip:port" or "ip:port")."""
    address = str((node.get("http") or {}).get("publish_address") or "")
    name, _, address = address.rpartition("/")
    ip, _, port = address.rpartition(":")
    if not ip or not port.isdigit():
        return None
    return name, ip.strip("[]"), int(port)


@functools.lru_cache(maxsize=64)
def _ips(host: str) -> frozenset[str]:
    try:
        return frozenset(a[4][0] for a in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM))
    except (OSError, UnicodeError):
        return frozenset()
