"""What every screen is given: the store, the logged-in agent, the task runner, the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from eticket_desk.services.core.changes import Change, checked, declaration, run_use_case
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
        use_case: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: Callback | None = None,
        then: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Runs `use_case(store, actor, *args, **kwargs)` on the task runner; once it succeeds,
        announces what the use case declares it changed (`@changes` in
        services/core/changes.py) and only then calls `on_done`, so the screens already show
        the new data when the caller closes its dialog or selects the row.

        `then(result)` runs next on the worker (a receipt printed after the sale, say) and its
        value goes to `on_done`; the changes are still the use case's, announced even when
        `then` fails (its error goes to `on_error`). A function declaring
        no changes is refused here, before anything runs."""
        declaration(use_case)
        store, actor = self.store, self.actor

        def work() -> tuple[Any, frozenset[Change], Exception | None]:
            result, changed = run_use_case(use_case, store, actor, *args, **kwargs)
            if then is None:
                return result, changed, None
            try:
                return then(result), changed, None
            except Exception as exc:  # the write is committed: announced all the same
                return None, changed, exc

        def done(outcome: tuple[Any, frozenset[Change], Exception | None]) -> None:
            value, changed, failed = outcome
            self.bus.announce(*changed)
            if failed is not None:
                if on_error is None:
                    raise failed
                on_error(failed)
            elif on_done is not None:
                on_done(value)

        self.runner.submit(work, done, on_error)
