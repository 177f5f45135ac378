"""SafeFetcher: https only, public addresses only, pinned address, bounded time, size and redirects."""

from __future__ import annotations

import ipaddress
import json
import socket
import time

import pytest

from badges.services.verification.addresses import is_public_address, parse_allow_hosts
from badges.services.verification.fetch import ACCEPT, USER_AGENT, SafeFetcher, fetcher_from_config
from badges.services.verification.sources import FetchError, get_json
from tests.pki import Pki
from tests.services.verification.conftest import HOST, LocalServer, Route, wait_until

PRIVATE_ADDRESSES = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.1.2.3",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # CGNAT
    "0.0.0.0",
    "0.1.2.3",
    "198.18.0.1",
    "192.0.2.1",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",  # site-local
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "::127.0.0.1",  # deprecated IPv4-compatible form
]
PUBLIC_ADDRESSES = [
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize("address", PRIVATE_ADDRESSES)
def test_non_public_addresses_are_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_public(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PRIVATE_ADDRESSES)
def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(dns, monkeypatch, address):
    dns.names["badges.example"] = [address]
    connects: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: connects.append(addr))
    with pytest.raises(FetchError, match="Adresse privée ou locale refusée"):
        SafeFetcher().get("https://badges.example/assertion.json")
    assert connects == []


def test_one_private_answer_among_public_ones_is_enough_to_refuse(dns):
    dns.names["badges.example"] = ["93.184.215.14", "10.0.0.1"]
    with pytest.raises(FetchError, match="10.0.0.1"):
        SafeFetcher().get("https://badges.example/")


@pytest.mark.parametrize("url", ["https://127.0.0.1/x", "https://[::1]/x", "https://[::ffff:7f00:1]:8443/x"])
def test_ip_literals_are_checked_too(dns, url):
    with pytest.raises(FetchError, match="Adresse privée ou locale refusée"):
        SafeFetcher().get(url)


def test_the_allow_list_admits_a_loopback_host(dns, http_server):
    url = http_server.json("/doc", {"ok": True})
    assert json.loads(SafeFetcher(allow_hosts=frozenset({HOST})).get(url).body) == {"ok": True}


def test_an_allow_list_entry_with_a_port_admits_that_port_only(dns, http_server):
    url = http_server.json("/doc", {"ok": True})
    assert SafeFetcher(allow_hosts=frozenset({f"{HOST}:{http_server.port}"})).get(url).status == 200
    with pytest.raises(FetchError, match="http non sécurisé"):
        SafeFetcher(allow_hosts=frozenset({f"{HOST}:1"})).get(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://badges.example/a.json", "http non sécurisé"),
        ("ftp://badges.example/a.json", "Seules les adresses https"),
        ("file:///etc/passwd", "Seules les adresses https"),
        ("https://user:secret@badges.example/", "identifiant ou un mot de passe"),
        ("https:///nohost", "sans nom d'hôte"),
        ("https://badges.example:99999/", "illisible"),
        ("https://badges.example/" + "a" * 3000, "trop longue"),
    ],
)
def test_unsafe_urls_are_refused_without_any_resolution(dns, url, message):
    with pytest.raises(FetchError, match=message):
        SafeFetcher().get(url)
    assert dns.calls == []


def test_plain_http_is_refused_even_to_a_loopback_server_unless_allow_listed(dns, http_server):
    url = http_server.json("/doc", {"ok": True})
    with pytest.raises(FetchError, match="http non sécurisé"):
        SafeFetcher().get(url)
    assert http_server.paths() == []


def test_https_connects_to_the_checked_address_with_host_header_and_sni(fetcher, dns, https_server):
    url = https_server.json("/doc", {"ok": True})
    published = fetcher.get(url)
    assert (published.status, published.media_type) == (200, "application/ld+json")
    assert dns.calls == [HOST]  # resolved once, then the socket went to that very address
    assert https_server.sni == [HOST]
    headers = https_server.seen[0].headers
    assert headers["host"] == f"{HOST}:{https_server.port}"
    assert headers["user-agent"] == USER_AGENT
    assert headers["accept"] == ACCEPT
    assert "cookie" not in headers and "authorization" not in headers


