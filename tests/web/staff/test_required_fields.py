"""Every required field of the staff forms says "(obligatoire)" in its label (the form macros add it once)."""

from __future__ import annotations

import html
import re

import pytest

from tests.web.staff.conftest import text

LABEL = re.compile(r'<label for="champ-([^"]+)">(.*?)</label>', re.S)
LEGEND = re.compile(r'<fieldset[^>]*id="champ-([^"]+)"[^>]*>\s*<legend>(.*?)</legend>', re.S)
REQUIRED = re.compile(r'<(?:input|select|textarea)[^>]*id="champ-([^"]+)"[^>]*aria-required="true"', re.S)


def labels(page: str) -> dict[str, str]:
    found = {key: html.unescape(re.sub(r"<[^>]+>", "", value)) for key, value in LABEL.findall(page)}
    found.update({key: html.unescape(re.sub(r"<[^>]+>", "", value)) for key, value in LEGEND.findall(page)})
    return found


@pytest.mark.parametrize(
    ("path", "required"),
    [
        ("/staff/pathways/new", {"title", "type", "category", "start_date"}),
        ("/staff/pathways/{pathway}/ateliers/new", {"title", "held_on", "duration_minutes", "competencies"}),
        ("/staff/ateliers/{atelier}/grid", {"moment", "method"}),
        ("/staff/frameworks/import", {"slug", "version", "name", "kind"}),
    ],
)
def test_required_fields_say_so_in_their_label(as_role, world, path, required):
    url = path.format(pathway=world.pathway_id, atelier=world.atelier_id)
    page = as_role("staff").get(url).get_data(as_text=True)
    found = labels(page)
    for name in required:
        assert "(obligatoire)" in found.get(name, ""), (name, found.get(name))
    for name in REQUIRED.findall(page):
        assert "(obligatoire)" in found.get(name, ""), f"{name} is required but its label does not say so"
    optional = {name for name, label in found.items() if "(obligatoire)" not in label}
    assert not optional & required


def test_a_required_choice_is_marked_for_assistive_technologies(as_role, world):
    page = as_role("staff").get("/staff/pathways/new").get_data(as_text=True)
    assert re.search(r'<select id="champ-type" name="type" required aria-required="true"', page)
    assert "Type de parcours (obligatoire)" in text(as_role("staff").get("/staff/pathways/new"))
