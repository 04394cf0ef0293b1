"""A pulled `booking_days` change (one op of a form decided on the server, see
eticket_central/ops/bulk_bookings.py): its days, given per state as the form's terms plus
exceptions, expanded with rules.form_days into the per-day booking changes the desk applies,
and the form's terms it carries."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from eticket_desk.rules.form_days import DaySet


def day_changes(change) -> Iterator[SimpleNamespace]:
    """Each day of the change as a `booking` change (its data as the server writes one)."""
    data = change.data
    late = set(data.get("late", ()))
    common = {
        "activity_id": data["activity_id"],
        "child_id": data["child_id"],
        "family_id": data["family_id"],
        "source": data.get("source", "counter"),
        "updated_at": data["updated_at"],
    }
    for state, days in data.get("days", {}).items():
        for day in DaySet.from_json(days).days():
            iso = day.isoformat()
            yield SimpleNamespace(
                entity="booking",
                device_id=change.device_id,
                data={**common, "day": iso, "state": state, "late": iso in late},
            )


def form_change(change) -> SimpleNamespace | None:
    """The form's terms the change carries, as a `subscription` change; None without."""
    form = change.data.get("subscription")
    if form is None:
        return None
    return SimpleNamespace(entity="subscription", device_id=change.device_id, data=form)
