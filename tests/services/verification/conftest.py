"""Foreign issuers for the verifier: local HTTP(S) servers on 127.0.0.1, a fake DNS, test certificates.

Every server here listens on 127.0.0.1 with a random port and is stopped after its test; host names such as
`issuer.test` resolve to 127.0.0.1 only through the `dns` fixture, so nothing leaves the machine.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services.crypto import dataintegrity, statuslist
from badges.services.crypto.multibase import ed25519_multibase
from badges.services.openbadges import ob3
from badges.services.openbadges.common import BadgeClassData, IssuerData, isoformat
from badges.services.verification.fetch import SafeFetcher
from tests.pki import SERVER_HOST, Pki

HOST = SERVER_HOST
CREATED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
STATUS_BITS = 131072


# --- fake DNS ---------------------------------------------------------------------------------------------


class FakeDNS:
    """socket.getaddrinfo for test names only: unknown names fail, numeric 127.0.0.1 passes through."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {HOST: ["127.0.0.1"]}
        self.calls: list[str] = []

    def __call__(self, host: Any, port: Any, family: int = 0, type: int = 0, *args: Any, **kw: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.calls.append(name)
        addresses = self.names.get(name.lower())
        if addresses is None:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "unknown test name") from None
            addresses = [name]
        result = []
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if ip.version == 4:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0))))
            else:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, int(port or 0), 0, 0)))
        return result


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


