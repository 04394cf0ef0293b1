"""What every screen is given: the store, the logged-in agent, the task runner, the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from eticket_desk.services.core.changes import Change, Changes, checked, resolved
from eticket_desk.ui.tasks import Callback, TaskRunner

if TYPE_CHECKING:  # the login dialog shows before the database layer is even imported
    from eticket_desk.services.core.settings import AppSettings
    from eticket_desk.services.core.store import Actor, Store


def _default_settings() -> AppSettings:
    from eticket_desk.services.core.settings import AppSettings

    return AppSettings()


class ChangeBus(QObject):
    """Announces what a write changed, so each open screen decides whether to refresh.

    Only `Topic` members and `FamilyTopic` values (eticket_desk/services/core/changes.py) are
    accepted; a string raises TypeError. Writes announce through `AppContext.write`.
    """

    changed = Signal(object)  # frozenset[Change]

    def announce(self, *changes: Change) -> None:
        self.changed.emit(checked(changes))


@dataclass
class AppContext:
    store: Store
    actor: Actor
    runner: TaskRunner
    bus: ChangeBus
    settings: AppSettings = field(default_factory=_default_settings)

    def write(
        self,
        changes: Changes,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        """Runs a write on the task runner; once it succeeds, announces what it changed
        (`changes`, or `changes(result)`) and only then calls `on_done`, so the screens
        already show the new data when the caller closes its dialog or selects the row."""

        def done(result: Any) -> None:
            self.bus.announce(*resolved(changes, result))
            if on_done is not None:
                on_done(result)

        self.runner.submit(fn, done, on_error)
