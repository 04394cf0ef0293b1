"""The « Poste » settings page shows this desk's clock as the server measured it at the last
sync: on time with its small offset, or a warning that the server judges the deadlines at
its own time."""

from __future__ import annotations

from datetime import datetime

from eticket_desk.services.core.changes import Topic
from eticket_desk.services.syncing.state import write_status
from eticket_desk.sync.client import SyncReport
from eticket_desk.ui.admin.desk_page import DeskPage


def _synced(ctx, offset_s: int, trusted: bool) -> None:
    """A sync answered by the server, as the cycle records it, then announced."""
    report = SyncReport(
        finished_at=datetime(2026, 9, 14, 9, 30), clock_offset_s=offset_s, clock_trusted=trusted
    )
    write_status(ctx.store, report, online=True)
    ctx.bus.changed.emit(frozenset({Topic.SYNC}))


def test_the_desk_page_shows_the_clock_offset_the_server_measured(qtbot, ctx):
    page = DeskPage(ctx, True)
    qtbot.addWidget(page)
    page.show()
    assert page.clock_label.text() == (
        "Horloge de ce poste : pas encore mesurée (elle le sera à la prochaine synchronisation)."
    )
    _synced(ctx, 3, True)
    assert page.clock_label.text() == (
        "Horloge de ce poste : à l'heure (écart 3 s, mesuré le 14/09/2026 à 09:30)."
    )
    assert page.clock_label.styleSheet() == ""
    # Two hours ten ahead: beyond the server's five minutes, the page warns in red.
    _synced(ctx, -7800, False)
    assert page.clock_label.text() == (
        "Attention : l'horloge de ce poste avance de 2 h 10 (mesuré le 14/09/2026 à 09:30). "
        "Réglez la date et l'heure de l'ordinateur : tant qu'elle n'est pas à l'heure, le "
        "serveur juge les délais de réservation à sa propre heure."
    )
    assert "color: #a61b1b" in page.clock_label.styleSheet()
