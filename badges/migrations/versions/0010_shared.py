"""shared badge classes: the moment a tiers-lieu shared a class with the network (null: not shared)

Revision ID: 0010_shared
Revises: 0010_oid4vci
Create Date: 2026-12-04 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badges.models.base import UTCDateTime

revision: str = "0010_shared"
down_revision: str | None = "0010_oid4vci"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("badge_class") as batch:
        batch.add_column(sa.Column("shared_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("badge_class") as batch:
        batch.drop_column("shared_at")
