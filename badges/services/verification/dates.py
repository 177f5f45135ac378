"""Date-time parsing for credentials (RFC 3339 / ISO 8601 with a zone)."""

from __future__ import annotations

from datetime import UTC, datetime

from badges.services.shared.messages import N_, Message, message

MOMENT = message("date.moment", N_("%(date)s à %(time)s (UTC)"))


def parse_datetime(value: str) -> datetime | None:
    """An aware datetime, or None when the text is not a date-time with a zone."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo is not None else None


def french(moment: datetime) -> Message:
    """12/03/2026 à 10:00 (UTC): short and unambiguous in a report (English: 12/03/2026 at 10:00 (UTC))."""
    utc = moment.astimezone(UTC)
    return MOMENT(date=utc.strftime("%d/%m/%Y"), time=utc.strftime("%H:%M"))
