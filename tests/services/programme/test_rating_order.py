"""Ratings are recorded in order (issue 14): a *pendant* rating after the *après* one is refused, in French,
and nothing is stored (programme/rating_order.py)."""

from __future__ import annotations

import pytest

from badges.models import Evaluation
from badges.services.programme import evaluation
from badges.services.shared.errors import InvalidInput
from tests.factories import D06, D07, count, enrol, grid, issuing, make_atelier, make_pathway


def one(world, **data):
    return {"beneficiary": world.people[0].public_id, "competency": D06, "moment": "pendant",
            "method": "observation", "result": "N2", "atelier": world.atelier.public_id, **data}  # fmt: skip


def record(session, keyring, links, now, world, data):
    return evaluation.record(
        session, issuing(keyring, links, now), issuer=world.issuer, evaluator=world.staff, data=data
    )


def test_a_pendant_rating_after_the_apres_one_is_refused(session, keyring, links, now, world):
    record(session, keyring, links, now, world, one(world, moment="pendant", result="N1"))
    record(session, keyring, links, now, world, one(world, moment="apres", result="N2"))
    before = count(session, Evaluation)
    with pytest.raises(InvalidInput) as caught:
        record(session, keyring, links, now, world, one(world, moment="pendant"))
    assert caught.value.fields == {
        "moment": "Le bilan « après » de cette compétence est déjà noté pour cette personne : "
        "une note « pendant » ne peut plus être ajoutée."
    }
    assert count(session, Evaluation) == before
    # Another competence, another moment: still recorded.
    record(session, keyring, links, now, world, one(world, competency=D07))
    record(session, keyring, links, now, world, one(world, moment="apres", result="N3"))


def test_a_grid_names_each_cell_out_of_order_and_saves_none(session, keyring, links, now, world):
    awa, karim = world.people
    grid(session, keyring, links, now, world.atelier, world.staff, [(awa, D06, "N2")], moment="apres")
    before = count(session, Evaluation)
    with pytest.raises(InvalidInput) as caught:
        grid(session, keyring, links, now, world.atelier, world.staff, [(karim, D06, "N1"), (awa, D06, "N1")])
    assert caught.value.fields == {
        "results[1]": "Cellule Awa × D-06 : le bilan « après » est déjà noté : plus de note « pendant »."
    }
    assert count(session, Evaluation) == before


def test_another_pathway_has_its_own_order(session, keyring, links, now, world):
    awa = world.people[0]
    grid(session, keyring, links, now, world.atelier, world.staff, [(awa, D06, "N2")], moment="apres")
    other = make_pathway(session, world.issuer, now)
    enrol(session, other, now, awa)
    atelier = make_atelier(session, other, now)
    grid(session, keyring, links, now, atelier, world.staff, [(awa, D06, "N1")])
    assert count(session, Evaluation) == 2
