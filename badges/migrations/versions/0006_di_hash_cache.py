"""eddsa-rdfc-2022 hash data kept with each OB 3.0 credential: credential.ob3_hash_data, ob3_hash_source

Two nullable columns; nothing else changes. Credentials issued before the upgrade have none: verifying them
canonicalises the document, as before (issue 17).

Revision ID: 0006_di_hash_cache
Revises: 0005_auth
Create Date: 2026-12-04 17:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_di_hash_cache"
down_revision: str | None = "0005_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ob3_hash_data", sa.LargeBinary(length=64), nullable=True))
        batch_op.add_column(sa.Column("ob3_hash_source", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_column("ob3_hash_source")
        batch_op.drop_column("ob3_hash_data")
