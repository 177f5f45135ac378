"""Issuance rules: parsing each rule kind, when each holds (boundary levels, attendance), their texts."""

from __future__ import annotations

import pytest

from badges.services.programme import rules
from badges.services.shared.errors import InvalidInput
from tests.factories import make_rule_badge_class

D06, D07, D08 = "parcours-decouverte:D-06", "parcours-decouverte:D-07", "parcours-decouverte:D-08"


@pytest.fixture
def badge(session, issuer, now):
    """A level N2 class on D-06 and D-07, its rule set by each test through rules.parse."""
    return make_rule_badge_class(session, issuer, now, level="N2")


def with_rule(session, badge, raw):
    badge.rule = rules.parse(session, raw, class_competencies=list(badge.competencies))
    return badge


def staff_levels(badge, *results):
    """Facts where the class's competences, in order, have these latest staff results (None: never)."""
    ids = [c.id for c in badge.competencies]
    return {cid: result for cid, result in zip(ids, results, strict=True) if result is not None}


def ids_of(badge, *refs):
    by_ref = {c.ref: c.id for c in badge.competencies}
    return sorted(by_ref[ref] for ref in refs)


@pytest.mark.parametrize(
    ("level", "position"), [(None, 0), ("", 0), ("N0", 0), ("N1", 1), ("N2", 2), ("N3", 3), ("N4", 4)]
)
def test_rank_places_a_level_on_the_local_scale(level, position):
    assert rules.rank(level) == position


def test_no_rule_means_awarded_by_hand_only(session, badge):
    assert rules.parse(session, None, class_competencies=list(badge.competencies)) == []
    assert rules.parse(session, [], class_competencies=list(badge.competencies)) == []
    badge.rule = []
    assert not rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, "N4", "N4"), ateliers=99))
    assert rules.describe(badge) == []


def test_parse_stores_competence_ids_and_to_json_names_them_again(session, badge):
    raw = [
        {"type": "competences_acquired", "level": "N3", "competencies": [D07, D06], "at_least": 1},
        {"type": "min_attendance", "ateliers": 3, "hours": 6},
    ]
    parsed = rules.parse(session, raw, class_competencies=list(badge.competencies))
    assert parsed == [
        {
            "type": "competences_acquired",
            "level": "N3",
            "competencies": ids_of(badge, D06, D07),
            "at_least": 1,
        },
        {"type": "min_attendance", "ateliers": 3, "hours": 6},
    ]
    assert rules.to_json(session, parsed) == [
        {"type": "competences_acquired", "level": "N3", "competencies": [D06, D07], "at_least": 1},
        {"type": "min_attendance", "ateliers": 3, "hours": 6},
    ]


AT_LEAST_RANGE = "Nombre entier entre 1 et 2 attendu."
KINDS = "Type de règle attendu : competences_acquired, min_attendance."


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ("competences_acquired", {"rule": "Liste de 5 règles au plus attendue."}),
        ([{"type": "min_attendance", "ateliers": 1}] * 6, {"rule": "Liste de 5 règles au plus attendue."}),
        ([{"type": "inconnue"}], {"rule[0]": KINDS}),
        (["competences_acquired"], {"rule[0]": KINDS}),
        (
            [{"type": "competences_acquired", "level": "N9"}],
            {"rule[0].level": "Valeur attendue : N1, N2, N3, N4."},
        ),
        (
            [{"type": "competences_acquired", "competencies": ["pix-crcn:1.1"]}],
            {"rule[0].competencies": "Les compétences de la règle sont celles du badge."},
        ),
        (
            [{"type": "competences_acquired", "competencies": ["inconnu:1"]}],
            {"rule[0].competencies": "Liste de 1 à 30 compétences connues attendue."},
        ),
        (
            [{"type": "competences_acquired", "competencies": []}],
            {"rule[0].competencies": "Liste de 1 à 30 compétences connues attendue."},
        ),
        ([{"type": "competences_acquired", "at_least": 3}], {"rule[0].at_least": AT_LEAST_RANGE}),
        ([{"type": "competences_acquired", "at_least": 0}], {"rule[0].at_least": AT_LEAST_RANGE}),
        ([{"type": "competences_acquired", "at_least": True}], {"rule[0].at_least": AT_LEAST_RANGE}),
        (
            [{"type": "competences_acquired", "competencies": [D06], "at_least": 2}],
            {"rule[0].at_least": "Nombre entier entre 1 et 1 attendu."},
        ),
        (
            [{"type": "competences_acquired", "niveau": "N1"}],
            {"rule[0].niveau": "Paramètre inconnu pour cette règle."},
        ),
        (
            [{"type": "min_attendance"}],
            {"rule[0]": "Indiquez « ateliers » (nombre d'ateliers) ou « hours » (heures)."},
        ),
        (
            [{"type": "min_attendance", "ateliers": 0}],
            {"rule[0].ateliers": "Nombre entier entre 1 et 500 attendu."},
        ),
        (
            [{"type": "min_attendance", "hours": 2001}],
            {"rule[0].hours": "Nombre entier entre 1 et 2000 attendu."},
        ),
        (
            [{"type": "min_attendance", "ateliers": "3"}],
            {"rule[0].ateliers": "Nombre entier entre 1 et 500 attendu."},
        ),
    ],
)
def test_bad_rules_are_refused_with_the_part_named(session, badge, raw, errors):
    with pytest.raises(InvalidInput) as caught:
        rules.parse(session, raw, class_competencies=list(badge.competencies))
    assert caught.value.fields == errors


