"""Staff badge-class screens: list, detail, create, edit (a new revision), rule fields, errors, delete.

Every refused form answers 422 with what was typed and a French message per field, and writes nothing.
The image (drawn, uploaded, previewed) has its own tests: test_badge_class_images.py.
"""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from badges.models import BadgeClass, BadgeRevision, Credential
from badges.services.credentials import images
from badges.services.programme import rules
from badges.services.shared import profiles
from tests.factories import count_committed, make_badge_class
from tests.web.staff.conftest import post, text

NEW = "/staff/badge-classes/new"
FORM = {
    "name": "Ranger ses fichiers",
    "description": "Je sais créer un dossier et y ranger mes documents.",
    "level": "N2",
    "competencies": ["pix-crcn:1.3", "digcomp:1.3"],
}


def counts(session) -> tuple[int, int]:
    return count_committed(session, BadgeClass), count_committed(session, BadgeRevision)


def created(session, name: str = FORM["name"]) -> BadgeClass:
    session.rollback()
    return session.scalars(select(BadgeClass).where(BadgeClass.name == name)).one()


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def test_the_list_shows_the_tiers_lieu_s_classes_only(staff, world, session, now):
    make_badge_class(session, world.other_issuer, now, name="Badge d'ailleurs")
    session.commit()
    page = text(staff.get("/staff/badge-classes"))
    assert "Créer un modèle de badge" in page
    assert "Échanger par e-mail" in page and "N2 · Je fais seul, pas à pas" in page
    assert "Intermédiaire" in page and "Délivré à la main" in page
    assert "Badge d'ailleurs" not in page
    html = staff.get("/staff/badge-classes").get_data(as_text=True)
    assert f"/achievements/{world.award.badge_class.public_id}/image.png" in html


def test_the_detail_shows_texts_competences_revisions_and_no_delete_once_awarded(staff, world):
    badge = world.award.badge_class
    response = staff.get(f"/staff/badge-classes/{badge.public_id}")
    page = text(response)
    assert "Je sais envoyer un e-mail avec une pièce jointe." in page
    assert "Avoir envoyé seul un e-mail avec une pièce jointe en atelier." in page
    assert "Écrits par l’équipe." in page and "À la main : un membre de l’équipe le délivre." in page
    assert "2.1 · Interagir" in page and "Version 1" in page and "1 badge délivré" in page
    html = response.get_data(as_text=True)
    assert f'alt="Image du badge « {badge.name} »' in html
    assert f"/achievements/{badge.public_id}" in html
    assert "Modifier le modèle" in page and "Supprimer le modèle" not in page


def test_a_class_is_created_with_a_drawn_image_in_the_chosen_colour(staff, world, session):
    data = {
        **FORM,
        "palette": "violet",
        "profile": "initie",
        "tags": "fichiers, dossiers",
        "validity_days": "365",
    }
    response = post(staff, NEW, data)
    assert response.status_code == 303
    assert "Le modèle de badge est créé." in text(staff.get(response.headers["Location"]))
    badge = created(session)
    assert badge.issuer_id == world.issuer.id and badge.profile == "initie" and badge.validity_days == 365
    assert badge.tags == ["fichiers", "dossiers"] and not badge.image_uploaded
    assert badge.image_png == images.draw_badge(FORM["name"], "N2", "violet")
    assert badge.criteria_composed and badge.rule == []


def test_editing_an_awarded_class_publishes_a_new_revision_and_keeps_the_old_one(staff, world, session):
    badge = world.award.badge_class
    url = f"/staff/badge-classes/{badge.public_id}"
    form = staff.get(url + "/edit")
    assert "Les badges déjà délivrés gardent la version avec laquelle ils ont été signés." in text(form)
    assert "publie une nouvelle version (version 2)" in text(form)
    data = {
        **FORM,
        "name": "Échanger par e-mail (2026)",
        "description": badge.description,
        "competencies": ["pix-crcn:2.1", "digcomp:2.1"],
        "criteria_narrative": badge.criteria_narrative,
    }
    response = post(staff, url + "/edit", data)
    assert response.status_code == 303
    assert "version 2 publiée" in text(staff.get(response.headers["Location"]))
    session.rollback()
    revisions = session.scalars(select(BadgeRevision).order_by(BadgeRevision.number)).all()
    assert [(r.number, r.name) for r in revisions if r.badge_class_id == badge.id] == [
        (1, "Échanger par e-mail"),
        (2, "Échanger par e-mail (2026)"),
    ]
    issued = session.get(Credential, world.award.id)
    assert (
        issued is not None and issued.revision.number == 1 and issued.revision.name == "Échanger par e-mail"
    )
    page = text(staff.get(url))
    assert "Version 2" in page and "Version 1" in page and "0 badges délivrés" in page