# --- test server ------------------------------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/ld+json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (cut short when the server stops)
    endless: bool = False  # stream a body without end (bounded to 64 MiB)
    trickle: bool = False  # send the headers one byte at a time, slowly (bounded)


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        self.server.owner.record(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.server.owner.routes.get(path, Route(404, b"not found", "text/plain"))
        stop = self.server.owner.stopping
        if route.delay and stop.wait(route.delay):
            return
        if route.trickle:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
                if stop.wait(0.1):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.endless:
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b" " * 65536
            for _ in range(1024):
                if stop.is_set():
                    return
                self.wfile.write(chunk)
            return
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalServer

    def finish_request(self, request: Any, client_address: Any) -> None:
        # TLS is set up in the request's own thread, so one bad handshake cannot stall the others.
        if self.owner.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(5)
        # wrap_socket detaches `request`, which socketserver then closes in vain: close the TLS socket here.
        with self.owner.tls.wrap_socket(request, server_side=True) as tls_request:
            super().finish_request(tls_request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up early (size limit, timeout, refused certificate) is expected here


class LocalServer:
    """An HTTP or HTTPS server on 127.0.0.1 serving fixed routes and recording every request."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.sni: list[str | None] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def paths(self) -> list[str]:
        with self._lock:
            return [s.path for s in self.seen]

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def json(self, path: str, doc: dict[str, Any], status: int = 200) -> str:
        return self.add(path, Route(status, json.dumps(doc).encode("utf-8")))

    def redirect(self, path: str, location: str, status: int = 302, **headers: str) -> str:
        return self.add(path, Route(status, b"", "text/plain", {"Location": location, **headers}))

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.stop()


@pytest.fixture
def https_server(pki: Pki) -> Iterator[LocalServer]:
    context = pki.server_context()
    server = LocalServer(context)
    context.sni_callback = lambda _sock, name, _ctx: server.sni.append(name)
    yield server
    server.stop()


@pytest.fixture
def fetcher(dns: FakeDNS, pki: Pki) -> SafeFetcher:
    """Allows issuer.test (resolved to 127.0.0.1 by the fake DNS) and trusts the test CA only."""
    return SafeFetcher(allow_hosts=frozenset({HOST}), ca_file=pki.ca_file, total_timeout=5.0)


# --- a foreign OB 3.0 issuer ------------------------------------------------------------------------------


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass
class ForeignIssuer:
    """An issuer that is not this service: its id, its Ed25519 key and the server that publishes for it."""

    id: str
    method: str
    key: Ed25519PrivateKey
    server: LocalServer

    @property
    def multibase(self) -> str:
        return ed25519_multibase(raw_public(self.key))

    def sign(self, doc: dict[str, Any]) -> dict[str, Any]:
        return dataintegrity.sign(
            doc, sign_bytes=self.key.sign, verification_method=self.method, created=CREATED
        )

    def multikey(self) -> dict[str, Any]:
        return ob3.multikey(
            method_id=self.method, controller=self.id, public_multibase=self.multibase, revoked=None
        )

    def controller_document(self) -> dict[str, Any]:
        return {
            "@context": [ob3.DID_V1, ob3.MULTIKEY_V1],
            "id": self.id,
            "verificationMethod": [self.multikey()],
            "assertionMethod": [self.method],
        }

    def publish_status_list(self, path: str, revoked: set[int], purpose: str = "revocation") -> str:
        url = self.server.url(path)
        unsigned = ob3.status_list_credential(
            list_url=url,
            issuer_id=self.id,
            encoded_list=statuslist.encode(revoked, STATUS_BITS),
            valid_from=CREATED,
        )
        unsigned["credentialSubject"]["statusPurpose"] = purpose
        self.server.json(path, self.sign(unsigned))
        return url

    def credential(
        self, status: dict[str, Any] | list[dict[str, Any]] | None, number: int = 1
    ) -> dict[str, Any]:
        profile = IssuerData(
            id=self.id,
            name="Médiathèque d'ailleurs",
            url="https://ailleurs.example",
            email="contact@ailleurs.example",
        )
        badge = BadgeClassData(
            id=f"https://ailleurs.example/achievements/{number}",
            name="Naviguer sur Internet",
            description="Je sais chercher une information sur Internet.",
            criteria_narrative="Avoir trouvé seul les horaires de la mairie.",
            criteria_url="https://ailleurs.example/criteres/1",
            image_url="https://ailleurs.example/badge.png",
            level="N2",
        )
        unsigned = ob3.credential(
            credential_id=f"urn:uuid:6f1c1b5e-0000-4000-8000-{number:012d}",
            issuer=profile,
            badge=badge,
            subject_id="urn:uuid:0b6d6f35-5a47-4e5a-9d7c-3f7f7b1a0c11",
            identifiers=[],
            valid_from=CREATED,
            valid_until=None,
            evidence=[],
            status=status or {},
        )
        if status is None:
            del unsigned["credentialStatus"]
        return self.sign(unsigned)


def bitstring_entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    entry = ob3.status_entry(list_url=list_url, index=index)
    entry["statusPurpose"] = purpose
    return entry


@pytest.fixture
def foreign_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Bounded polling for what a server thread records after the client has already returned."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def make_foreign(kind: str, server: LocalServer, key: Ed25519PrivateKey, path: str = "") -> ForeignIssuer:
    """A foreign issuer whose key is a did:key, a did:web document or an https controller document."""
    multibase = ed25519_multibase(raw_public(key))
    if kind == "did:key":
        did = f"did:key:{multibase}"
        return ForeignIssuer(did, f"{did}#{multibase}", key, server)
    if kind == "did:web":
        did = f"did:web:{HOST}%3A{server.port}" + "".join(
            ":" + part for part in path.strip("/").split("/") if part
        )
        issuer = ForeignIssuer(did, f"{did}#key-1", key, server)
        server.json((path.rstrip("/") or "/.well-known") + "/did.json", issuer.controller_document())
        return issuer
    issuer_id = server.url("/issuers/ailleurs")
    issuer = ForeignIssuer(issuer_id, f"{issuer_id}#key-1", key, server)
    server.json("/issuers/ailleurs", issuer.controller_document())
    return issuer


# --- a foreign OB 2.0 issuer ------------------------------------------------------------------------------

OB2 = "https://w3id.org/openbadges/v2"


def publish_ob2(server: LocalServer) -> dict[str, Any]:
    issuer = {
        "@context": OB2,
        "type": "Issuer",
        "id": server.url("/ob2/issuer"),
        "name": "Médiathèque d'ailleurs",
        "url": "https://ailleurs.example",
        "email": "contact@ailleurs.example",
    }
    badge = {
        "@context": OB2,
        "type": "BadgeClass",
        "id": server.url("/ob2/badges/1"),
        "name": "Naviguer sur Internet",
        "description": "Je sais chercher une information sur Internet.",
        "image": "https://ailleurs.example/badge.png",
        "criteria": {"narrative": "Avoir trouvé seul les horaires de la mairie."},
        "issuer": issuer["id"],
    }
    assertion = {
        "@context": OB2,
        "type": "Assertion",
        "id": server.url("/ob2/assertions/1"),
        "recipient": {"type": "email", "hashed": False, "identity": "camille@example.org"},
        "badge": badge["id"],
        "verification": {"type": "HostedBadge"},
        "issuedOn": isoformat(CREATED),
    }
    server.json("/ob2/issuer", issuer)
    server.json("/ob2/badges/1", badge)
    server.json("/ob2/assertions/1", assertion)
    return assertion
