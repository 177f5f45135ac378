"""grid drafts: what a médiateur typed in an atelier's grid, kept until it is saved

One new table only; nothing else changes.

Revision ID: 0007_grid_drafts
Revises: 0006_di_hash_cache
Create Date: 2026-12-04 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badges.models.base

revision: str = "0007_grid_drafts"
down_revision: str | None = "0006_di_hash_cache"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grid_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("atelier_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("updated_at", badges.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["atelier_id"], ["atelier.id"], name=op.f("fk_grid_draft_atelier_id_atelier"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_grid_draft_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_draft")),
        sa.UniqueConstraint("atelier_id", "user_id", name=op.f("uq_grid_draft_atelier_id_user_id")),
    )


def downgrade() -> None:
    op.drop_table("grid_draft")
