"""outcome: the resource-actor directory, pathway outcomes, pathway closure and questionnaires (issue 14)

New tables only; nothing else changes.

Revision ID: 0009_outcome
Revises: 0007_grid_drafts
Create Date: 2026-12-04 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badges.models.base

revision: str = "0009_outcome"
down_revision: str | None = "0008_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = badges.models.base.UTCDateTime


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "resource_actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        _fk("resource_actor", "issuer_id", "issuer", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_actor")),
        sa.UniqueConstraint("public_id", name=op.f("uq_resource_actor_public_id")),
    )
    op.create_table(
        "pathway_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("next_project", sa.Text(), nullable=False),
        sa.Column("shared_at", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        _fk("pathway_outcome", "pathway_id", "pathway", "CASCADE"),
        _fk("pathway_outcome", "beneficiary_id", "beneficiary", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_outcome")),
        sa.UniqueConstraint("public_id", name=op.f("uq_pathway_outcome_public_id")),
        sa.UniqueConstraint(
            "pathway_id", "beneficiary_id", name=op.f("uq_pathway_outcome_pathway_id_beneficiary_id")
        ),
    )
    op.create_table(
        "outcome_skill",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        _fk("outcome_skill", "outcome_id", "pathway_outcome", "CASCADE"),
        _fk("outcome_skill", "competency_id", "competency", "RESTRICT"),
        sa.PrimaryKeyConstraint("outcome_id", "competency_id", name=op.f("pk_outcome_skill")),
    )
    op.create_table(
        "outcome_orientation",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        _fk("outcome_orientation", "outcome_id", "pathway_outcome", "CASCADE"),
        _fk("outcome_orientation", "actor_id", "resource_actor", "CASCADE"),
        sa.PrimaryKeyConstraint("outcome_id", "actor_id", name=op.f("pk_outcome_orientation")),
    )
    op.create_table(
        "pathway_closure",
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTC(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        _fk("pathway_closure", "pathway_id", "pathway", "CASCADE"),
        _fk("pathway_closure", "closed_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("pathway_id", name=op.f("pk_pathway_closure")),
    )
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", UTC(timezone=True), nullable=False),
        sa.Column("answered_at", UTC(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("collaboration", sa.Integer(), nullable=True),
        sa.Column("usefulness", sa.Integer(), nullable=True),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("to_improve", sa.Text(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        _fk("questionnaire", "pathway_id", "pathway", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint("public_id", name=op.f("uq_questionnaire_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_questionnaire_token_hash")),
        sa.UniqueConstraint("pathway_id", "respondent", name=op.f("uq_questionnaire_pathway_id_respondent")),
    )


def downgrade() -> None:
    for table in (
        "questionnaire",
        "pathway_closure",
        "outcome_orientation",
        "outcome_skill",
        "pathway_outcome",
        "resource_actor",
    ):
        op.drop_table(table)
