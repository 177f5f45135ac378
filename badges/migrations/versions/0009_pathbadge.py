"""pathway badges: the rule of a badge de parcours, its components, what each award rests on

Three new tables, and one nullable column on badge_revision (the pathway badge as published).

Revision ID: 0009_pathbadge
Revises: 0007_grid_drafts
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_pathbadge"
down_revision: str | None = "0009_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pathway_badge",
        sa.Column("badge_class_id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("at_least", sa.Integer(), nullable=True),
        sa.Column("min_ateliers", sa.Integer(), nullable=True),
        sa.Column("min_hours", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["badge_class_id"],
            ["badge_class.id"],
            name=op.f("fk_pathway_badge_badge_class_id_badge_class"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathway.id"],
            name=op.f("fk_pathway_badge_pathway_id_pathway"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("badge_class_id", name=op.f("pk_pathway_badge")),
    )
    op.create_index(op.f("ix_pathway_badge_pathway_id"), "pathway_badge", ["pathway_id"], unique=False)
    op.create_table(
        "pathway_badge_component",
        sa.Column("pathway_badge_id", sa.Integer(), nullable=False),
        sa.Column("badge_class_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pathway_badge_id"],
            ["pathway_badge.badge_class_id"],
            name=op.f("fk_pathway_badge_component_pathway_badge_id_pathway_badge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["badge_class_id"],
            ["badge_class.id"],
            name=op.f("fk_pathway_badge_component_badge_class_id_badge_class"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "pathway_badge_id", "badge_class_id", name=op.f("pk_pathway_badge_component")
        ),
    )
    op.create_table(
        "credential_basis",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("basis_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credential.id"],
            name=op.f("fk_credential_basis_credential_id_credential"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["basis_id"],
            ["credential.id"],
            name=op.f("fk_credential_basis_basis_id_credential"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", "basis_id", name=op.f("pk_credential_basis")),
    )
    op.create_index(op.f("ix_credential_basis_basis_id"), "credential_basis", ["basis_id"], unique=False)
    with op.batch_alter_table("badge_revision") as batch:
        batch.add_column(sa.Column("pathway", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("badge_revision") as batch:
        batch.drop_column("pathway")
    op.drop_index(op.f("ix_credential_basis_basis_id"), table_name="credential_basis")
    op.drop_table("credential_basis")
    op.drop_table("pathway_badge_component")
    op.drop_index(op.f("ix_pathway_badge_pathway_id"), table_name="pathway_badge")
    op.drop_table("pathway_badge")
