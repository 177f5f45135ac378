"""endorsements: endorsers (coordination, agencies), their Ed25519 keys and the endorsements they sign

Three new tables; nothing existing changes. One target each, and at most one active
endorsement per endorser and target.

Revision ID: 0010_endorse
Revises: 0010_shared
Create Date: 2026-12-04 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from badges.models.base import UTCDateTime

revision: str = "0010_endorse"
down_revision: str | None = "0010_shared"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "endorser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("status_list_size", sa.Integer(), nullable=False),
        sa.Column("status_list", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_endorser_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorser")),
        sa.UniqueConstraint("agency_id", name=op.f("uq_endorser_agency_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_endorser_public_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_endorser_slug")),
    )
    op.create_table(
        "endorser_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("public_multibase", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["endorser_id"],
            ["endorser.id"],
            name=op.f("fk_endorser_key_endorser_id_endorser"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorser_key")),
        sa.UniqueConstraint("public_id", name=op.f("uq_endorser_key_public_id")),
    )
    op.create_index(op.f("ix_endorser_key_endorser_id"), "endorser_key", ["endorser_id"], unique=False)
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=True),
        sa.Column("badge_revision_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=300), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("ob3_credential", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_revision_id"],
            ["badge_revision.id"],
            name=op.f("fk_endorsement_badge_revision_id_badge_revision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_endorsement_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["endorser_id"], ["endorser.id"], name=op.f("fk_endorsement_endorser_id_endorser")
        ),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuer.id"], name=op.f("fk_endorsement_issuer_id_issuer")),
        sa.CheckConstraint(
            "(issuer_id IS NULL) <> (badge_revision_id IS NULL)", name=op.f("ck_endorsement_one_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement")),
        sa.UniqueConstraint(
            "endorser_id", "status_index", name=op.f("uq_endorsement_endorser_id_status_index")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_endorsement_public_id")),
    )
    op.create_index("ix_endorsement_issuer", "endorsement", ["issuer_id"], unique=False)
    op.create_index("ix_endorsement_revision", "endorsement", ["badge_revision_id"], unique=False)
    for name, target in (
        ("uq_endorsement_active_issuer", "issuer_id"),
        ("uq_endorsement_active_revision", "badge_revision_id"),
    ):
        op.create_index(
            name,
            "endorsement",
            ["endorser_id", target],
            unique=True,
            postgresql_where=ACTIVE,
            sqlite_where=ACTIVE,
        )


def downgrade() -> None:
    op.drop_index("uq_endorsement_active_revision", table_name="endorsement")
    op.drop_index("uq_endorsement_active_issuer", table_name="endorsement")
    op.drop_index("ix_endorsement_revision", table_name="endorsement")
    op.drop_index("ix_endorsement_issuer", table_name="endorsement")
    op.drop_table("endorsement")
    op.drop_index(op.f("ix_endorser_key_endorser_id"), table_name="endorser_key")
    op.drop_table("endorser_key")
    op.drop_table("endorser")
