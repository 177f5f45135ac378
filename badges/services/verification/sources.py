"""Where the verifier gets documents: this service's own ones locally, anything else by safe fetching."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, Protocol, cast

from sqlalchemy.orm import Session

from badges.services.credentials import published
from badges.services.credentials.links import Links
from badges.services.credentials.published import Published
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.rows import ConnectionRows, Rows
from badges.services.verification.inputs import InputError, load_json

NOT_LOCAL = message("fetch.not_local", N_("Document hors de ce service non récupéré : %(url)s"))
STATUS = message("fetch.status", N_("%(url)s a répondu %(status)s."))
NOT_JSON = message("fetch.not_json", N_("%(url)s n'a pas renvoyé de JSON lisible."))
NOT_AN_OBJECT = message("fetch.not_an_object", N_("%(url)s n'a pas renvoyé un objet JSON."))


class FetchError(Exception):
    """A document could not be obtained: `said` says why, `cause` is a report cause (str(): French)."""

    def __init__(self, said: Message, cause: str = "network") -> None:
        super().__init__(said.french)
        self.said = said
        self.cause = cause


class Source(Protocol):
    def get(self, url: str) -> Published: ...


class LocalSource:
    """This service's own documents, read from the database exactly as the public routes serve them."""

    def __init__(
        self,
        session: Session | Callable[[], Session],
        links: Links,
        remote: Source | Callable[[], Source] | None = None,
        reader: Callable[[], Rows] | None = None,
    ) -> None:
        # The session and the remote source may be given as functions making them on first use: a badge
        # this service issued is read by the reader and fetches nothing, so a request verifying
        # one makes neither an ORM Session nor a fetcher (issue 17, HTTP profile).
        self._session = session if isinstance(session, Session) else None
        self._open_session = session if not isinstance(session, Session) else None
        self._remote = remote
        self.links = links
        # A reader for one-statement lookups (the register entry), when the caller has one.
        self.reader = reader
        self._cache: dict[str, Published] = {}
        self._endorsements: dict[str, list[dict[str, Any]]] = {}

    @property
    def session(self) -> Session:
        if self._session is None:
            assert self._open_session is not None  # one of the two is given
            self._session = self._open_session()
        return self._session

    @property
    def remote(self) -> Source | None:
        remote = self._remote
        if remote is not None and not hasattr(remote, "get"):  # a function making the source
            remote = self._remote = cast("Callable[[], Source]", remote)()
        return cast("Source | None", remote)

    def rows(self) -> Rows:
        """Where to read the register: the session's own connection once it holds a transaction (the unit
        of work as it stands, flushed), else the caller's reader, without SQLAlchemy's execution machinery
        (badges/services/shared/rows.py)."""
        if self.reader is not None and (self._session is None or not self._session.in_transaction()):
            return self.reader()
        if self.session.autoflush:
            self.session.flush()
        return ConnectionRows(self.session.connection())

    def achievement_endorsements(self, url: str) -> list[dict[str, Any]] | None:
        """What this service's achievement document at `url` lists as endorsements, in one statement on
        the read connection, unless already known in this verification; None when `url` is not one of our
        achievements (then GET the document)."""
        if url in self._endorsements:
            return self._endorsements[url]
        if not self.links.is_local(url):
            return None
        return published.achievement_endorsements(self.rows(), self.links, url)

    def remember_endorsements(self, url: str, listed: list[dict[str, Any]]) -> None:
        """What the register read, in its own statement, of the achievement at `url` (register.py)."""
        self._endorsements[url] = listed

    def get(self, url: str) -> Published:
        if url in self._cache:
            return self._cache[url]
        if self.links.is_local(url):
            found = published.resolve(self.session, self.links, url)
            result = found if found is not None else Published(404, b"", "text/plain")
        elif (remote := self.remote) is not None:
            result = remote.get(url)
        else:
            raise FetchError(NOT_LOCAL(url=url))
        self._cache[url] = result
        return result


def get_json(source: Source, url: str, *, allow_gone: bool = False) -> dict[str, Any]:
    """GET a JSON object; 404 and other errors raise FetchError with a French message."""
    fetched = source.get(url)
    if fetched.status == 410 and allow_gone:
        pass
    elif fetched.status != 200:
        missing = fetched.status in (404, 410)
        raise FetchError(STATUS(url=url, status=fetched.status), "not_found" if missing else "network")
    try:
        value = load_json(fetched.body.decode("utf-8"))
    except (InputError, UnicodeDecodeError) as exc:
        raise FetchError(NOT_JSON(url=url), "unreadable") from exc
    if not isinstance(value, dict):
        raise FetchError(NOT_AN_OBJECT(url=url), "unreadable")
    return value


def canonical_equal(a: Any, b: Any) -> bool:
    """Two JSON values are the same document (key order and spacing do not matter)."""
    return _canonical(a) == _canonical(b)


def same_as_stored(stored: str, doc: Any) -> bool:
    """`doc` is the document of this stored JSON text, as canonical_equal says; the stored side's canonical
    form is kept per text (a few hundred, each a few KB), not parsed and written again on every call."""
    return _canonical_text(stored) == _canonical(doc)


@functools.lru_cache(maxsize=512)
def _canonical_text(text: str) -> str:
    return _canonical(json.loads(text))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
