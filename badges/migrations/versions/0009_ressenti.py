"""ressenti: the participants' voice at each atelier (feeling, FALC sentences ticked, own words)

Two new tables only; nothing else changes.

Revision ID: 0009_ressenti
Revises: 0007_grid_drafts
Create Date: 2026-12-04 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badges.models.base

revision: str = "0009_ressenti"
down_revision: str | None = "0008_scale_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ressenti",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("feeling", sa.String(length=20), nullable=False),
        sa.Column("words", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_at", badges.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", badges.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["atelier_id"], ["atelier.id"], name=op.f("fk_ressenti_atelier_id_atelier"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_ressenti_beneficiary_id_beneficiary"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ressenti")),
        sa.UniqueConstraint(
            "atelier_id", "beneficiary_id", name=op.f("uq_ressenti_atelier_id_beneficiary_id")
        ),
    )
    op.create_table(
        "ressenti_item",
        sa.Column("ressenti_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["ressenti_id"],
            ["ressenti.id"],
            name=op.f("fk_ressenti_item_ressenti_id_ressenti"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competency.id"],
            name=op.f("fk_ressenti_item_competency_id_competency"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ressenti_id", "competency_id", "kind", name=op.f("pk_ressenti_item")),
    )


def downgrade() -> None:
    op.drop_table("ressenti_item")
    op.drop_table("ressenti")
