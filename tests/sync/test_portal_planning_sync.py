"""A day a parent books on « Mon planning » reaches the counter: after its next sync the
desk's week grid shows it booked, with its ticket taken from the family's wallet."""

from __future__ import annotations

from datetime import date

from eticket_desk.models import Booking
from eticket_desk.rules.cells import CellState
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.status import sync_status
from tests.central.planning_town import cell
from tests.central.portal_pages import browser, csrf_of, open_session
from tests.conftest import cash_sale

MONDAY, TUESDAY = date(2026, 9, 21), date(2026, 9, 22)


def _balance(store, agent, family_id) -> int:
    return sum(b.tickets for b in balances(store, agent, family_id))


def test_a_day_booked_on_the_planning_page_shows_in_the_desks_week_grid_after_sync(
    store, admin, agent, lea_family, garderie, server_planning, client, central, commune, db
):
    ticket, _ = garderie
    lea = lea_family.children[0]
    issue_portal_access(store, admin, lea_family.id)
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 2, 500)
    book_day(store, agent, lea.id, server_planning.id, MONDAY)  # the garderie shows for Léa
    assert sync_once(store, client).ok  # planning, dossier, tickets and Monday go up
    parent = browser(central, open_session(central, commune.tenant_id, lea_family.id))
    page = parent.get(f"/portail/planning?enfant={lea.id}&semaine={MONDAY.isoformat()}")
    tuesday = cell(server_planning.id, TUESDAY)
    assert f'name="j" value="{tuesday}"' in page.text

    saved = parent.post(
        "/portail/planning",
        data={
            "csrf": csrf_of(page.text),
            "enfant": str(lea.id),
            "semaine": MONDAY.isoformat(),
            "vu": [cell(server_planning.id, MONDAY), tuesday],
            "avant": [cell(server_planning.id, MONDAY)],
            "j": [cell(server_planning.id, MONDAY), tuesday],
            "enregistrer": "1",
        },
    )
    assert "Réservés (1)" in saved.text, saved.text

    report = sync_once(store, client)
    assert report.ok and report.pulled == 2  # the day and its ticket
    week = load_week(store, agent, lea_family.id, MONDAY)
    row = next(r for r in week.children[0].rows if r.activity_id == server_planning.id)
    cells = {c.day: c for c in row.cells}
    assert cells[TUESDAY].state == CellState.OPEN_BOOKED
    assert cells[TUESDAY].booking == "booked"
    with store.read() as session:
        assert session.get(Booking, (server_planning.id, TUESDAY, lea.id)).source == "portal"
    assert _balance(store, agent, lea_family.id) == 0  # two bought, Monday and Tuesday taken
    assert sync_status(store).waiting_ops == 0
    parent.close()
