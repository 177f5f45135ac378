"""oid4vci: OpenID4VCI 1.0 credential offers, their access tokens and c_nonces

Four new tables; nothing else changes.

Revision ID: 0010_oid4vci
Revises: 0010_lcw (chained after the wallet core, merged into this branch)
Create Date: 2026-12-04 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badges.models.base import UTCDateTime

revision: str = "0010_oid4vci"
down_revision: str | None = "0010_lcw"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oid4vci_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("ref_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=128), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("redeemed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credential.id"],
            name=op.f("fk_oid4vci_offer_credential_id_credential"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_offer")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oid4vci_offer_code_hash")),
        sa.UniqueConstraint("ref_hash", name=op.f("uq_oid4vci_offer_ref_hash")),
    )
    op.create_index(op.f("ix_oid4vci_offer_credential_id"), "oid4vci_offer", ["credential_id"], unique=False)
    op.create_table(
        "oid4vci_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["oid4vci_offer.id"],
            name=op.f("fk_oid4vci_token_offer_id_oid4vci_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oid4vci_token_token_hash")),
    )
    op.create_index(op.f("ix_oid4vci_token_offer_id"), "oid4vci_token", ["offer_id"], unique=False)
    op.create_table(
        "oid4vci_issued",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["oid4vci_token.id"],
            name=op.f("fk_oid4vci_issued_token_id_oid4vci_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "format", name=op.f("pk_oid4vci_issued")),
    )
    op.create_table(
        "oid4vci_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_nonce")),
        sa.UniqueConstraint("value", name=op.f("uq_oid4vci_nonce_value")),
    )
    op.create_index(op.f("ix_oid4vci_nonce_expires_at"), "oid4vci_nonce", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_oid4vci_nonce_expires_at"), table_name="oid4vci_nonce")
    op.drop_table("oid4vci_nonce")
    op.drop_table("oid4vci_issued")
    op.drop_index(op.f("ix_oid4vci_token_offer_id"), table_name="oid4vci_token")
    op.drop_table("oid4vci_token")
    op.drop_index(op.f("ix_oid4vci_offer_credential_id"), table_name="oid4vci_offer")
    op.drop_table("oid4vci_offer")
