"""The Île-de-France experiment (docs/domain.md#D-experiment) loaded through the HTTP API as a coordinator's
import would, then every key figure of /api/v1/reports checked against counts made here from the table.

Published: 10 tiers-lieux in 7 departments, 114 beneficiaries recorded, 21 pathways, 94 ateliers de médiation,
355 heures d'accompagnement (atelier time). By category: apprentissage par le faire 5 tiers-lieux (3 to 16
ateliers, 1-2 pathways, about 8 people a pathway), professionnalisation 3 (9 to 24, 2-3, about 7.5), hybride
et créatif 2 (3 to 5, 1-4, about 7.5). Pathways within a tiers-lieu share some people, as they do in practice:
the pathway averages count enrolments, the 114 count people.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from badges.services.programme import framework_io
from tests.factories import make_coordinator, make_issuer, make_staff
from tests.web.programme_helpers import Api

APP, PRO, HYB = "apprentissage_par_le_faire", "professionnalisation", "hybride_creatif"
ALL = ("exclu", "intermediaire", "initie")
PERIOD = "from=2025-01-01&to=2025-12-31"
TOTAL_MINUTES = 355 * 60
# Atelier lengths in turn; the last atelier takes what is left of the 355 h.
LENGTHS = (240, 180, 270, 210, 150, 300)


@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    department: str
    pathway_type: str
    category: str
    profiles: tuple[str, ...]  # given to the people in turn
    people: int
    pathways: tuple[tuple[int, int, int], ...]  # per pathway: people[first:last] enrolled, its ateliers


TABLE = (
    Place("quai-des-possibles", "Le Quai des Possibles", "78", "long_augmente", APP, ALL, 16,
          ((0, 10, 8), (8, 16, 8))),
    Place("electrolab", "Electrolab", "92", "long_augmente", PRO, ALL[:2], 13,
          ((0, 8, 5), (5, 13, 5), (0, 6, 5))),
    Place("la-treso", "La Tréso", "92", "court", APP, ("exclu",), 6, ((0, 6, 3),)),
    Place("la-mine", "La Mine", "94", "long_augmente", PRO, ("initie",), 6, ((0, 6, 5), (0, 6, 4))),
    Place("moulin-du-pont-ru", "Le Moulin du Pont Ru", "95", "long_augmente", HYB,
          ("femmes_non_francophones",), 20, ((0, 8, 2), (6, 14, 1), (12, 20, 1), (0, 6, 1))),
    Place("mains-d-oeuvres", "Mains d'Œuvres", "93", "long_augmente", HYB, ALL[:2], 7, ((0, 7, 3),)),
    Place("traces-e-fabrik", "Traces E Fabrik", "93", "long", PRO, ALL, 16,
          ((0, 8, 8), (8, 16, 8), (4, 12, 8))),
    Place("la-verriere", "La Verrière", "93", "long_augmente", APP, ("intermediaire",), 10,
          ((0, 8, 3), (2, 10, 3))),
    Place("o-bout-du-monde", "O bout du monde", "77", "long", APP, ("exclu",), 14, ((0, 8, 4), (6, 14, 4))),
    Place("l-etablisienne", "L'Établisienne", "75", "court", APP, ("metiers_manuels",), 6, ((0, 6, 5),)),
)  # fmt: skip


def durations() -> list[int]:
    """Minutes of the 94 ateliers, in the order of the table."""
    count = sum(ateliers for place in TABLE for *_, ateliers in place.pathways)
    lengths = [LENGTHS[n % len(LENGTHS)] for n in range(count - 1)]
    return [*lengths, TOTAL_MINUTES - sum(lengths)]


@dataclass(frozen=True)
class Atelier:
    """One atelier of the table: where it belongs and who came (everyone enrolled was present)."""

    place: Place
    pathway: int  # its position in the place's pathways
    minutes: int
    present: tuple[int, ...]


def ateliers() -> list[Atelier]:
    lengths = iter(durations())
    return [
        Atelier(place, position, next(lengths), tuple(range(first, last)))
        for place in TABLE
        for position, (first, last, count) in enumerate(place.pathways)
        for _ in range(count)
    ]


def test_the_table_is_the_published_programme():
    assert len(TABLE) == 10 and len({p.department for p in TABLE}) == 7
    assert sum(p.people for p in TABLE) == 114
    assert sum(len(p.pathways) for p in TABLE) == 21
    assert len(ateliers()) == 94 and sum(a.minutes for a in ateliers()) == 355 * 60
    assert all(15 <= a.minutes <= 600 for a in ateliers())  # what the API accepts
    published = {APP: (5, 3, 16, 1, 2, 8), PRO: (3, 9, 24, 2, 3, 7.5), HYB: (2, 3, 5, 1, 4, 7.5)}
    for category, (places, fewest, most, least_pathways, most_pathways, per_pathway) in published.items():
        chosen = [p for p in TABLE if p.category == category]
        assert len(chosen) == places
        held = [sum(n for *_, n in p.pathways) for p in chosen]
        assert (min(held), max(held)) == (fewest, most), category
        run = [len(p.pathways) for p in chosen]
        assert (min(run), max(run)) == (least_pathways, most_pathways), category
        enrolments = [last - first for p in chosen for first, last, _ in p.pathways]
        assert abs(sum(enrolments) / len(enrolments) - per_pathway) <= 0.5, category
    for place in TABLE:
        assert {i for first, last, _ in place.pathways for i in range(first, last)} == set(
            range(place.people)
        )


def expected_rows() -> dict[str, dict[str, dict[str, float]]]:
    """Every figure per tiers-lieu, department, pathway type, category and profile, counted from the table.

    A person counts once in a row whatever the number of their pathways in it; each place runs one type
    and one category, so a person is in one row per dimension but the profile one, by their own profile.
    """
    keys = {"tiers_lieu": lambda p: p.slug, "department": lambda p: p.department,
            "pathway_type": lambda p: p.pathway_type, "category": lambda p: p.category}  # fmt: skip
    people, pathways, places = defaultdict(set), defaultdict(set), defaultdict(set)
    held, minutes, person_minutes = defaultdict(int), defaultdict(int), defaultdict(int)

    def rows(place: Place, person: int | None = None) -> list[tuple[str, str]]:
        found = [(dimension, key(place)) for dimension, key in keys.items()]
        return found + ([("profile", profile_of(place, person))] if person is not None else [])

    for place in TABLE:
        for position, (first, last, _) in enumerate(place.pathways):
            for person in range(first, last):
                for row in rows(place, person):
                    people[row].add((place.slug, person))
                    pathways[row].add((place.slug, position))
                    places[row].add(place.slug)
    for atelier in ateliers():
        for row in rows(atelier.place):
            held[row] += 1
            minutes[row] += atelier.minutes
            person_minutes[row] += atelier.minutes * len(atelier.present)
        for row in {("profile", profile_of(atelier.place, person)) for person in atelier.present}:
            held[row] += 1
            minutes[row] += atelier.minutes
            person_minutes[row] += atelier.minutes * sum(
                profile_of(atelier.place, person) == row[1] for person in atelier.present
            )
    expected: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for row in people:
        expected[row[0]][row[1]] = figures(
            len(people[row]),
            held[row],
            minutes[row],
            person_minutes[row],
            len(pathways[row]),
            len(places[row]),
        )
    return expected


def profile_of(place: Place, person: int) -> str:
    return place.profiles[person % len(place.profiles)]


def figures(people: int, held: int, minutes: int, person_minutes: int, pathways: int, places: int) -> dict:
    return {
        "beneficiaries": people,
        "ateliers": held,
        "atelier_hours": round(minutes / 60, 2),
        "participant_hours": round(person_minutes / 60, 2),
        "pathways": pathways,
        "tiers_lieux": places,
        "badges_issued": 0,
        "badges_revoked": 0,
        "skills_acquired": {},
    }


def load(client, tokens: dict[str, str]) -> None:
    """Pathways, people, enrolments, ateliers and attendance, each through /api/v1 with the place's token."""
    days = itertools.count()
    lengths = iter(durations())
    for place in TABLE:
        api = Api(client, tokens[place.slug])
        people = [create(api, "/beneficiaries", person_data(place, n)) for n in range(place.people)]
        for position, (first, last, count) in enumerate(place.pathways):
            pathway = create(api, "/pathways", pathway_data(place, position))
            for person in people[first:last]:
                create(api, f"/pathways/{pathway}/enrolments", {"beneficiary": person})
            for _ in range(count):
                held_on = date(2025, 2, 3) + timedelta(days=next(days) % 250)
                atelier = create(api, f"/pathways/{pathway}/ateliers", atelier_data(held_on, next(lengths)))
                present = [{"beneficiary": person, "present": True} for person in people[first:last]]
                answer = api.put(f"/ateliers/{atelier}/attendance", json={"attendance": present})
                assert answer.status_code == 200, answer.json


