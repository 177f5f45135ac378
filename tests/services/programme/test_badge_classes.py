"""Badge classes: the achievement derived from competences, drawn images, rules, and revisions."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from badges.models import BadgeRevision
from badges.services.credentials import documents, images, issuance, revisions
from badges.services.openbadges import ob3
from badges.services.programme import badge_classes
from badges.services.shared import profiles
from badges.services.shared.errors import Conflict, InvalidInput
from tests.factories import make_badge_class, make_beneficiary, make_rule_badge_class

LD = {"Accept": "application/ld+json"}


def test_criteria_are_composed_from_the_rule_and_the_competences_when_not_given(session, issuer, now):
    badge = make_rule_badge_class(
        session, issuer, now, rule=[{"type": "competences_acquired", "at_least": 1}]
    )
    assert badge.criteria_composed
    lines = badge.criteria_narrative.splitlines()
    assert lines[0] == (
        "Avoir montré à un médiateur, au niveau N1 (Je découvre) ou plus, au moins 1 des 2 compétences "
        "suivantes (une auto-évaluation seule ne suffit pas)."
    )
    assert lines[2].startswith("- D-06 Créer une adresse e-mail : Crée une adresse e-mail avec l'aide")
    assert lines[3].startswith("- D-07 Lire et envoyer un e-mail simple : ")


def test_composed_criteria_follow_an_edit_and_a_given_narrative_is_kept(session, issuer, now):
    badge = make_rule_badge_class(session, issuer, now)
    badge_classes.update_badge_class(
        session, badge=badge, data={"competencies": ["parcours-decouverte:D-08"]}, now=now
    )
    assert "- D-08 Créer et garder un mot de passe" in badge.criteria_narrative
    badge_classes.update_badge_class(
        session, badge=badge, data={"criteria_narrative": "Texte libre."}, now=now
    )
    badge_classes.update_badge_class(session, badge=badge, data={"level": "N2"}, now=now)
    assert badge.criteria_narrative == "Texte libre." and not badge.criteria_composed


def test_profile_competences_align_to_their_page_and_to_the_pix_and_digcomp_they_map_to(
    session, issuer, links, now
):
    badge = make_rule_badge_class(session, issuer, now, competencies=("parcours-decouverte:D-06",))
    data = documents.revision_data(revisions.latest_of(badge), links)
    assert [(a.framework, a.code) for a in data.alignments] == [
        ("Parcours Découverte : premiers pas numériques", "D-06"),
        ("Pix / CRCN", "2.1"),
        ("DigComp 2.2", "2.1"),
        ("Pix / CRCN", "4.1"),
        ("DigComp 2.2", "2.6"),
    ]
    assert data.alignments[0].url == links.competency("parcours-decouverte", "D-06")
    assert data.alignments[0].description.startswith("Je crée ma boîte mail.")


def test_the_achievement_is_french_with_the_level_scale(session, issuer, links, now):
    badge = make_badge_class(session, issuer, now, tags=["e-mail"])
    achievement = ob3.achievement(documents.revision_data(revisions.latest_of(badge), links))
    assert achievement["inLanguage"] == "fr"
    assert achievement["tag"] == ["e-mail"]
    (levels,) = achievement["resultDescription"]
    assert levels["requiredLevel"] == achievement["id"] + "#niveau-N2"
    assert [(r["name"], r["level"]) for r in levels["rubricCriterionLevel"]] == [
        ("N1 : Je découvre", "N1"),
        ("N2 : Je fais seul, pas à pas", "N2"),
        ("N3 : Je me débrouille", "N3"),
        ("N4 : J'aide les autres", "N4"),
    ]


def test_drawn_images_take_the_colour_of_the_profile_family(session, issuer, now):
    first = make_badge_class(session, issuer, now, name="Écrire un e-mail", profile="exclu")
    second = make_badge_class(session, issuer, now, name="Écrire un e-mail", profile="initie")
    assert first.image_png == images.draw_badge("Écrire un e-mail", "N2", "vert")
    assert second.image_png == images.draw_badge("Écrire un e-mail", "N2", "violet")
    with Image.open(io.BytesIO(first.image_png)) as image:
        assert image.format == "PNG" and image.size == (600, 600)


def _png(colour: str, size: tuple[int, int] = (40, 20)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_an_uploaded_image_is_normalised_and_kept_on_later_edits(session, issuer, now):
    badge = make_badge_class(session, issuer, now, image=_png("red"))
    assert badge.image_uploaded
    with Image.open(io.BytesIO(badge.image_png)) as image:
        assert image.size == (600, 600)
    uploaded = badge.image_png
    badge_classes.update_badge_class(session, badge=badge, data={"name": "Nouveau nom"}, now=now)
    assert badge.image_png == uploaded


def test_image_null_drops_the_upload_for_a_drawn_image(session, issuer, now):
    badge = make_badge_class(session, issuer, now, image=_png("red"))
    uploaded = badge.image_png
    badge_classes.update_badge_class(session, badge=badge, data={"image": None}, now=now)
    assert not badge.image_uploaded and badge.image_png != uploaded
    assert badge.image_png == images.draw_badge(badge.name, badge.level, profiles.palette_for(badge.profile))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("pas du base64 !", "base64"),
        (base64.b64encode(b"GIF89a....").decode(), "PNG et JPEG"),
        (12, "base64"),
    ],
)
def test_a_bad_upload_is_refused_on_the_image_field(session, issuer, now, image, message):
    with pytest.raises(InvalidInput) as caught:
        make_badge_class(session, issuer, now, image=image)
    assert message in caught.value.fields["image"]


def test_a_bad_rule_is_refused_when_the_class_is_made(session, issuer, now):
    """Rule parsing itself is tested in test_rules.py; here, that making a class goes through it."""
    with pytest.raises(InvalidInput) as caught:
        make_rule_badge_class(session, issuer, now, rule=[{"type": "min_attendance", "ateliers": 0}])
    assert caught.value.fields == {"rule[0].ateliers": "Nombre entier entre 1 et 500 attendu."}


@pytest.mark.parametrize("field", ["name", "description", "criteria_narrative"])
def test_profile_labels_are_refused_in_public_texts(session, issuer, now, field):
    with pytest.raises(InvalidInput) as caught:
        make_badge_class(session, issuer, now, **{field: "Pour les publics exclus du numérique"})
    assert "libellés internes" in caught.value.fields[field]


def test_tags_may_not_carry_a_profile_label(session, issuer, now):
    with pytest.raises(InvalidInput) as caught:
        make_badge_class(session, issuer, now, tags=["initié"])
    assert "tags" in caught.value.fields


def test_edit_before_any_award_updates_the_published_revision_in_place(session, issuer, now):
    badge = make_badge_class(session, issuer, now)
    badge_classes.update_badge_class(session, badge=badge, data={"name": "Envoyer un e-mail"}, now=now)
    (revision,) = badge.revisions
    assert revision.public_id == badge.public_id and revision.name == "Envoyer un e-mail"


def test_edit_after_an_award_publishes_a_new_revision_and_leaves_the_first_one(
    session, issuer, keyring, links, now
):
    badge = make_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now)
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    badge_classes.update_badge_class(
        session, badge=badge, data={"name": "Envoyer un e-mail", "level": "N3"}, now=now
    )
    first, second = badge.revisions
    assert (first.number, first.name, first.level) == (1, "Échanger par e-mail", "N2")
    assert (second.number, second.name, second.level) == (2, "Envoyer un e-mail", "N3")
    assert second.public_id != first.public_id
    assert credential.revision is first
    later = issuance.award(
        session,
        keyring,
        badge_class=badge,
        beneficiary=make_beneficiary(session, issuer, now),
        links=links,
        now=now,
    )
    assert later.revision is second
    assert json.loads(later.ob2_assertion)["badge"] == links.ob2_badge(second.public_id)


def test_earlier_assertion_links_resolve_to_the_same_documents_after_an_edit(
    client, session, keyring, links, now, issuer
):
    badge = make_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now)
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    session.commit()
    assertion = client.get(urlsplit(links.ob2_assertion(credential.public_id)).path, headers=LD).json
    badge_path = urlsplit(assertion["badge"]).path
    achievement_id = json.loads(credential.ob3_credential)["credentialSubject"]["achievement"]["id"]
    before = client.get(badge_path, headers=LD).get_data()
    achievement_before = client.get(urlsplit(achievement_id).path, headers=LD).get_data()
    image_before = client.get(urlsplit(json.loads(before)["image"]).path).get_data()

    badge_classes.update_badge_class(
        session,
        badge=badge,
        data={"name": "Nouveau nom", "description": "Autre texte.", "level": "N4"},
        now=now,
    )
    session.commit()

    assert client.get(badge_path, headers=LD).get_data() == before
    assert client.get(urlsplit(achievement_id).path, headers=LD).get_data() == achievement_before
    assert client.get(urlsplit(json.loads(before)["image"]).path).get_data() == image_before
    assert json.loads(before)["name"] == "Échanger par e-mail"
    newest = revisions.latest_of(badge)
    assert (
        client.get(urlsplit(links.ob2_badge(newest.public_id)).path, headers=LD).json["name"] == "Nouveau nom"
    )


def test_a_class_never_awarded_can_be_deleted_an_awarded_one_cannot(session, issuer, keyring, links, now):
    unused = make_badge_class(session, issuer, now)
    badge_classes.delete_badge_class(session, badge=unused)
    session.flush()
    assert session.scalar(select(func.count(BadgeRevision.id))) == 0
    used = make_badge_class(session, issuer, now)
    issuance.award(
        session,
        keyring,
        badge_class=used,
        beneficiary=make_beneficiary(session, issuer, now),
        links=links,
        now=now,
    )
    with pytest.raises(Conflict):
        badge_classes.delete_badge_class(session, badge=used)


def test_unknown_fields_cannot_be_edited(session, issuer, now):
    badge = make_badge_class(session, issuer, now)
    with pytest.raises(InvalidInput) as caught:
        badge_classes.update_badge_class(session, badge=badge, data={"issuer": "autre"}, now=now)
    assert caught.value.fields == {"issuer": "Ce champ ne peut pas être modifié."}


def test_changing_competences_rechecks_a_rule_that_names_them(session, issuer, now):
    rule = [{"type": "competences_acquired", "competencies": ["parcours-decouverte:D-06"]}]
    badge = make_rule_badge_class(session, issuer, now, rule=rule)
    with pytest.raises(InvalidInput) as caught:
        badge_classes.update_badge_class(
            session, badge=badge, data={"competencies": ["parcours-decouverte:D-07"]}, now=now
        )
    assert caught.value.fields == {
        "rule[0].competencies": "Les compétences de la règle sont celles du badge."
    }
