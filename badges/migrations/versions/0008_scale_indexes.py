"""scale indexes: the key figures of a period and status-list re-signing on a large network (issue 17)

Indexes only; no table or column changes.
* credential(issued_at), credential(revoked_at): badges issued or revoked in a period, every tiers-lieu;
* credential(status_list_id, status_index) WHERE revoked_at IS NOT NULL: a list's revoked entries, read
  each time the list is re-signed, without visiting its unrevoked credentials;
* credential(beneficiary_id): a beneficiary's badges (holder pages; the SET NULL of an erasure);
* atelier(held_on), evaluation(evaluated_at): ateliers held and evaluations made in a period.

Revision ID: 0008_scale_indexes
Revises: 0007_grid_drafts
Create Date: 2026-12-04 20:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_scale_indexes"
down_revision: str | None = "0007_grid_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVOKED = sa.text("revoked_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_credential_issued_at", "credential", ["issued_at"])
    op.create_index("ix_credential_revoked_at", "credential", ["revoked_at"])
    op.create_index(
        "ix_credential_revoked_entries",
        "credential",
        ["status_list_id", "status_index"],
        postgresql_where=REVOKED,
        sqlite_where=REVOKED,
    )
    op.create_index("ix_credential_beneficiary", "credential", ["beneficiary_id"])
    op.create_index("ix_atelier_held_on", "atelier", ["held_on"])
    op.create_index("ix_evaluation_evaluated_at", "evaluation", ["evaluated_at"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_evaluated_at", table_name="evaluation")
    op.drop_index("ix_atelier_held_on", table_name="atelier")
    op.drop_index("ix_credential_beneficiary", table_name="credential")
    op.drop_index("ix_credential_revoked_entries", table_name="credential")
    op.drop_index("ix_credential_revoked_at", table_name="credential")
    op.drop_index("ix_credential_issued_at", table_name="credential")
