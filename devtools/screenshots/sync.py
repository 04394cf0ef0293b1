"""Screenshots of the sync: the status bar in the main window and the issues panel.

`render_sync_screens(ctx, out_dir)` renders on any store (recording one refused booking
first when there is no open issue); run this module to render on a small demo town whose
desk is registered (the token in an in-memory keyring):
`python -m devtools.screenshots.sync OUT_DIR`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.services.syncing.status import sync_status
from eticket_desk.ui.context import AppContext

WINDOW_SIZE = (1200, 760)


def _refuse_two_ops(ctx: AppContext) -> None:
    """The server's answers to two of the desk's ops, as a real sync records them: its latest
    booking « complet », and another op whose data the server could not store (INVALID_OP)."""
    from eticket_desk.services.syncing import state
    from eticket_desk.services.syncing.answers import record_answers
    from eticket_desk.sync.protocol import OpResult, OpStatus, OpType, RejectCode

    pending = state.pending_ops(ctx.store, 100_000)
    answers = []
    bookings = [r for r in pending if r.type == OpType.BOOKING_BOOK]
    if bookings:
        answers.append(
            (
                bookings[-1],
                RejectCode.CAPACITY_FULL,
                "Plus de place ce jour-là : les réservations du portail sont passées avant.",
            )
        )
    others = [r for r in pending if r.type != OpType.BOOKING_BOOK]
    if others:
        answers.append(
            (
                others[-1],
                RejectCode.INVALID_OP,
                "Le serveur n'a pas pu enregistrer cette opération : une valeur est hors "
                "des limites qu'il accepte.",
            )
        )
    for row, code, message in answers:
        refused = OpResult(
            op_id=row.op_id, seq=row.seq, status=OpStatus.REJECTED, code=code, message=message
        )
        record_answers(ctx.store, [row], [refused])


def render_sync_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves sync_status.png (the main window, its status bar), sync_issues.png,
    sync_settings.png (the « Serveur central » box and this desk's clock) and
    sync_restored.png (a desk restored from a backup, before the sync that reloads it)."""
    from eticket_desk.ui.admin.settings_screen import SettingsScreen
    from eticket_desk.ui.main_window import MainWindow
    from eticket_desk.ui.sync.issues_screen import SyncIssuesScreen

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not sync_status(ctx.store).open_issues:
        _refuse_two_ops(ctx)
    window = MainWindow(ctx)
    window.sync_worker.stop()
    saved = [grab(window, out / "sync_status.png", WINDOW_SIZE)]
    window.sync_status.issues_label.linkActivated.emit("issues")
    assert isinstance(window.current_screen(), SyncIssuesScreen)
    saved.append(grab(window, out / "sync_issues.png", WINDOW_SIZE, close=True))
    window.deleteLater()
    settings = SettingsScreen(ctx)
    settings.tabs.setCurrentWidget(settings.desk_page)
    saved.append(grab(settings, out / "sync_settings.png", (1100, 900), close=True))
    settings.deleteLater()
    saved.append(_restored_window(ctx, out / "sync_restored.png"))
    return saved


def _restored_window(ctx: AppContext, path: Path) -> Path:
    """The main window of a desk just restored from a backup, before its sync: the banner
    above the screens (the mark lifted again afterwards, as the reload does)."""
    from sqlalchemy import delete

    from eticket_desk.models import Setting
    from eticket_desk.services.core.restored import RESTORED
    from eticket_desk.services.syncing.state import SYNC_ACTOR, put_state
    from eticket_desk.ui.main_window import MainWindow

    with ctx.store.write(SYNC_ACTOR) as session:
        put_state(session, {RESTORED: {"since": "2026-09-14T15:00:00", "reason": "backup"}})
    window = MainWindow(ctx)
    window.sync_worker.stop()
    saved = grab(window, path, WINDOW_SIZE, close=True)
    window.deleteLater()
    with ctx.store.write(SYNC_ACTOR) as session:
        session.execute(delete(Setting).where(Setting.key == RESTORED))
    return saved


def sample_context(folder: Path) -> AppContext:
    """A small demo town whose desk is registered and synced at 14:32, then went offline."""
    import keyring
    from keyring.backend import KeyringBackend

    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.services.syncing import state
    from eticket_desk.services.syncing.answers import record_answers
    from eticket_desk.services.syncing.status import save_device
    from eticket_desk.sync.client import SyncReport
    from eticket_desk.sync.protocol import OpResult, OpStatus
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    class MemoryKeyring(KeyringBackend):
        priority = 1
        secrets: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())  # never the real OS keyring
    clock = FrozenClock(datetime(2026, 9, 14, 15, 5))
    path = folder / "eticket.sqlite"
    build_demo_town(path, DemoOptions(families=30), clock=clock)
    store = Store(path, clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    save_device(store, actor, "https://guichet.example.fr", uuid.uuid4(), "jeton-du-poste")
    # Its first upload answered, and its number given (the annex: the second desk).
    sent = state.pending_ops(store, 100_000)
    answers = [OpResult(op_id=r.op_id, seq=r.seq, status=OpStatus.APPLIED) for r in sent]
    record_answers(store, sent, answers)
    state.store_desk_number(store, 2)
    _book_one_day(store, actor)
    # The server measured this desk's clock 3 s behind its own: trusted to date bookings.
    synced = SyncReport(
        finished_at=datetime(2026, 9, 14, 14, 32), clock_offset_s=3, clock_trusted=True
    )
    state.write_status(store, synced, online=True)
    return AppContext(store=store, actor=actor, runner=ImmediateRunner(), bus=ChangeBus())


def _book_one_day(store, actor) -> None:
    """One booking made at the desk, the op the server will refuse."""
    from datetime import date, timedelta

    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.bookings.booking import book_day
    from eticket_desk.services.catalogue.activities import list_activities
    from eticket_desk.services.families.dossiers import load_family
    from eticket_desk.services.families.search import search_families

    days = [date(2026, 9, 24) + timedelta(days=n) for n in range(14)]
    for hit in search_families(store, actor, "", limit=30):
        for child in load_family(store, actor, hit.id).children:
            for activity in list_activities(store):
                for day in days:
                    try:
                        book_day(store, actor, child.id, activity.id, day)
                    except DomainError:
                        continue
                    return


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(sample_context, render_sync_screens, "docs/screenshots", argv)


if __name__ == "__main__":
    raise SystemExit(main())
