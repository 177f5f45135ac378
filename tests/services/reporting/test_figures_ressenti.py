"""Ressenti key figures: sessions felt positive, most ticked "acquis" / "à revoir", with the filters."""

from __future__ import annotations

from datetime import date

from badges.services.programme import pathways, ressenti
from badges.services.reporting import figures_ressenti
from badges.services.reporting.scope import Filters, Period
from tests.factories import enrol, make_atelier, make_beneficiary, make_issuer, make_pathway

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


def session_with(session, atelier, now, *answers):
    """Mark each person present and record their (feeling, items)."""
    people = [person for person, _feeling, _items in answers]
    data = {"attendance": [{"beneficiary": p.public_id, "present": True} for p in people]}
    pathways.record_attendance(session, atelier=atelier, data=data)
    for person, feeling, items in answers:
        ressenti.record(
            session,
            atelier=atelier,
            beneficiary=person,
            data={"feeling": feeling, "items": items},
            source="tablette",
            now=now,
        )
    session.flush()


def test_figures_count_sessions_and_items_within_the_filters(session, keyring, links, now):
    """A (94, court): a1 10/03 good (2 of 3 positive), a2 20/03 hard (1 of 2), a3 10/04 outside March.
    B (93, long): b1 15/03 good."""
    a = make_issuer(session, keyring, links, now, department="94")
    b = make_issuer(session, keyring, links, now, department="93")
    pa, pb = make_pathway(session, a, now), make_pathway(session, b, now, type="long")
    p1, p2, p3 = (make_beneficiary(session, a, now, profile=p) for p in ("exclu", "exclu", "initie"))
    q1 = make_beneficiary(session, b, now, profile="initie")
    enrol(session, pa, now, p1, p2, p3)
    enrol(session, pb, now, q1)
    a1, a2, a3 = (
        make_atelier(session, pa, now, held_on=d) for d in ("2026-03-10", "2026-03-20", "2026-04-10")
    )
    b1 = make_atelier(session, pb, now, held_on="2026-03-15")
    session_with(
        session,
        a1,
        now,
        (p1, "tres_bien", [f"acquis:{D06}", f"a_revoir:{D07}"]),
        (p2, "bien", [f"acquis:{D06}"]),
        (p3, "difficile", [f"a_revoir:{D07}"]),
    )
    session_with(session, a2, now, (p1, "bien", [f"acquis:{D07}"]), (p2, "moyen", [f"a_revoir:{D07}"]))
    session_with(session, a3, now, (p1, "tres_bien", [f"acquis:{D07}"]))
    session_with(session, b1, now, (q1, "tres_bien", [f"acquis:{D06}"]))

    found = figures_ressenti.ressenti_figures(session, period=MARCH, filters=Filters())
    assert (found["answers"], found["sessions"], found["sessions_positive"]) == (6, 3, 2)
    assert found["positive_share"] == 67
    assert found["feelings"] == [("tres_bien", 2), ("bien", 2), ("moyen", 1), ("difficile", 1)]
    assert [(i["ref"], i["acquis"]) for i in found["acquired"]] == [(D06, 3), (D07, 1)]
    assert [(i["ref"], i["a_revoir"]) for i in found["to_review"]] == [(D07, 3)]

    only_a = figures_ressenti.ressenti_figures(session, period=MARCH, filters=Filters(issuer_ids=[a.id]))
    assert (only_a["sessions"], only_a["sessions_positive"]) == (2, 1)
    by_dept = figures_ressenti.ressenti_figures(session, period=MARCH, filters=Filters(department="93"))
    assert (by_dept["answers"], by_dept["positive_share"]) == (1, 100)
    by_type = figures_ressenti.ressenti_figures(session, period=MARCH, filters=Filters(pathway_type="long"))
    assert by_type["answers"] == 1
    by_profile = figures_ressenti.ressenti_figures(session, period=MARCH, filters=Filters(profile="initie"))
    assert (by_profile["answers"], by_profile["sessions"], by_profile["sessions_positive"]) == (2, 2, 1)
    by_category = figures_ressenti.ressenti_figures(
        session, period=MARCH, filters=Filters(category="professionnalisation")
    )
    assert by_category["answers"] == 0 and by_category["positive_share"] == 0

    body = figures_ressenti.csv_text(found)
    assert "Part des ateliers vécus positivement (%);67" in body
    assert "Parcours Découverte D-07" in body and "Réponses « Très bien »;2" in body