def create(api: Api, path: str, data: dict) -> str:
    answer = api.post(path, json=data)
    assert answer.status_code == 201, (path, answer.json)
    return str(answer.json["id"])


def person_data(place: Place, n: int) -> dict:
    return {
        "display_name": f"Personne {n + 1}",
        "email": None,
        "phone": None,
        "profile": profile_of(place, n),
        "show_name_in_badges": False,
        "needs_french_support": place.profiles == ("femmes_non_francophones",),
        "consent": True,
    }


def pathway_data(place: Place, position: int) -> dict:
    return {
        "title": f"Parcours {position + 1}",
        "type": place.pathway_type,
        "category": place.category,
        "start_date": "2025-02-01",
        "end_date": "2025-11-30",
    }


def atelier_data(held_on: date, minutes: int) -> dict:
    return {
        "title": "Atelier de médiation numérique",
        "held_on": held_on.isoformat(),
        "duration_minutes": minutes,
        "competencies": ["parcours-decouverte:D-06"],
    }


@pytest.fixture
def replayed(client, session, keyring, links, now):
    """The ten tiers-lieux (issuers and staff tokens from the factories: the API creates no issuer), then
    the whole programme through the API; answers the coordinator's API client."""
    framework_io.load_defaults(session)
    tokens = {}
    for place in TABLE:
        issuer = make_issuer(
            session, keyring, links, now, slug=place.slug, name=place.name, department=place.department
        )
        tokens[place.slug] = make_staff(session, issuer, now)[1]
    _, coordinator = make_coordinator(session, now)
    session.commit()
    load(client, tokens)
    return Api(client, coordinator)


def test_the_replayed_programme_reports_the_published_key_figures(replayed):
    """One load (about 500 requests) for every check: the totals, each breakdown, the category filter."""
    answer = replayed.get(f"/reports?{PERIOD}")
    assert answer.status_code == 200, answer.json
    report = answer.json
    people_minutes = sum(a.minutes * len(a.present) for a in ateliers())
    assert report["totals"] == figures(114, 94, 355 * 60, people_minutes, 21, 10)
    assert report["totals"]["atelier_hours"] == 355
    assert len(report["by"]["department"]) == 7
    expected = expected_rows()
    for dimension in ("tiers_lieu", "department", "pathway_type", "category", "profile"):
        assert {row.pop("key"): row for row in report["by"][dimension]} == expected[dimension], dimension
    for category, places in ((APP, 5), (PRO, 3), (HYB, 2)):
        narrowed = replayed.get(f"/reports?{PERIOD}&category={category}").json
        assert narrowed["totals"] == expected["category"][category], category
        assert narrowed["totals"]["tiers_lieux"] == places
        assert [row["key"] for row in narrowed["by"]["category"]] == [category]
