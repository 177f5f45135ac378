"""The address guard of the fetcher: which hosts resolve to addresses the verifier may connect to.

Design "Outside input is hostile": a badge names the URLs the verifier follows, so a URL must never
reach this machine, its network or the cloud's metadata service (SSRF). The host is resolved here, with a
timeout, and every address it resolves to is checked; the fetcher then connects to one of these very
addresses (fetch.py's pinned connection), so a name cannot resolve to a public address for the check and
to a private one for the connection (DNS rebinding). Hosts of ALLOW_FETCH_HOSTS skip the check (tests).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Any

from badges.services.shared.messages import N_, message
from badges.services.verification.sources import FetchError

DNS_TIMEOUT = message("fetch.dns_timeout", N_("Délai dépassé pour trouver l'adresse de %(host)s."))
NO_SUCH_HOST = message("fetch.no_such_host", N_("Nom de domaine introuvable : %(host)s."))
PRIVATE_ADDRESS = message(
    "fetch.private_address",
    N_(
        "Adresse privée ou locale refusée : %(host)s désigne %(ip)s, "
        "qui n'est pas une adresse publique d'Internet."
    ),
)

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (family, sockaddr): what a socket of that family connects to.
Address = tuple[int, tuple[Any, ...]]


def is_public_address(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address; IPv6 forms embedding an IPv4 are judged by it."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.teredo is not None or ip.is_site_local:
            return False
    elif ip in _CGNAT or ip in _THIS_NETWORK:
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def parse_allow_hosts(text: str | None) -> frozenset[str]:
    """`ALLOW_FETCH_HOSTS`: comma-separated "host" or "host:port" entries, lower-cased, blanks ignored."""
    return frozenset(item.strip().lower() for item in (text or "").split(",") if item.strip())


def resolve(host: str, port: int, *, timeout: float) -> list[tuple[Any, ...]]:
    """getaddrinfo in a daemon thread: the system resolver has no timeout of its own."""
    found: list[Any] = []

    def run() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            found.append(exc)

    worker = threading.Thread(target=run, name="badges-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if not found:
        raise FetchError(DNS_TIMEOUT(host=host))
    if isinstance(found[0], Exception) or not found[0]:
        raise FetchError(NO_SUCH_HOST(host=host))
    return [tuple(info) for info in found[0]]


def checked_addresses(host: str, port: int, *, allowed: bool, timeout: float) -> list[Address]:
    """The addresses to connect to, all checked: one private answer is enough to refuse the host."""
    pairs = []
    for family, _type, _proto, _name, sockaddr in resolve(host, port, timeout=timeout):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not allowed and not is_public_address(ip):
            raise FetchError(PRIVATE_ADDRESS(host=host, ip=str(ip)))
        pairs.append((family, sockaddr))
    if not pairs:
        raise FetchError(NO_SUCH_HOST(host=host))
    return pairs