def test_the_edit_form_shows_what_is_stored(staff, world, session, now):
    badge = make_badge_class(session, world.issuer, now, name="Coloré", palette="orange", tags=["a", "b"])
    session.commit()
    html = staff.get(f"/staff/badge-classes/{badge.public_id}/edit").get_data(as_text=True)
    assert 'value="Coloré"' in html and 'value="a, b"' in html
    assert '<option value="orange" selected>' in html
    assert 'id="champ-level-N2" name="level" value="N2" checked' in html


def test_rule_fields_become_the_stored_rule(staff, session):
    data = {**FORM, "rule_mode": "auto", "rule_competences": "yes", "rule_level": "N3", "rule_at_least": "1",
            "rule_ateliers": "3", "rule_hours": "6"}  # fmt: skip
    assert post(staff, NEW, data).status_code == 303
    badge = created(session)
    assert rules.to_json(session, badge.rule) == [
        {"type": "competences_acquired", "level": "N3", "at_least": 1},
        {"type": "min_attendance", "ateliers": 3, "hours": 6},
    ]
    assert "Avoir participé à au moins 3 ateliers et au moins 6 heures" in text(
        staff.get(f"/staff/badge-classes/{badge.public_id}")
    )
    form = staff.get(f"/staff/badge-classes/{badge.public_id}/edit").get_data(as_text=True)
    assert 'id="champ-rule_mode-auto" name="rule_mode" value="auto" checked' in form
    assert 'name="rule_at_least" value="1"' in form and 'name="rule_hours" value="6"' in form


def test_a_rule_on_some_competences_only_is_kept_while_they_stay_on_the_badge(staff, world, session, now):
    rule = [{"type": "competences_acquired", "competencies": ["digcomp:1.3"]}]
    badge = make_badge_class(session, world.issuer, now, **{**FORM, "rule": rule})
    session.commit()
    url = f"/staff/badge-classes/{badge.public_id}/edit"
    form = staff.get(url)
    assert 'name="rule_competencies" value="digcomp:1.3"' in form.get_data(as_text=True)
    assert "Cette condition ne porte que sur : digcomp:1.3." in text(form)
    kept = {**FORM, "rule_mode": "auto", "rule_competences": "yes", "rule_competencies": ["digcomp:1.3"]}
    assert post(staff, url, kept).status_code == 303
    assert rules.to_json(session, created(session).rule) == rule
    assert post(staff, url, {**kept, "competencies": ["pix-crcn:1.3"]}).status_code == 303
    assert created(session).rule == [{"type": "competences_acquired"}]


