"""A pathway's budget (issue 14): the programme's default by type, editable, validated."""

from __future__ import annotations

import pytest

from badges.models import Pathway
from badges.services.programme import pathways
from badges.services.shared.errors import InvalidInput
from tests.factories import count

PATHWAY = {
    "title": "Numérique et emploi",
    "type": "long",
    "category": "professionnalisation",
    "start_date": "2026-03-01",
    "end_date": "2026-06-30",
}


@pytest.mark.parametrize(("kind", "euros"), [("court", 5000), ("long", 10000), ("long_augmente", 15000)])
def test_a_new_pathway_gets_the_budget_of_its_type(session, issuer, now, kind, euros):
    for budget in (None, ""):
        data = {**PATHWAY, "type": kind} if budget is None else {**PATHWAY, "type": kind, "budget": budget}
        assert pathways.create_pathway(session, issuer=issuer, data=data, now=now).budget_euros == euros


@pytest.mark.parametrize(
    ("typed", "euros"), [(12500, 12500), ("12 500", 12500), ("12\u202f500 €", 12500), ("0", 0)]
)
def test_a_budget_is_whole_euros_as_people_type_them(session, issuer, now, typed, euros):
    found = pathways.create_pathway(session, issuer=issuer, data={**PATHWAY, "budget": typed}, now=now)
    assert found.budget_euros == euros


@pytest.mark.parametrize("typed", ["-5", "12,5", "dix mille", "1000001", 12.5, True, [1], "12.500"])
def test_a_wrong_budget_is_refused_in_french_and_nothing_is_stored(session, issuer, now, typed):
    with pytest.raises(InvalidInput) as caught:
        pathways.create_pathway(session, issuer=issuer, data={**PATHWAY, "budget": typed}, now=now)
    assert set(caught.value.fields) == {"budget"}
    assert "nombre entier de 0 à 1 000 000" in caught.value.fields["budget"]
    assert count(session, Pathway) == 0


def test_an_edit_keeps_the_budget_unless_it_is_given(session, issuer, now):
    pathway = pathways.create_pathway(session, issuer=issuer, data={**PATHWAY, "budget": "8000"}, now=now)
    pathways.update_pathway(session, pathway=pathway, data={"type": "long_augmente"})
    assert pathway.budget_euros == 8000  # changing the type does not overwrite an edited budget
    pathways.update_pathway(session, pathway=pathway, data={"budget": 9000})
    assert pathway.budget_euros == 9000
    pathways.update_pathway(session, pathway=pathway, data={"budget": ""})
    assert pathway.budget_euros == 15000  # left empty: the programme's amount for its type
    with pytest.raises(InvalidInput):
        pathways.update_pathway(session, pathway=pathway, data={"budget": "-1"})
