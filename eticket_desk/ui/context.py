"""What every screen is given: the store, the logged-in agent, the task runner, the bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from eticket_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the login dialog shows before the database layer is even imported
    from eticket_desk.services.settings import AppSettings
    from eticket_desk.services.store import Actor, Store


def _default_settings() -> AppSettings:
    from eticket_desk.services.settings import AppSettings

    return AppSettings()


class ChangeBus(QObject):
    """Announces what a write changed, so each open screen decides whether to refresh.

    Topics: "families", "family:<uuid>", "users", "settings", "organisation", "schools",
    "bookings", "activities", "calendar", "tariffs", "sales", "till".
    """

    changed = Signal(object)  # frozenset[str]

    def announce(self, *topics: str) -> None:
        self.changed.emit(frozenset(topics))


@dataclass
class AppContext:
    store: Store
    actor: Actor
    runner: TaskRunner
    bus: ChangeBus
    settings: AppSettings = field(default_factory=_default_settings)
