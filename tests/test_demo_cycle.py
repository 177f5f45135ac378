"""`badges demo` shows the whole cycle: a pathway, ateliers, a filled grid, ressenti, an outcome, badges."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from badges.models import (
    Atelier,
    Attendance,
    Credential,
    Evaluation,
    Pathway,
    PathwayOutcome,
    ResourceActor,
    Ressenti,
    RessentiItem,
)
from badges.services import verification
from badges.services.programme import demo_cycle
from badges.services.verification.sources import LocalSource
from tests.web.staff.conftest import post

PASSWORD = "une phrase de passe pour la démo"
COUNTED = (
    Pathway,
    Atelier,
    Attendance,
    Evaluation,
    Ressenti,
    RessentiItem,
    PathwayOutcome,
    ResourceActor,
    Credential,
)


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


@pytest.fixture
def info(runner, now):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_demo_creates_the_whole_cycle_once(runner, session, info, now):
    found = counts(session)
    assert found["Pathway"] == 1 and found["Atelier"] == len(demo_cycle.ATELIERS)
    assert found["Attendance"] == len(demo_cycle.ATELIERS) * len(demo_cycle.LEVELS)
    assert found["Ressenti"] > 0 and found["PathwayOutcome"] == 1 and found["ResourceActor"] == 1
    moments = set(session.scalars(select(Evaluation.moment)))
    assert moments == {"avant", "pendant", "apres"}
    kinds = set(session.scalars(select(RessentiItem.kind)))
    assert "a_revoir" in kinds
    outcome = session.scalars(select(PathwayOutcome)).one()
    assert outcome.orientations and outcome.orientations[0].name == demo_cycle.ACTOR_NAME
    pathway = session.scalars(select(Pathway)).one()
    assert pathway.agency is not None and pathway.start_date < now.date()
    assert set(info["beneficiaries"]) == set(demo_cycle.LEVELS)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert counts(session) == found
    assert json.loads(again.stdout)["pathway"] == info["pathway"]


def test_the_rules_issued_signed_badges_that_verify(session, links, info, now):
    issued = list(session.scalars(select(Credential)))
    # Awa, Karim, Sofia and Lucien reach N2 after the pathway; the others stay at N1.
    assert sorted(c.beneficiary.display_name for c in issued) == ["Awa", "Karim", "Lucien", "Sofia"]
    for credential in issued:
        report = verification.verify_value(
            json.loads(credential.ob3_credential), source=LocalSource(session, links), now=now
        )
        assert report.valid, report.to_dict()


def test_the_printed_sign_in_opens_every_screen_with_data(client, info, links):
    link = urlsplit(info["staff_sign_in"]).path
    chosen = post(client, link, {"password": PASSWORD, "confirm": PASSWORD})
    assert chosen.status_code == 303 and client.get("/staff/").status_code == 200
    assert info["pathway"].startswith(links.base + "/staff/pathways/")
    page = client.get(urlsplit(info["pathway"]).path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and demo_cycle.PATHWAY_TITLE in text
    assert "Bilan : ce que je sais faire" in text


def test_the_atelier_page_shows_the_groups_ressenti(client, session, info):
    chosen = post(client, urlsplit(info["staff_sign_in"]).path, {"password": PASSWORD, "confirm": PASSWORD})
    assert chosen.status_code == 303
    atelier = session.scalars(select(Atelier).where(Atelier.title == "Mes e-mails")).one()
    page = client.get(f"/staff/ateliers/{atelier.public_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "J&#39;aimerais refaire cet exercice." in text or "J'aimerais refaire cet exercice." in text


def test_the_figures_page_shows_the_demo(client, info):
    chosen = post(client, urlsplit(info["staff_sign_in"]).path, {"password": PASSWORD, "confirm": PASSWORD})
    assert chosen.status_code == 303
    assert client.get("/staff/figures").status_code == 200
    page = client.get("/staff/figures.csv")
    assert page.status_code == 200
    rows = [line.split(";") for line in page.get_data(as_text=True).splitlines()]
    header = next(row for row in rows if row[0] == "Regroupement")
    total = dict(zip(header, next(row for row in rows if row[0] == "Total"), strict=True))
    assert total["Bénéficiaires accompagnés"] == "7" and total["Ateliers de médiation"] == "4"
    assert total["Badges délivrés"] == "4" and total["Parcours"] == "1"
    assert ["Ateliers avec des réponses", "4"] in rows