def test_every_bad_rule_is_named_at_once(session, badge):
    raw = [{"type": "inconnue"}, {"type": "min_attendance", "ateliers": 1}, {"type": "min_attendance"}]
    with pytest.raises(InvalidInput) as caught:
        rules.parse(session, raw, class_competencies=list(badge.competencies))
    assert set(caught.value.fields) == {"rule[0]", "rule[2]"}


@pytest.mark.parametrize(
    ("results", "holds"),
    [
        (("N2", "N2"), True),  # exactly the class's level
        (("N4", "N3"), True),  # above it
        (("N2", "N1"), False),  # one level below on one competence
        (("N2", None), False),  # one competence never evaluated by staff
        ((None, None), False),
    ],
)
def test_competences_acquired_needs_every_competence_at_the_class_level(session, badge, results, holds):
    with_rule(session, badge, [{"type": "competences_acquired"}])
    assert rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, *results))) is holds


@pytest.mark.parametrize(("results", "holds"), [(("N3", "N1"), True), (("N2", "N2"), False)])
def test_the_rule_level_overrides_the_class_level(session, badge, results, holds):
    with_rule(session, badge, [{"type": "competences_acquired", "level": "N3", "at_least": 1}])
    assert rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, *results))) is holds


@pytest.mark.parametrize(
    ("results", "holds"), [(("N2", None), True), ((None, "N2"), True), (("N1", "N1"), False)]
)
def test_at_least_counts_any_of_the_competences(session, badge, results, holds):
    with_rule(session, badge, [{"type": "competences_acquired", "at_least": 1}])
    assert rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, *results))) is holds


def test_a_rule_naming_some_competences_reads_only_those(session, badge):
    with_rule(session, badge, [{"type": "competences_acquired", "competencies": [D07]}])
    assert rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, None, "N2")))
    assert not rules.holds(badge, rules.Facts(staff_levels=staff_levels(badge, "N4", "N1")))


@pytest.mark.parametrize(
    ("rule", "ateliers", "minutes", "holds"),
    [
        ({"ateliers": 3}, 3, 0, True),
        ({"ateliers": 3}, 2, 600, False),
        ({"hours": 2}, 0, 120, True),
        ({"hours": 2}, 9, 119, False),
        ({"ateliers": 3, "hours": 2}, 3, 120, True),
        ({"ateliers": 3, "hours": 2}, 3, 119, False),
        ({"ateliers": 3, "hours": 2}, 2, 120, False),
    ],
)
def test_min_attendance_counts_ateliers_and_hours_up_to_the_boundary(
    session, badge, rule, ateliers, minutes, holds
):
    with_rule(session, badge, [{"type": "min_attendance", **rule}])
    assert rules.holds(badge, rules.Facts(ateliers=ateliers, minutes=minutes)) is holds


def test_rules_combine_with_and(session, badge):
    with_rule(
        session,
        badge,
        [{"type": "competences_acquired", "at_least": 1}, {"type": "min_attendance", "ateliers": 2}],
    )
    reached = staff_levels(badge, "N2", None)
    assert not rules.holds(badge, rules.Facts(staff_levels=reached, ateliers=1))
    assert not rules.holds(badge, rules.Facts(staff_levels={}, ateliers=2))
    assert rules.holds(badge, rules.Facts(staff_levels=reached, ateliers=2))


def test_each_rule_is_described_in_plain_french(session, badge):
    with_rule(
        session,
        badge,
        [
            {"type": "competences_acquired", "at_least": 1},
            {"type": "competences_acquired", "level": "N4"},
            {"type": "min_attendance", "ateliers": 3, "hours": 6},
            {"type": "min_attendance", "hours": 10},
        ],
    )
    assert rules.describe(badge) == [
        "Avoir montré à un médiateur, au niveau N2 (Je fais seul, pas à pas) ou plus, au moins 1 des 2 "
        "compétences suivantes (une auto-évaluation seule ne suffit pas).",
        "Avoir montré à un médiateur, au niveau N4 (J'aide les autres) ou plus, les compétences suivantes "
        "(une auto-évaluation seule ne suffit pas).",
        "Avoir participé à au moins 3 ateliers et au moins 6 heures d'ateliers.",
        "Avoir participé à au moins 10 heures d'ateliers.",
    ]


def test_required_competencies_are_the_class_ones(session, badge):
    with_rule(session, badge, [{"type": "min_attendance", "ateliers": 1}])
    assert rules.required_competencies(badge) == set(ids_of(badge, D06, D07))
    with_rule(session, badge, [{"type": "competences_acquired", "competencies": [D06]}])
    assert rules.required_competencies(badge) == set(ids_of(badge, D06, D07))


def test_the_registry_offers_the_two_rule_kinds():
    assert sorted(rules.REGISTRY) == ["competences_acquired", "min_attendance"]
