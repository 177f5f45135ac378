"""Grid drafts: what a médiateur typed in an atelier's grid, kept on the server until the grid is saved.

The page writes its draft while the session is alive; when the session ends before the save (idle
limit), the grid opens filled with it after signing in again. Only well-formed values are kept: a
draft is a convenience, never evidence, and the rules never read it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from badges.models import Atelier, GridDraft, User
from badges.services.programme import evaluation
from badges.services.shared.validation import LEVELS


def _clean(atelier_cells: set[str], row_ids: set[str], data: dict[str, Any]) -> dict[str, Any]:
    """Keep the atelier's own cells with a level, a known moment and method, the ticked known rows."""
    cells = data.get("cells")
    cells = cells if isinstance(cells, dict) else {}
    present = data.get("present")
    present = present if isinstance(present, list) else []
    moment, method = data.get("moment"), data.get("method")
    return {
        "cells": {k: v for k, v in cells.items() if k in atelier_cells and v in LEVELS},
        "present": sorted({p for p in present if isinstance(p, str) and p in row_ids}),
        "moment": moment if moment in evaluation.MOMENTS else "",
        "method": method if method in evaluation.METHODS else "",
    }


def save(
    session: Session,
    *,
    atelier: Atelier,
    user: User,
    data: dict[str, Any],
    cell_names: set[str],
    row_ids: set[str],
    now: datetime,
) -> GridDraft:
    """Replace this account's draft of the atelier's grid (`cell_names` and `row_ids` bound it)."""
    draft = session.scalar(
        select(GridDraft).where(GridDraft.atelier_id == atelier.id, GridDraft.user_id == user.id)
    )
    if draft is None:
        draft = GridDraft(atelier_id=atelier.id, user_id=user.id)
        session.add(draft)
    draft.content = _clean(cell_names, row_ids, data)
    draft.updated_at = now
    return draft


def find(session: Session, *, atelier: Atelier, user: User) -> dict[str, Any] | None:
    """This account's draft of the grid, or None."""
    draft = session.scalar(
        select(GridDraft).where(GridDraft.atelier_id == atelier.id, GridDraft.user_id == user.id)
    )
    return dict(draft.content) if draft is not None else None


def discard(session: Session, *, atelier: Atelier, user: User) -> None:
    """The grid was saved: its draft is of no use any more."""
    session.execute(delete(GridDraft).where(GridDraft.atelier_id == atelier.id, GridDraft.user_id == user.id))