def test_a_rebinding_name_is_resolved_once_per_request(fetcher, dns, monkeypatch, https_server):
    """The second answer (a private address) is never asked for: the connection uses the first one."""
    url = https_server.json("/doc", {"ok": True})
    answers = [["127.0.0.1"], ["10.0.0.1"]]

    def rebinding(host, port, *args, **kwargs):
        dns.names[HOST] = answers.pop(0)
        return dns(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert fetcher.get(url).status == 200
    assert answers == [["10.0.0.1"]]


def test_an_unknown_certificate_authority_is_refused(dns, https_server):
    url = https_server.json("/doc", {"ok": True})
    with pytest.raises(FetchError, match="Certificat TLS"):
        SafeFetcher(allow_hosts=frozenset({HOST})).get(url)


def test_a_certificate_for_another_name_is_refused(dns, pki, https_server):
    dns.names["other.test"] = ["127.0.0.1"]
    https_server.json("/doc", {"ok": True})
    fetcher = SafeFetcher(allow_hosts=frozenset({"other.test"}), ca_file=pki.ca_file)
    with pytest.raises(FetchError, match="Certificat TLS"):
        fetcher.get(f"https://other.test:{https_server.port}/doc")


def test_redirects_are_followed_up_to_three(fetcher, https_server):
    final = https_server.json("/final", {"ok": True})
    https_server.redirect("/r3", final)
    https_server.redirect("/r2", "/r3")
    first = https_server.redirect("/r1", https_server.url("/r2"), status=301)
    assert json.loads(fetcher.get(first).body) == {"ok": True}


def test_more_than_three_redirects_are_refused(fetcher, https_server):
    https_server.json("/r4", {"ok": True})
    for n in range(4):
        https_server.redirect(f"/r{n}", f"/r{n + 1}")
    with pytest.raises(FetchError, match="Trop de redirections"):
        fetcher.get(https_server.url("/r0"))
    assert "/r4" not in https_server.paths()


def test_a_redirect_to_a_private_address_is_refused(fetcher, dns, https_server):
    dns.names["metadata.test"] = ["169.254.169.254"]
    url = https_server.redirect("/go", "https://metadata.test/latest/meta-data/")
    with pytest.raises(FetchError, match="Adresse privée ou locale refusée"):
        fetcher.get(url)


def test_a_redirect_from_https_to_http_is_refused_even_to_an_allowed_host(fetcher, https_server, http_server):
    target = http_server.json("/doc", {"ok": True})
    url = https_server.redirect("/go", target)
    with pytest.raises(FetchError, match="de https vers http"):
        fetcher.get(url)
    assert http_server.paths() == []


def test_a_slow_server_times_out(dns, pki, https_server):
    url = https_server.add("/slow", Route(body=b"{}", delay=5))
    fetcher = SafeFetcher(allow_hosts=frozenset({HOST}), ca_file=pki.ca_file, total_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="Délai dépassé"):
        fetcher.get(url)
    assert time.monotonic() - started < 2


def test_a_server_trickling_its_headers_cannot_outlast_the_total_timeout(dns, http_server):
    url = http_server.add("/trickle", Route(trickle=True))
    fetcher = SafeFetcher(allow_hosts=frozenset({HOST}), total_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="Délai dépassé"):
        fetcher.get(url)
    assert time.monotonic() - started < 2


def test_a_resolver_that_hangs_does_not_hang_the_fetch(dns, monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(1.5)
        raise socket.gaierror("late")

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="Délai dépassé pour trouver l'adresse"):
        SafeFetcher(connect_timeout=0.2).get("https://badges.example/")
    assert time.monotonic() - started < 1


def test_an_endless_body_is_cut_at_the_size_limit(fetcher, https_server):
    url = https_server.add("/endless", Route(endless=True))
    with pytest.raises(FetchError, match="Réponse trop volumineuse"):
        fetcher.get(url)


def test_a_declared_length_above_the_limit_is_refused_before_reading(dns, http_server):
    url = http_server.add("/big", Route(body=b"x" * 2048))
    small = SafeFetcher(allow_hosts=frozenset({HOST}), max_bytes=1024)
    with pytest.raises(FetchError, match="Réponse trop volumineuse"):
        small.get(url)


def test_no_cookie_is_sent_back_even_when_the_server_sets_one(fetcher, https_server):
    final = https_server.add("/final", Route(body=b"{}", headers={"Set-Cookie": "session=again"}))
    url = https_server.redirect("/login", final, **{"Set-Cookie": "session=secret; Path=/"})
    fetcher.get(url)
    fetcher.get(final)
    assert wait_until(lambda: len(https_server.seen) == 3)
    assert all("cookie" not in seen.headers for seen in https_server.seen)


def test_error_statuses_are_returned_for_the_caller_to_judge(fetcher, https_server):
    url = https_server.add("/gone", Route(410, b'{"revoked": true}'))
    assert fetcher.get(url).status == 410
    with pytest.raises(FetchError, match="a répondu 404"):
        get_json(fetcher, https_server.url("/missing"))


def test_a_refused_connection_is_a_fetch_error(dns):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="Impossible de joindre"):
        SafeFetcher(allow_hosts=frozenset({HOST})).get(f"http://{HOST}:{port}/")


def test_allow_hosts_are_parsed_from_the_config_string(pki: Pki):
    assert parse_allow_hosts(" Issuer.test , 127.0.0.1:8443,,") == frozenset(
        {"issuer.test", "127.0.0.1:8443"}
    )
    assert parse_allow_hosts("") == frozenset() == parse_allow_hosts(None)
    built = fetcher_from_config({"ALLOW_FETCH_HOSTS": "issuer.test", "FETCH_CA_FILE": pki.ca_file})
    assert built.allow_hosts == frozenset({"issuer.test"})
    assert fetcher_from_config({}).allow_hosts == frozenset()


def test_the_config_built_fetcher_reaches_an_allowed_https_server(dns, pki, https_server: LocalServer):
    url = https_server.json("/doc", {"ok": True})
    built = fetcher_from_config({"ALLOW_FETCH_HOSTS": HOST, "FETCH_CA_FILE": pki.ca_file})
    assert built.get(url).status == 200


def test_the_time_budget_is_shared_by_every_fetch_of_one_verification(dns, http_server):
    slow = http_server.add("/slow", Route(body=b"{}", delay=5))
    fast = http_server.json("/fast", {"ok": True})
    fetcher = SafeFetcher(allow_hosts=frozenset({HOST}), total_timeout=0.4, budget=0.6)
    for _ in range(2):
        with pytest.raises(FetchError, match="Délai dépassé"):
            fetcher.get(slow)
    with pytest.raises(FetchError, match="trop de temps déjà passé"):
        fetcher.get(fast)
    assert "/fast" not in http_server.paths()
