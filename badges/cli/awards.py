"""`badges awards create/revoke/list` (and `settle`, from badges.jobs): awarding badges by hand."""

from __future__ import annotations

import click
from sqlalchemy import select

from badges.cli.common import Group, echo_json
from badges.db import get_session
from badges.jobs.command import settle_command
from badges.models import Credential
from badges.services.credentials import issuance, issuers, revocation
from badges.services.holders import award_listing
from badges.services.programme import badge_classes, beneficiaries
from badges.web.context import keyring, links, now


@click.group("awards", cls=Group)
def awards_group() -> None:
    """Awarding badges."""


@awards_group.command("create")
@click.option("--issuer", "slug", required=True)
@click.option("--badge-class", "badge_class_id", required=True)
@click.option("--beneficiary", "beneficiary_id", required=True)
def awards_create(slug: str, badge_class_id: str, beneficiary_id: str) -> None:
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    badge = badge_classes.for_issuer(session, issuer=issuer, public_id=badge_class_id)
    beneficiary = beneficiaries.for_issuer(session, issuer=issuer, public_id=beneficiary_id)
    credential = issuance.award(
        session, keyring(), badge_class=badge, beneficiary=beneficiary, links=links(), now=now()
    )
    session.commit()
    echo_json(
        {
            "id": credential.public_id,
            "page": links().credential_page(credential.public_id),
            "ob2_assertion": links().ob2_assertion(credential.public_id),
        }
    )


@awards_group.command("revoke")
@click.option("--issuer", "slug", required=True)
@click.option("--award", "award_id", required=True)
@click.option("--reason", required=True)
def awards_revoke(slug: str, award_id: str, reason: str) -> None:
    """Revoke an award in every format at once."""
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    credential = award_listing.award_of(session, issuer=issuer, public_id=award_id)
    revocation.revoke(session, keyring(), credential=credential, reason=reason, links=links(), now=now())
    session.commit()
    click.echo(f"Badge {award_id} révoqué.")


@awards_group.command("list")
@click.option("--issuer", "slug", required=True)
def awards_list(slug: str) -> None:
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    for credential in session.scalars(select(Credential).where(Credential.issuer_id == issuer.id)):
        state = "révoqué" if credential.revoked_at else "valide"
        click.echo(
            f"{credential.public_id}\t{credential.badge_class.name}\t{credential.issued_at.date()}\t{state}"
        )


awards_group.add_command(settle_command)
