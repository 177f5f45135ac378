"""The participants' ressenti: recorded for people present only, checked field by field, summed up without
names, "à revoir" carried to the next atelier, exported, erased and purged with the person."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from badges.models import Beneficiary, Ressenti, RessentiItem
from badges.services.programme import beneficiaries, pathways, ressenti, ressenti_listing
from badges.services.reporting import restitution
from badges.services.shared.errors import InvalidInput, NotFound
from tests.factories import count, make_atelier, make_beneficiary, make_pathway, make_programme

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


def present(session, atelier, *people: Beneficiary, absent: tuple[Beneficiary, ...] = ()) -> None:
    entries = [{"beneficiary": p.public_id, "present": True} for p in people]
    entries += [{"beneficiary": p.public_id, "present": False} for p in absent]
    pathways.record_attendance(session, atelier=atelier, data={"attendance": entries})
    session.flush()


def answer(session, world, person, now, **data):
    data = {"feeling": "bien", "items": [], "words": "", **data}
    return ressenti.record(
        session, atelier=world.atelier, beneficiary=person, data=data, source="tablette", now=now
    )


def test_a_present_person_answers_once_and_edits_in_place(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, karim)
    answer(session, world, awa, now, feeling="tres_bien", items=[f"acquis:{D06}", f"a_revoir:{D07}"])
    answer(session, world, awa, now, feeling="moyen", items=[f"appris:{D06}"], words="  Le Wi-Fi  ")
    session.flush()
    stored = session.scalars(select(Ressenti)).all()
    assert len(stored) == 1
    assert ressenti.form_of(stored[0]) == {
        "feeling": "moyen",
        "items": [f"appris:{D06}"],
        "words": "Le Wi-Fi",
    }
    assert count(session, RessentiItem) == 1


def test_the_tablet_and_the_phone_answering_at_once_make_one_answer(session, world, now, monkeypatch):
    awa, _karim = world.people
    present(session, world.atelier, awa)
    answer(session, world, awa, now, feeling="bien")
    session.commit()
    # The phone read "no answer yet" just before the tablet's answer was stored: its insert is refused by
    # the unique constraint, and it takes the tablet's row instead of failing.
    real, calls = ressenti.answer_of, []

    def stale_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(ressenti, "answer_of", stale_first)
    answer(session, world, awa, now, feeling="difficile", words="Trop vite")
    session.commit()
    rows = session.scalars(select(Ressenti).where(Ressenti.beneficiary_id == awa.id)).all()
    assert len(calls) == 2 and [(row.feeling, row.words) for row in rows] == [("difficile", "Trop vite")]


def test_an_absent_person_is_refused_as_not_found(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, absent=(karim,))
    with pytest.raises(NotFound):
        answer(session, world, karim, now)
    assert count(session, Ressenti) == 0


def test_another_tiers_lieu_s_person_is_refused(session, world, keyring, links, now):
    other = make_programme(session, keyring, links, now)
    with pytest.raises(NotFound):
        answer(session, world, other.people[0], now)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"feeling": None}, "feeling"),
        ({"feeling": "5"}, "feeling"),
        ({"items": ["acquis:pix-crcn:1.1"]}, "items"),  # a competence the atelier does not work on
        ({"items": [f"note:{D06}"]}, "items"),
        ({"items": [3]}, "items"),
        ({"words": "x" * 301}, "words"),
        ({"score": 4}, "score"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_stored(session, world, now, data, field):
    awa = world.people[0]
    present(session, world.atelier, awa)
    with pytest.raises(InvalidInput) as refused:
        answer(session, world, awa, now, **data)
    assert field in refused.value.fields
    assert count(session, Ressenti) == 0


def test_the_group_summary_counts_without_names_and_sorts_the_words(session, keyring, links, now):
    world = make_programme(
        session,
        keyring,
        links,
        now,
        {"display_name": "Awa"},
        {"display_name": "Karim"},
        {"display_name": "Lea"},
    )
    awa, karim, lea = world.people
    present(session, world.atelier, awa, karim, lea)
    answer(session, world, awa, now, feeling="tres_bien", items=[f"acquis:{D06}"], words="super")
    answer(session, world, karim, now, feeling="difficile", items=[f"a_revoir:{D06}"], words="Trop vite")
    summary = ressenti_listing.group_summary(session, world.atelier)
    assert summary["answers"] == 2 and summary["present"] == 3
    assert summary["feelings"] == [("tres_bien", 1), ("bien", 0), ("moyen", 0), ("difficile", 1)]
    d06 = next(c for c in summary["competences"] if c["ref"] == D06)
    assert (d06["appris"], d06["acquis"], d06["a_revoir"]) == (0, 1, 1)
    assert summary["words"] == ["super", "Trop vite"]
    assert "Awa" not in repr(summary) and "Karim" not in repr(summary)
    assert [p["answered"] for p in ressenti_listing.participants(session, world.atelier)] == [
        True,
        True,
        False,
    ]


def test_the_next_atelier_shows_what_people_want_to_review(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, karim)
    answer(session, world, awa, now, items=[f"a_revoir:{D07}", f"a_revoir:{D06}"])
    answer(session, world, karim, now, items=[f"a_revoir:{D07}"])
    later = make_atelier(session, world.pathway, now, held_on="2026-03-17")
    review = ressenti_listing.to_review(session, later)
    assert [(r["people"], r["dates"]) for r in review] == [(2, [date(2026, 3, 10)]), (1, [date(2026, 3, 10)])]
    assert ressenti_listing.to_review(session, world.atelier) == []  # not on the atelier itself
    other_pathway = make_atelier(session, make_pathway(session, world.issuer, now), now, held_on="2026-03-17")
    assert ressenti_listing.to_review(session, other_pathway) == []


def test_a_person_answers_alone_only_about_recent_ateliers_they_came_to(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, absent=(karim,))
    today = date(2026, 3, 12)
    assert [a["id"] for a in ressenti_listing.open_ateliers(session, awa, today=today, open_days=14)] == [
        world.atelier.public_id
    ]
    assert ressenti_listing.open_ateliers(session, karim, today=today, open_days=14) == []
    assert ressenti_listing.open_ateliers(session, awa, today=today + timedelta(days=30), open_days=14) == []
    with pytest.raises(NotFound):
        ressenti.attended_atelier(session, karim, world.atelier.public_id)
    assert ressenti.is_open(world.atelier, today=date(2026, 3, 24), open_days=14)
    assert not ressenti.is_open(world.atelier, today=date(2026, 3, 25), open_days=14)


def test_export_gives_every_answer_of_the_person_only(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, karim)
    answer(session, world, awa, now, feeling="bien", items=[f"acquis:{D06}"], words="Merci")
    answer(session, world, karim, now, feeling="moyen")
    exported = ressenti.export_for(session, awa)
    assert len(exported) == 1
    assert exported[0]["feeling"] == "bien" and exported[0]["words"] == "Merci"
    assert exported[0]["items"][0]["kind"] == "acquis" and exported[0]["items"][0]["competence"] == D06


def test_erasing_the_person_erases_their_answers(session, world, now):
    awa, karim = world.people
    present(session, world.atelier, awa, karim)
    answer(session, world, awa, now, items=[f"acquis:{D06}"])
    answer(session, world, karim, now)
    session.flush()
    beneficiaries.delete_beneficiary(session, beneficiary=karim)
    session.flush()
    session.expire_all()
    assert [r.beneficiary_id for r in session.scalars(select(Ressenti))] == [awa.id]
    beneficiaries.delete_beneficiary(session, beneficiary=awa)
    session.flush()
    assert count(session, Ressenti) == 0 and count(session, RessentiItem) == 0


def test_answers_past_the_retention_period_are_purged(session, world, now):
    awa = world.people[0]
    recent = make_atelier(session, world.pathway, now, held_on="2026-03-11")
    present(session, world.atelier, awa)
    present(session, recent, awa)
    answer(session, world, awa, now, items=[f"acquis:{D06}"])
    ressenti.record(
        session, atelier=recent, beneficiary=awa, data={"feeling": "bien"}, source="lien", now=now
    )
    session.flush()
    gone = ressenti.purge_expired(session, today=date(2026, 3, 10) + timedelta(days=731), retention_days=730)
    assert gone == 1
    assert [r.atelier_id for r in session.scalars(select(Ressenti))] == [recent.id]
    assert count(session, RessentiItem) == 0


def test_a_beneficiary_made_for_the_test_has_no_answers(session, world, now):
    assert ressenti.export_for(session, make_beneficiary(session, world.issuer, now)) == []


def test_a_badge_issued_after_a_ressenti_holds_nothing_of_it(session, world, keyring, links, now):
    from badges.services.credentials import issuance

    awa = world.people[0]
    present(session, world.atelier, awa)
    answer(session, world, awa, now, feeling="difficile", items=[f"a_revoir:{D06}"], words="Zorglub fatigué")
    credential = issuance.award(
        session, keyring, badge_class=world.badge, beneficiary=awa, links=links, now=now
    )
    documents = " ".join(filter(None, [credential.ob2_assertion, credential.ob3_credential]))
    assert documents and "Zorglub" not in documents and "difficile" not in documents
    assert "a_revoir" not in documents


def test_no_credential_builder_reads_the_ressenti():
    """Credential, Open Badges and badge-page code never name the ressenti: it never goes into a badge."""
    root = Path(ressenti.__file__).parents[1]
    readers = [
        *root.glob("credentials/**/*.py"),
        *root.glob("openbadges/**/*.py"),
        *root.glob("holders/**/*.py"),
    ]
    assert readers
    assert [p.name for p in readers if re.search("ressenti", p.read_text(encoding="utf-8"), re.I)] == []


def test_the_pathway_timeline_gives_each_answered_atelier_in_order(session, world, now):
    awa, karim = world.people
    later = make_atelier(session, world.pathway, now, held_on="2026-03-11")
    empty = make_atelier(session, world.pathway, now, held_on="2026-03-12")
    for atelier in (world.atelier, later, empty):
        present(session, atelier, awa, karim)
    answer(session, world, awa, now, feeling="difficile", items=[f"a_revoir:{D06}", f"a_revoir:{D07}"])
    answer(session, world, karim, now, feeling="bien")
    for person in (awa, karim):
        ressenti.record(
            session, atelier=later, beneficiary=person, data={"feeling": "bien"}, source="lien", now=now
        )
    timeline = ressenti_listing.pathway_timeline(session, world.pathway)
    assert [(s["held_on"], s["answers"], s["positive"], s["to_review"]) for s in timeline] == [
        (date(2026, 3, 10), 2, False, 2),  # one of two is not "more than half"
        (date(2026, 3, 11), 2, True, 0),
    ]
    assert timeline[0]["feelings"] == [("tres_bien", 0), ("bien", 1), ("moyen", 0), ("difficile", 1)]
    # The coordinator's restitution reads the same timeline, counts only.
    lines = restitution.ressenti_over_sessions(session, world.pathway)
    assert [(line["held_on"], line["answers"], line["positive"], line["to_review"]) for line in lines] == [
        (date(2026, 3, 10), 2, False, 2),
        (date(2026, 3, 11), 2, True, 0),
    ]
