"""Fetching foreign documents safely: https to public addresses only, pinned IP, bounded time and size.

Design "Outside input is hostile": the verifier follows URLs chosen by whoever made the badge, so every
fetch resolves the host itself, refuses private and local addresses (SSRF), connects to the very address it
checked (no DNS rebinding between check and connect), and is bounded in time, size and redirects. The
address guard (resolution with a timeout, the public-address rule) is verification/addresses.py.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from badges.services.credentials.published import Published
from badges.services.shared.messages import N_, message
from badges.services.verification.addresses import checked_addresses, parse_allow_hosts
from badges.services.verification.sources import FetchError

BUDGET_SPENT = message(
    "fetch.budget_spent", N_("Délai dépassé : trop de temps déjà passé à attendre les serveurs (%(url)s).")
)
TOO_MANY_REDIRECTS = message(
    "fetch.too_many_redirects", N_("Trop de redirections (plus de %(max)s) pour %(url)s.")
)
DOWNGRADE = message("fetch.downgrade", N_("Redirection de https vers http non sécurisé refusée : %(url)s"))
PLAIN_HTTP = message(
    "fetch.plain_http", N_("Adresse en http non sécurisé refusée (https obligatoire) : %(url)s")
)
TIMEOUT = message("fetch.timeout", N_("Délai dépassé : %(host)s n'a pas répondu à temps."))
INCOMPLETE = message("fetch.incomplete", N_("Réponse incomplète de %(host)s."))
BAD_CERTIFICATE = message(
    "fetch.bad_certificate", N_("Certificat TLS de %(host)s refusé (%(reason)s) : connexion non sûre.")
)
TLS_FAILED = message("fetch.tls_failed", N_("Échec de la connexion TLS à %(host)s."))
UNREACHABLE = message("fetch.unreachable", N_("Impossible de joindre %(host)s : %(error)s."))
RESPONSE_TOO_LARGE = message(
    "fetch.response_too_large", N_("Réponse trop volumineuse (plus de %(kib)s Kio) : %(url)s")
)
URL_TOO_LONG = message("fetch.url_too_long", N_("Adresse trop longue."))
URL_UNREADABLE = message("fetch.url_unreadable", N_("Adresse illisible : %(url)s"))
HTTPS_ONLY = message("fetch.https_only", N_("Seules les adresses https sont suivies : %(url)s"))
CREDENTIALS_IN_URL = message(
    "fetch.credentials_in_url", N_("Adresse refusée : elle contient un identifiant ou un mot de passe.")
)
NO_HOST = message("fetch.no_host", N_("Adresse sans nom d'hôte : %(url)s"))
BAD_HOST = message("fetch.bad_host", N_("Nom d'hôte invalide : %(host)s"))

USER_AGENT = "badges-verifier/1.0 (+Open Badges verification)"
ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"
MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
MAX_URL_CHARS = 2048
REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # lower-case, IDNA-encoded; an IPv6 literal without brackets
    port: int
    path: str  # path and query, percent-encoded

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


class _DeadlineReader(io.RawIOBase):
    """Socket reads that can never outlast the fetch's deadline, however slowly a server trickles bytes."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        # The socket's own raw file: it keeps the socket open until both are closed, as http.client expects.
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(_remaining(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What http.client needs of a socket (sendall, makefile, close), each bounded by the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address already checked, with Host and TLS SNI for the host name."""

    def __init__(
        self, target: _Target, address: tuple[int, tuple[Any, ...]], fetcher: SafeFetcher, deadline: float
    ) -> None:
        super().__init__(target.host, target.port, timeout=fetcher.connect_timeout)
        self._target = target
        self._family, self._sockaddr = address
        self._fetcher = fetcher
        self.deadline = deadline

    def connect(self) -> None:
        raw = socket.socket(self._family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            raw.settimeout(min(self._fetcher.connect_timeout, _remaining(self.deadline)))
            raw.connect(self._sockaddr)
            sock: socket.socket = raw
            if self._target.scheme == "https":
                raw.settimeout(_remaining(self.deadline))
                tls = tls_context(self._fetcher.ca_file)
                sock = tls.wrap_socket(raw, server_hostname=self._target.host)
        except BaseException:
            raw.close()
            raise
        self.sock = _DeadlineSocket(sock, self.deadline)


@cache
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificate and host name checks on; with a CA file only that bundle is trusted (tests).

    Shared: building one costs tens of milliseconds (the system store), and wrap_socket is thread-safe.
    """
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline reached")
    return left


class SafeFetcher:
    """A `Source` for foreign URLs (see module docstring); every failure is a FetchError in French."""

    def __init__(
        self,
        *,
        allow_hosts: frozenset[str] = frozenset(),
        ca_file: str | None = None,
        connect_timeout: float = 5.0,
        total_timeout: float = 10.0,
        budget: float = 20.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        """`total_timeout` bounds one fetch, redirects included; `budget` bounds all the fetches of this
        instance together (make one per verification), so a badge naming many slow URLs cannot hold a worker.
        """
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.budget = budget
        self._budget_end: float | None = None
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.ca_file = ca_file

    def get(self, url: str) -> Published:
        started = time.monotonic()
        if self._budget_end is None:
            self._budget_end = started + self.budget
        if started >= self._budget_end:
            raise FetchError(BUDGET_SPENT(url=url))
        deadline = min(started + self.total_timeout, self._budget_end)
        current = self._target(url, previous=None)
        for _hop in range(self.max_redirects + 1):
            location, published = self._request(current, deadline)
            if location is None:
                return published
            current = self._target(urljoin(_url_of(current), location), previous=current)
        raise FetchError(TOO_MANY_REDIRECTS(max=self.max_redirects, url=url))

    def _allowed(self, target: _Target) -> bool:
        host = f"[{target.host}]" if ":" in target.host else target.host
        return target.host in self.allow_hosts or f"{host}:{target.port}" in self.allow_hosts

    def _target(self, url: str, *, previous: _Target | None) -> _Target:
        target = _parse(url)
        if previous is not None and previous.scheme == "https" and target.scheme == "http":
            raise FetchError(DOWNGRADE(url=url))
        if target.scheme == "http" and not self._allowed(target):
            raise FetchError(PLAIN_HTTP(url=url))
        return target

    def _request(self, target: _Target, deadline: float) -> tuple[str | None, Published]:
        """(redirect location or None, response); network and protocol errors become FetchError."""
        try:
            return self._exchange(target, deadline)
        except FetchError:
            raise
        except TimeoutError as exc:
            raise FetchError(TIMEOUT(host=target.host)) from exc
        except http.client.IncompleteRead as exc:
            raise FetchError(INCOMPLETE(host=target.host)) from exc
        except ssl.SSLCertVerificationError as exc:
            raise FetchError(BAD_CERTIFICATE(host=target.host, reason=exc.verify_message)) from exc
        except ssl.SSLError as exc:
            raise FetchError(TLS_FAILED(host=target.host)) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(UNREACHABLE(host=target.host, error=type(exc).__name__)) from exc

    def _exchange(self, target: _Target, deadline: float) -> tuple[str | None, Published]:
        last: OSError | None = None
        timeout = max(0.0, min(self.connect_timeout, deadline - time.monotonic()))
        for address in checked_addresses(
            target.host, target.port, allowed=self._allowed(target), timeout=timeout
        ):
            conn = _PinnedConnection(target, address, self, deadline)
            try:
                conn.connect()
            except (TimeoutError, ssl.SSLError):
                conn.close()
                raise
            except OSError as exc:
                conn.close()
                last = exc
                continue
            try:
                return self._send(conn, target)
            finally:
                conn.close()
        raise last or OSError("no address")

    def _send(self, conn: _PinnedConnection, target: _Target) -> tuple[str | None, Published]:
        # Deliberately no Cookie and no Authorization header: nothing of ours goes to a foreign server.
        conn.request(
            "GET",
            target.path,
            headers={
                "Host": target.host_header,
                "User-Agent": USER_AGENT,
                "Accept": ACCEPT,
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        response = conn.getresponse()
        try:
            location = response.getheader("Location")
            if response.status in REDIRECTS and location:
                return location, Published(response.status, b"", "")
            body = self._read_body(response, _url_of(target))
        finally:
            response.close()
        media_type = (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
        return None, Published(response.status, body, media_type)

    def _read_body(self, response: http.client.HTTPResponse, url: str) -> bytes:
        too_large = FetchError(RESPONSE_TOO_LARGE(kib=self.max_bytes // 1024, url=url))
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise too_large
            chunks.append(chunk)


def _parse(url: str) -> _Target:
    if len(url) > MAX_URL_CHARS:
        raise FetchError(URL_TOO_LONG)
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(URL_UNREADABLE(url=url)) from exc
    if parts.scheme not in ("https", "http"):
        raise FetchError(HTTPS_ONLY(url=url))
    if parts.username is not None or parts.password is not None:
        raise FetchError(CREDENTIALS_IN_URL)
    if not host:
        raise FetchError(NO_HOST(url=url))
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError as exc:
        raise FetchError(BAD_HOST(host=str(parts.hostname))) from exc
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def _url_of(target: _Target) -> str:
    return f"{target.scheme}://{target.host_header}{target.path}"


def fetcher_from_config(config: Mapping[str, Any]) -> SafeFetcher:
    """The remote source from app settings: ALLOW_FETCH_HOSTS (comma-separated) and FETCH_CA_FILE."""
    ca_file = config.get("FETCH_CA_FILE") or None
    return SafeFetcher(
        allow_hosts=parse_allow_hosts(config.get("ALLOW_FETCH_HOSTS")),
        ca_file=str(ca_file) if ca_file else None,
    )
