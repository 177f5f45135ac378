"""Key figures as people read them: server-side SVG bar charts and a CSV file (figures.py counts).

Charts are plain SVG (no script): role="img" with a <title> and <desc>, and the page puts the same
figures in a data table next to each chart, which is the text alternative (WCAG 1.1.1).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from badges.services.reporting.figures import METRICS, KeyFigures
from badges.services.shared import spreadsheet

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 28, 10, 260, 640
COLOURS = ("#1f5f99", "#2e7d32", "#8a4b08", "#6a1b9a", "#b3261e", "#00695c")
# The programme's words (docs/domain.md#D-experiment): "heures d'accompagnement" is atelier time, not
# person-hours.
HEADERS = {
    "beneficiaries": "Bénéficiaires accompagnés",
    "ateliers": "Ateliers de médiation",
    "atelier_hours": "Heures d'accompagnement",
    "participant_hours": "Heures-participants",
    "pathways": "Parcours",
    "tiers_lieux": "Tiers-lieux actifs",
    "badges_issued": "Badges délivrés",
    "badges_revoked": "Badges révoqués",
}
DIMENSION_NAMES = {
    "tiers_lieu": "Tiers-lieu",
    "department": "Département",
    "pathway_type": "Type de parcours",
    "category": "Catégorie de parcours",
    "profile": "Profil",
}


def french_number(value: float) -> str:
    """1234.5 -> "1 234,5" (French format; a narrow no-break space between thousands)."""
    whole = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"
    return whole.replace(",", "\u202f").replace(".", ",")


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]]) -> str:
    """Horizontal bars, one per (label, value), labels and values written next to the bars."""
    top = max((value for _, value in items), default=0) or 1
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    bars = []
    for position, (label, value) in enumerate(items):
        y = GAP + position * (BAR_HEIGHT + GAP)
        length = max(2, round((WIDTH - LABEL_WIDTH - 90) * value / top))
        colour = COLOURS[position % len(COLOURS)]
        bars.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">{escape(label[:40])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 19}">{escape(french_number(value))}</text>'
        )
    summary = ", ".join(f"{label} : {french_number(value)}" for label, value in items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc" font-family="sans-serif" font-size="15" '
        'fill="#1a1a1a">'
        f'<title id="{chart_id}-titre">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>' + "".join(bars) + "</svg>"
    )


def csv_text(figures: KeyFigures, labels: dict[str, dict[str, str]]) -> str:
    """The totals, then each breakdown, then skills acquired per competence; `;` as French Excel reads it."""
    out = io.StringIO()
    # Labels come from people (a tiers-lieu's name, a competence's title): cells are neutralised.
    writer = spreadsheet.Writer(out)
    period = figures["period"]
    writer.writerow(["Période", period["from"], period["to"]])
    writer.writerow(["Regroupement", "Valeur", *HEADERS.values()])
    rows = [("Total", "", figures["totals"])] + [
        (
            DIMENSION_NAMES.get(dimension, dimension),
            labels.get(dimension, {}).get(group["key"], group["key"]),
            group,
        )
        for dimension, groups in figures["by"].items()
        for group in groups
    ]
    for dimension, key, counts in rows:
        writer.writerow([dimension, key, *(french_number(counts[m]) for m in METRICS)])
    writer.writerow([])
    writer.writerow(["Compétence", "Acquisitions"])
    names = figures["competences"]
    for competence, count in figures["totals"]["skills_acquired"].items():
        writer.writerow([names.get(competence, competence), count])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8
