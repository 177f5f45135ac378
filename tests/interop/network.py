"""Public https origins served by loopback test servers, as a reverse proxy would serve them.

The outside validators get the mapping as ``--map PUBLIC=LOOPBACK`` arguments and apply it in their fetch
hook (tools/interop/network.mjs, ob2_verify.py); the tests' own requests go through ``Network.get`` with the
same rule: fragment dropped, ``Host`` and ``X-Forwarded-Proto`` set to the public origin, status codes kept,
redirects followed by hand with each ``Location`` mapped again, anything outside the mapped origins refused.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class RefusedFetch(RuntimeError):
    """A URL outside every mapped origin: nothing here may leave the machine."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        return json.loads(self.body)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Network:
    """``maps``: public origin (``https://badges.test``) -> loopback origin (``http://127.0.0.1:PORT``)."""

    maps: dict[str, str] = field(default_factory=dict)

    def args(self) -> list[str]:
        return [arg for public, loopback in self.maps.items() for arg in ("--map", f"{public}={loopback}")]

    def with_origin(self, public: str, loopback: str) -> Network:
        return Network({**self.maps, public: loopback})

    def get(self, url: str, accept: str | None = "application/ld+json") -> Answer:
        url = url.split("#", 1)[0]
        for _ in range(MAX_REDIRECTS + 1):
            answer = self._forward(url, accept)
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or not location:
                return answer
            url = urljoin(url, location).split("#", 1)[0]
        raise RefusedFetch(f"too many redirects from {url}")

    def json(self, url: str, accept: str = "application/ld+json") -> Any:
        answer = self.get(url, accept)
        assert answer.status == 200, f"{url} answered {answer.status}: {answer.body[:200]!r}"
        return answer.json()

    def _forward(self, url: str, accept: str | None) -> Answer:
        loopback = self.maps.get(_origin(url))
        if loopback is None:
            raise RefusedFetch(f"{url} is outside the mapped origins {sorted(self.maps)}")
        public, target = urlsplit(url), urlsplit(loopback)
        headers = {"Host": public.netloc, "X-Forwarded-Proto": public.scheme}
        if accept is not None:
            headers["Accept"] = accept
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=20)
        try:
            connection.request(
                "GET", (public.path or "/") + (f"?{public.query}" if public.query else ""), headers=headers
            )
            response = connection.getresponse()
            body = response.read()
            found = {name.lower(): value for name, value in response.getheaders()}
            return Answer(response.status, found, body, url)
        finally:
            connection.close()