def test_going_back_to_awarded_by_hand_clears_the_rule(staff, session):
    post(staff, NEW, {**FORM, "rule_mode": "auto", "rule_competences": "yes"})
    badge = created(session)
    assert badge.rule == [{"type": "competences_acquired"}]
    edit = {**FORM, "rule_mode": "main", "rule_competences": "yes", "rule_level": "N4"}
    assert post(staff, f"/staff/badge-classes/{badge.public_id}/edit", edit).status_code == 303
    assert created(session).rule == []


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {"name": "", "description": "", "level": "", "competencies": []},
            [
                "Nom du badge : Ce champ est obligatoire.",
                "Description : Ce champ est obligatoire.",
                "Niveau : Choisissez le niveau du badge.",
                "Compétences reconnues : Cochez de 1 à 30 compétences reconnues par ce badge.",
            ],
        ),
        ({"competencies": ["pix-crcn:9.9"]}, ["Compétences inconnues : pix-crcn:9.9."]),
        (
            {
                "rule_mode": "auto",
                "rule_competences": "yes",
                "rule_at_least": "5",
                "rule_ateliers": "deux",
                "rule_hours": "99999",
                "rule_level": "N7",
            },
            [
                "Nombre de compétences : Nombre entier entre 1 et 2 attendu.",
                "Ateliers suivis : Nombre entier entre 1 et 500 attendu.",
                "Heures d’ateliers : Nombre entier entre 1 et 2000 attendu.",
                "Niveau à atteindre : Choisissez le niveau à atteindre dans la liste.",
            ],
        ),
        (
            {"rule_mode": "auto", "rule_competences": ""},
            ["Délivrance : Pour une délivrance automatique, cochez les compétences ou indiquez une"],
        ),
        ({"name": "Badge des exclus du numérique"}, [f"Nom du badge : {profiles.MESSAGE}"]),
        ({"description": "Pour les intermédiaires."}, [f"Description : {profiles.MESSAGE}"]),
        ({"tags": "initiés"}, [f"Mots-clés : {profiles.MESSAGE}"]),
        ({"validity_days": "0"}, ["Durée de validité : Nombre attendu entre 1 et 36500."]),
        ({"palette": "rose"}, ["Couleur : Choisissez une couleur dans la liste."]),
        ({"profile": "autre"}, ["Profil visé : Choisissez un profil dans la liste."]),
    ],
)
def test_a_wrong_form_says_what_to_fix_keeps_what_was_typed_and_writes_nothing(
    staff, session, changes, messages
):
    before = counts(session)
    response = post(staff, NEW, {**FORM, **changes})
    assert response.status_code == 422
    page = text(response)
    for message in messages:
        assert message in page
    assert counts(session) == before
    html = response.get_data(as_text=True)
    for name in ("name", "description", "tags", "rule_hours"):
        assert str(escape(changes.get(name, FORM.get(name, "")))) in html, name


def test_rule_errors_link_to_their_field(staff):
    data = {**FORM, "rule_mode": "auto", "rule_competences": "yes", "rule_at_least": "0"}
    html = post(staff, NEW, data).get_data(as_text=True)
    assert 'href="#champ-rule_at_least"' in html and 'id="champ-rule_at_least"' in html
    assert 'aria-describedby="aide-rule_at_least erreur-rule_at_least" aria-invalid="true"' in html


def test_another_tiers_lieu_s_class_is_not_found(as_role, world, session):
    other = as_role("other_staff")
    badge_id = world.award.badge_class.public_id
    for url in ("", "/edit", "/delete"):
        assert other.get(f"/staff/badge-classes/{badge_id}{url}").status_code == 404
    before = counts(session)
    assert post(other, f"/staff/badge-classes/{badge_id}/edit", FORM).status_code == 404
    assert post(other, f"/staff/badge-classes/{badge_id}/delete", {"confirm": "yes"}).status_code == 404
    assert counts(session) == before


def test_an_awarded_class_is_never_deleted(staff, world, session):
    url = f"/staff/badge-classes/{world.award.badge_class.public_id}/delete"
    page = staff.get(url)
    assert "il ne peut plus être supprimé" in text(page) and "Supprimer définitivement" not in text(page)
    before = counts(session)
    response = post(staff, url, {"confirm": "yes"})
    assert response.status_code == 409
    assert "Ce modèle a déjà été délivré : il ne peut plus être supprimé." in text(response)
    assert counts(session) == before


def test_an_unused_class_is_deleted_after_confirming(staff, world, session, now):
    badge = make_badge_class(session, world.issuer, now, name="Jamais délivré")
    session.commit()
    url = f"/staff/badge-classes/{badge.public_id}/delete"
    assert "Supprimer définitivement" in text(staff.get(url))
    unconfirmed = post(staff, url)
    assert unconfirmed.status_code == 422 and "Confirmez la suppression du modèle." in text(unconfirmed)
    response = post(staff, url, {"confirm": "yes"})
    assert response.status_code == 303
    assert "Le modèle de badge « Jamais délivré » est supprimé." in text(
        staff.get(response.headers["Location"])
    )
    session.rollback()
    assert session.scalars(select(BadgeClass).where(BadgeClass.name == "Jamais délivré")).first() is None


def test_a_form_without_its_csrf_token_is_refused(staff, session):
    before = counts(session)
    response = staff.post(NEW, data=FORM)
    assert response.status_code == 400
    assert counts(session) == before
