"""wallet: holder-bound credentials (one more form of an award, subject = the wallet's DID), wallet offers

Revision ID: 0010_lcw
Revises: 0010_imports
Create Date: 2026-12-04 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badges.models.base import UTCDateTime

revision: str = "0010_lcw"
down_revision: str | None = "0010_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bound_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("holder_did", sa.String(length=2048), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credential.id"],
            name=op.f("fk_bound_credential_credential_id_credential"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signing_key_id"],
            ["signing_key.id"],
            name=op.f("fk_bound_credential_signing_key_id_signing_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bound_credential")),
        sa.UniqueConstraint("public_id", name=op.f("uq_bound_credential_public_id")),
    )
    op.create_index(
        op.f("ix_bound_credential_credential_id"), "bound_credential", ["credential_id"], unique=False
    )
    op.create_table(
        "wallet_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("bound_credential_id", sa.Integer(), nullable=True),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credential.id"],
            name=op.f("fk_wallet_offer_credential_id_credential"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bound_credential_id"],
            ["bound_credential.id"],
            name=op.f("fk_wallet_offer_bound_credential_id_bound_credential"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_offer")),
        sa.UniqueConstraint("public_id", name=op.f("uq_wallet_offer_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_wallet_offer_token_hash")),
    )
    op.create_index(op.f("ix_wallet_offer_credential_id"), "wallet_offer", ["credential_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_wallet_offer_credential_id"), table_name="wallet_offer")
    op.drop_table("wallet_offer")
    op.drop_index(op.f("ix_bound_credential_credential_id"), table_name="bound_credential")
    op.drop_table("bound_credential")
