"""The internal profile labels never reach anything public: documents, pages, badges, URLs, images."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from badges.models import BadgeRevision, Credential, Framework
from badges.services.credentials import images, revisions
from badges.services.programme import badge_classes, framework_io
from badges.services.shared import profiles
from tests.factories import (
    enrol,
    grid,
    make_atelier,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
    make_staff,
)

HTML = {"Accept": "text/html"}
LD = {"Accept": "application/ld+json"}
# Ids and labels as in docs/domain.md#D-profiles and docs/domain.md#D-frameworks-data, compared
# case-insensitively.
RAW = (
    "exclu",
    "intermediaire",
    "intermédiaire",
    "initie",
    "initié",
    "femmes_non_francophones",
    "metiers_manuels",
    "exclu.appareil",
    "inter.emploi",
    "initie.emploi",
)
PROFILE_FRAMEWORKS = {"parcours-decouverte", "parcours-pas-a-pas", "parcours-autonomie"}
SHIPPED = PROFILE_FRAMEWORKS | {"pix-crcn", "digcomp"}


@pytest.mark.parametrize(
    "text",
    [
        "exclu",
        "Exclue du numérique",
        "publics EXCLUS",
        "intermédiaire",
        "Initiés",
        "initiée",
        "femmes non francophones",
        "metiers_manuels",
        "inter.emploi.cv_modele",
        "exclu.appareil.allumer",
    ],
)
def test_labels_and_ids_are_found_whatever_the_case_and_accents(text):
    assert profiles.find_label(f"Badge « {text} » du tiers-lieu") is not None


@pytest.mark.parametrize(
    "text", ["exclusivement", "Internet", "initiative", "initial", "interagir", "exclure"]
)
def test_ordinary_words_are_not_mistaken_for_labels(text):
    assert profiles.find_label(text) is None


def assert_clean(text: str, where: str) -> None:
    assert profiles.find_label(text) is None, (where, profiles.find_label(text))
    lowered = text.lower()
    for raw in RAW:
        # Word-bounded: "exclu" must not match inside "exclusivement" (there is none anyway).
        assert f'"{raw}' not in lowered and f" {raw} " not in lowered and f"/{raw}" not in lowered, (
            where,
            raw,
        )


@pytest.fixture
def published(session, keyring, links, now):
    """One class per profile framework, awarded by its rules; then one class edited after issuance."""
    issuer = make_issuer(session, keyring, links, now)
    staff, _ = make_staff(session, issuer, now)
    pathway = make_pathway(session, issuer, now)
    credentials = []
    for profile, slug, codes, level in [
        ("exclu", "parcours-decouverte", ("D-06", "D-07"), "N1"),
        ("intermediaire", "parcours-pas-a-pas", ("P-01", "P-03"), "N2"),
        ("initie", "parcours-autonomie", ("A-02", "A-08"), "N3"),
    ]:
        refs = tuple(f"{slug}:{code}" for code in codes)
        make_rule_badge_class(
            session, issuer, now, competencies=refs, level=level, profile=profile, name=f"Badge {slug}"
        )
        atelier = make_atelier(session, pathway, now, competencies=list(refs), title=f"Atelier {codes[0]}")
        person = make_beneficiary(session, issuer, now, profile=profile, show_name_in_badges=True)
        enrol(session, pathway, now, person)
        credentials += grid(session, keyring, links, now, atelier, staff, [(person, r, level) for r in refs])[
            1
        ].issued
    badge = credentials[0].badge_class
    badge_classes.update_badge_class(session, badge=badge, data={"name": "Premiers e-mails"}, now=now)
    session.commit()
    assert len(credentials) == 3
    return {"issuer": issuer, "credentials": credentials}


def test_no_public_document_or_page_and_no_issued_credential_carries_a_profile_label(
    client, session, links, published
):
    issuer = published["issuer"]
    urls = [
        links.issuer(issuer.slug),
        links.ob2_issuer(issuer.slug),
        links.ob2_revocations(issuer.slug),
        links.jwks(issuer.slug),
        links.status_list(issuer.slug, 1),
        links.base + "/",
    ]
    stored = session.scalars(select(Credential)).all()
    published_revisions = session.scalars(select(BadgeRevision)).all()
    frameworks = session.scalars(select(Framework)).all()
    # Three awards, three classes of which one was edited after issuance, five shipped frameworks:
    # a loop over nothing would check nothing.
    assert (len(stored), len(published_revisions), len(frameworks)) == (3, 4, len(SHIPPED))
    for credential in stored:
        assert_clean(credential.ob2_assertion, "stored OB 2.0 assertion")
        assert_clean(credential.ob3_credential, "stored OB 3.0 credential")
        urls += [links.credential_page(credential.public_id), links.ob2_assertion(credential.public_id)]
    for revision in published_revisions:
        urls += [links.achievement(revision.public_id), links.ob2_badge(revision.public_id)]
    for framework in frameworks:
        urls.append(links.framework(framework.slug))
        assert_clean(framework.slug, "framework slug")
    checked = 0
    for url in urls:
        assert_clean(url, "URL")
        for headers in (LD, HTML):
            response = client.get(urlsplit(url).path, headers=headers)
            if response.status_code == 302:
                continue
            assert response.status_code == 200, url
            assert_clean(response.get_data(as_text=True), url)
            checked += 1
    assert checked > 30


def test_public_framework_pages_leave_out_the_internal_profile(client, session, links, published):
    profile_frameworks = session.scalars(select(Framework).where(Framework.kind == "profile")).all()
    assert {f.slug for f in profile_frameworks} == PROFILE_FRAMEWORKS
    for framework in profile_frameworks:
        page = client.get(
            urlsplit(links.framework(framework.slug)).path, headers={"Accept": "application/json"}
        )
        assert "profile" not in page.json
        assert framework.profile and framework.profile not in page.get_data(as_text=True)


def test_badge_images_are_drawn_from_title_and_level_only(session, published):
    for credential in published["credentials"]:
        badge = credential.badge_class
        revision = revisions.latest_of(badge)
        assert revision.image_png == images.draw_badge(
            badge.name, badge.level, profiles.palette_for(badge.profile)
        )


def test_every_shipped_framework_text_is_free_of_labels(session):
    framework_io.load_defaults(session)
    shipped = session.scalars(select(Framework)).all()
    assert {f.slug for f in shipped} == SHIPPED
    for framework in shipped:
        texts = [framework.slug, framework.name, framework.description]
        for competency in framework.competencies:
            texts += [competency.code, competency.title, competency.area, competency.falc_description]
            texts += competency.criteria
        assert framework.competencies, framework.slug
        for text in texts:
            assert_clean(text or "", framework.slug)


def test_evidence_and_alignments_of_issued_credentials_are_neutral(published):
    for credential in published["credentials"]:
        document = json.loads(credential.ob3_credential)
        alignments = document["credentialSubject"]["achievement"]["alignment"]
        assert alignments and document["evidence"], credential.public_id
        assert {urlsplit(a["targetUrl"]).path.split("/")[2] for a in alignments} <= {
            "parcours-decouverte",
            "parcours-pas-a-pas",
            "parcours-autonomie",
            "pix-crcn",
            "digcomp",
        }
        for item in document["evidence"]:
            assert_clean(item["narrative"], "evidence")
