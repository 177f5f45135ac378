"""The badge-class form makes a pathway badge (badge de parcours): pathway, component badges, how many,
attendance; only the tiers-lieu's own pathway and badges; a French message per field; nothing written."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from badges.models import BadgeClass, PathwayBadge
from tests.factories import count_committed, make_badge_class, make_pathway
from tests.web.staff.conftest import post, text

NEW = "/staff/badge-classes/new"


def form(world, **fields):
    return {
        "name": "Parcours découverte complet",
        "description": "J'ai suivi tout le parcours découverte.",
        "level": "N1",
        "competencies": ["pix-crcn:2.1"],
        "rule_mode": "pathway",
        "path_pathway": world.pathway_id,
        "path_components": [world.award.badge_class.public_id],
        **fields,
    }


def test_staff_make_a_pathway_badge_and_see_its_rule_again(staff, world, session):
    response = post(staff, NEW, form(world, path_ateliers="3", path_hours="6"))
    assert response.status_code == 303
    session.rollback()
    badge = session.scalars(select(BadgeClass).where(BadgeClass.name == "Parcours découverte complet")).one()
    rule = session.get(PathwayBadge, badge.id)
    assert [c.public_id for c in rule.components] == [world.award.badge_class.public_id]
    assert (rule.at_least, rule.min_ateliers, rule.min_hours) == (None, 3, 6)
    assert badge.revisions[-1].pathway["components"][0]["name"] == world.award.badge_class.name
    page = staff.get(f"/staff/badge-classes/{badge.public_id}/edit").get_data(as_text=True)
    assert 'id="champ-rule_mode-pathway" name="rule_mode" value="pathway" checked' in page
    assert f'value="{world.award.badge_class.public_id}" checked' in page
    assert 'name="path_ateliers" value="3"' in page
    # Back to a badge given by hand: it is no longer a pathway badge.
    edit = {**form(world), "rule_mode": "main"}
    assert post(staff, f"/staff/badge-classes/{badge.public_id}/edit", edit).status_code == 303
    session.rollback()
    assert session.get(PathwayBadge, badge.id) is None


def test_another_tiers_lieus_pathway_or_badge_is_refused_and_nothing_is_written(staff, world, session, now):
    foreign = make_badge_class(session, world.other_issuer, now, name="Badge d'ailleurs")
    elsewhere = make_pathway(session, world.other_issuer, now)
    session.commit()
    before = count_committed(session, BadgeClass), count_committed(session, PathwayBadge)
    data = form(world, path_pathway=elsewhere.public_id, path_components=[foreign.public_id])
    response = post(staff, NEW, data)
    assert response.status_code == 422
    page = text(response)
    assert "Choisissez un parcours de ce tiers-lieu." in page
    assert "Cochez de 1 à 30 badges de ce tiers-lieu qui composent le parcours." in page
    assert "Badge d'ailleurs" not in page  # never offered either
    assert 'value="Parcours découverte complet"' in response.get_data(as_text=True)  # kept as typed
    assert (count_committed(session, BadgeClass), count_committed(session, PathwayBadge)) == before


def test_each_bad_number_has_its_own_message(staff, world, session):
    response = post(staff, NEW, form(world, path_at_least="2", path_hours="beaucoup"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert str(escape("dépasse le nombre de badges cochés (1)")) in page
    assert 'id="erreur-path_at_least"' in page and 'id="erreur-path_hours"' in page
    assert 'name="path_hours" value="beaucoup"' in page
    assert count_committed(session, PathwayBadge) == 0


def test_no_component_checked_is_refused(staff, world):
    response = post(staff, NEW, form(world, path_components=[]))
    assert response.status_code == 422
    assert 'id="erreur-path_components"' in response.get_data(as_text=True)


def test_a_component_cannot_be_deleted_from_under_its_pathway_badge(staff, world, session, now):
    component = make_badge_class(session, world.issuer, now, name="Naviguer")
    session.commit()
    assert post(staff, NEW, form(world, path_components=[component.public_id])).status_code == 303
    response = post(staff, f"/staff/badge-classes/{component.public_id}/delete", {"confirm": "yes"})
    assert response.status_code == 409
    assert "Ce badge compose un badge de parcours" in text(response)
    session.rollback()
    assert session.scalars(select(BadgeClass).where(BadgeClass.name == "Naviguer")).one()


def test_the_list_and_the_detail_say_it_is_a_pathway_badge(staff, world, session):
    assert post(staff, NEW, form(world)).status_code == 303
    page = text(staff.get("/staff/badge-classes"))
    assert "Badge de parcours « " in page and f"obtenir le badge {world.award.badge_class.name}." in page


def test_a_class_shared_with_the_network_cannot_become_a_pathway_badge(staff, world, session, now):
    shared = make_badge_class(session, world.issuer, now, name="Badge partagé")
    shared.shared_at = now
    session.commit()
    response = post(staff, f"/staff/badge-classes/{shared.public_id}/edit", form(world, name="Badge partagé"))
    assert response.status_code == 422
    assert 'id="erreur-rule_mode"' in response.get_data(as_text=True)
    assert "Ce badge est partagé avec le réseau : arrêtez de le partager" in text(response)
    assert count_committed(session, PathwayBadge) == 0
