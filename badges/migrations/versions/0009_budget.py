"""budget: a pathway carries its budget, in whole euros; a credential keeps its award date (issue 14)

Existing pathways get the programme's default for their type: 5 000 € (court), 10 000 € (long),
15 000 € (long_augmente), 0 for any other. Existing credentials were awarded when they were signed:
awarded_at = issued_at.

Revision ID: 0009_budget
Revises: 0008_scale_indexes
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import badges.models.base

revision: str = "0009_budget"
down_revision: str | None = "0009_outcome"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULTS = {"court": 5000, "long": 10000, "long_augmente": 15000}


def upgrade() -> None:
    with op.batch_alter_table("pathway") as batch:
        batch.add_column(sa.Column("budget_euros", sa.Integer(), nullable=False, server_default="0"))
    pathway = sa.table("pathway", sa.column("type", sa.String()), sa.column("budget_euros", sa.Integer()))
    for kind, euros in DEFAULTS.items():
        op.execute(pathway.update().where(pathway.c.type == kind).values(budget_euros=euros))
    with op.batch_alter_table("pathway") as batch:
        batch.alter_column("budget_euros", server_default=None)
    with op.batch_alter_table("credential") as batch:
        batch.add_column(
            sa.Column("awarded_at", badges.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE credential SET awarded_at = issued_at")
    op.create_index("ix_credential_awarded_at", "credential", ["awarded_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_credential_awarded_at", table_name="credential")
    with op.batch_alter_table("credential") as batch:
        batch.drop_column("awarded_at")
    with op.batch_alter_table("pathway") as batch:
        batch.drop_column("budget_euros")
