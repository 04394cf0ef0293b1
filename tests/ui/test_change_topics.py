"""What a write changed reaches every open screen that shows it: for each `Topic`, the
screens subscribed to it refresh after a write made elsewhere (through `AppContext.write`,
another screen's button, or a pull from the central server), and show the new data (a new
family in the search list, a closure in the calendar and the grid, a sale in the wallet…);
a family's own change reaches that family's screens only; a string topic is refused; no
topic is left unused; and screens run writing use cases only through `ctx.write`."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

import eticket_desk
import eticket_desk.services
import eticket_desk.ui
from eticket_desk.rules.cells import CellState
from eticket_desk.rules.permissions import Role
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.access import users
from eticket_desk.services.access.users import UserDraft
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.catalogue.calendar import add_closure
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes, declaration
from eticket_desk.services.core.settings import load_settings, save_settings
from eticket_desk.services.counter.sales import SaleRequest, sell_tickets
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.sync.client import SyncReport
from eticket_desk.ui.activities.activities_screen import ActivitiesScreen
from eticket_desk.ui.admin.audit_screen import AuditScreen
from eticket_desk.ui.admin.desk_page import DeskPage
from eticket_desk.ui.admin.organisation_page import OrganisationPage
from eticket_desk.ui.admin.schools_page import SchoolsPage
from eticket_desk.ui.admin.users_screen import UsersScreen
from eticket_desk.ui.attendance.attendance_screen import AttendanceScreen
from eticket_desk.ui.calendar.calendar_screen import CalendarScreen
from eticket_desk.ui.calendar.tables import ClosureColumn
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.debits import DebitsScreen
from eticket_desk.ui.family_editor import FamilyEditorDialog, prompts
from eticket_desk.ui.family_editor.wallet_tab import WalletTab
from eticket_desk.ui.family_search import FamilySearchScreen
from eticket_desk.ui.invoicing.screen import InvoicingScreen
from eticket_desk.ui.mail.family_mails_tab import FamilyMailsTab
from eticket_desk.ui.mail.queue_screen import MailQueueScreen
from eticket_desk.ui.occupancy.occupancy_screen import OccupancyScreen
from eticket_desk.ui.planning.week_grid import WeekGrid
from eticket_desk.ui.subscriptions.form import SubscriptionForm
from eticket_desk.ui.sync.issues_screen import SyncIssuesScreen
from eticket_desk.ui.sync.server_box import ServerBox
from eticket_desk.ui.sync.status_widget import SyncStatusWidget
from eticket_desk.ui.sync.worker import SyncWorker
from eticket_desk.ui.tariffs import TariffsScreen
from tests.conftest import complete_family, validated_family

Factory = Callable[..., QWidget]


def _family_form(ctx, family):
    form = SubscriptionForm(ctx)
    form.set_family(family.id)
    return form


# For each topic: the screens showing it, and the method each calls to show the change.
SUBSCRIBERS: dict[Topic, list[tuple[Factory, str]]] = {
    Topic.FAMILIES: [
        (lambda ctx, family: FamilySearchScreen(ctx), "refresh"),
        (lambda ctx, family: AttendanceScreen(ctx), "meals_tab.refresh"),
        (_family_form, "set_family"),
    ],
    Topic.USERS: [
        (lambda ctx, family: UsersScreen(ctx), "refresh"),
        (lambda ctx, family: AuditScreen(ctx), "_fill_users"),
    ],
    Topic.SETTINGS: [
        (lambda ctx, family: DeskPage(ctx, True), "load"),
        (lambda ctx, family: TariffsScreen(ctx), "refresh"),
    ],
    Topic.ORGANISATION: [
        (lambda ctx, family: OrganisationPage(ctx, True), "load"),
        (lambda ctx, family: TariffsScreen(ctx), "refresh"),
        (lambda ctx, family: CalendarScreen(ctx), "refresh"),
    ],
    Topic.SCHOOLS: [
        (lambda ctx, family: SchoolsPage(ctx, True), "load"),
        (lambda ctx, family: ActivitiesScreen(ctx), "refresh"),
        (lambda ctx, family: OccupancyScreen(ctx), "load_choices"),
        (lambda ctx, family: AttendanceScreen(ctx), "bus_tab.refresh"),
    ],
    Topic.BOOKINGS: [
        (lambda ctx, family: WeekGrid(ctx, family.id), "reload"),
        (lambda ctx, family: OccupancyScreen(ctx), "refresh"),
        (lambda ctx, family: AttendanceScreen(ctx), "unconsumed_tab.refresh"),
        (lambda ctx, family: WalletTab(ctx, family.id), "reload"),
        (_family_form, "schedule_preview"),
    ],
    Topic.ACTIVITIES: [
        (lambda ctx, family: ActivitiesScreen(ctx), "refresh"),
        (lambda ctx, family: WeekGrid(ctx, family.id), "reload"),
        (lambda ctx, family: TariffsScreen(ctx), "refresh"),
        (lambda ctx, family: CalendarScreen(ctx), "refresh"),
        (lambda ctx, family: OccupancyScreen(ctx), "load_choices"),
        (lambda ctx, family: AttendanceScreen(ctx), "_load_activities"),
        (_family_form, "reload"),
    ],
    Topic.CALENDAR: [
        (lambda ctx, family: CalendarScreen(ctx), "refresh"),
        (lambda ctx, family: WeekGrid(ctx, family.id), "reload"),
        (lambda ctx, family: ActivitiesScreen(ctx), "refresh"),
        (lambda ctx, family: OccupancyScreen(ctx), "refresh"),
        (_family_form, "reload"),
    ],
    Topic.TARIFFS: [
        (lambda ctx, family: TariffsScreen(ctx), "refresh"),
        (lambda ctx, family: WalletTab(ctx, family.id), "reload"),
    ],
    Topic.SALES: [
        (lambda ctx, family: CounterScreen(ctx), "_refresh_till"),
        (lambda ctx, family: WalletTab(ctx, family.id), "reload"),
    ],
    Topic.TILL: [(lambda ctx, family: CounterScreen(ctx), "_refresh_till")],
    Topic.INVOICES: [
        (lambda ctx, family: InvoicingScreen(ctx), "refresh"),
        (lambda ctx, family: DebitsScreen(ctx), "refresh"),
    ],
    Topic.DEBITS: [(lambda ctx, family: DebitsScreen(ctx), "refresh")],
    Topic.MAIL: [
        (lambda ctx, family: MailQueueScreen(ctx), "reload"),
        (lambda ctx, family: FamilyMailsTab(ctx, family.id), "reload"),
    ],
    Topic.SYNC: [
        (lambda ctx, family: SyncIssuesScreen(ctx), "load"),
        (lambda ctx, family: ServerBox(ctx), "load"),
        (lambda ctx, family: SyncStatusWidget(ctx), "refresh"),
    ],
}

# The screens that show one family's own data.
FAMILY_SUBSCRIBERS: list[tuple[Factory, str]] = [
    (lambda ctx, family: WeekGrid(ctx, family.id), "reload"),
    (lambda ctx, family: WalletTab(ctx, family.id), "reload"),
    (_family_form, "set_family"),
]


def _open(qtbot, ctx, family, factory: Factory) -> QWidget:
    widget = factory(ctx, family)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _spy(widget: QWidget, path: str) -> list[tuple]:
    """Counts the calls of `widget.<path>` (a method, maybe on a child: "meals_tab.refresh")."""
    *parents, name = path.split(".")
    owner = widget
    for parent in parents:
        owner = getattr(owner, parent)
    original = getattr(owner, name)
    calls: list[tuple] = []

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    setattr(owner, name, counting)
    return calls


def _opened(qtbot, ctx, family, subscribers) -> list[tuple[str, list[tuple], QWidget]]:
    """Opens the screens, each with its refresh method counted (the widget is returned too:
    qtbot holds it weakly, and a collected screen would hear nothing)."""
    opened = []
    for factory, path in subscribers:
        widget = _open(qtbot, ctx, family, factory)
        opened.append((f"{type(widget).__name__}.{path}", _spy(widget, path), widget))
    return opened


@pytest.fixture
def town(store, admin, activities, garderie, family):
    return family


@changes(lambda call: call["changed"])
def _write_announcing(store, actor, changed):
    """A use case that writes nothing and declares what it is given (the matrix below)."""
    return None


@changes(lambda call: FamilyTopic(call.result.id))
def _write_returning(store, actor, family):
    return family


@pytest.mark.parametrize("topic", list(Topic), ids=str)
def test_each_screen_showing_a_topic_refreshes_after_a_write_elsewhere(qtbot, ctx, town, topic):
    spies = _opened(qtbot, ctx, town, SUBSCRIBERS[topic])
    ctx.write(_write_announcing, (topic,))
    assert [name for name, calls, _widget in spies if not calls] == []


def test_a_family_change_reaches_that_family_s_screens_only(
    qtbot, ctx, store, admin, schools, town
):
    other = save_family(store, admin, complete_family(schools, last_name="Martin"))
    mine = _opened(qtbot, ctx, town, FAMILY_SUBSCRIBERS)
    ctx.write(_write_announcing, (FamilyTopic(other.id),))
    assert [name for name, calls, _widget in mine if calls] == []
    ctx.write(_write_returning, town)  # declared from the use case's result
    assert [name for name, calls, _widget in mine if not calls] == []


def test_a_pull_that_brought_rows_refreshes_the_screens_showing_them(qtbot, ctx, town):
    worker = SyncWorker(ctx)
    grid = _opened(qtbot, ctx, town, SUBSCRIBERS[Topic.BOOKINGS][:1])
    status = _opened(qtbot, ctx, town, SUBSCRIBERS[Topic.SYNC][:1])
    worker._on_sync_done(SyncReport())  # nothing moved: only the sync panels
    assert [len(calls) for _name, calls, _widget in grid + status] == [0, 1]

    pulled = [
        *_opened(qtbot, ctx, town, SUBSCRIBERS[Topic.FAMILIES][:1]),
        *_opened(qtbot, ctx, town, SUBSCRIBERS[Topic.SALES][:1]),
        *_opened(qtbot, ctx, town, SUBSCRIBERS[Topic.INVOICES]),
    ]
    moved = frozenset({Topic.BOOKINGS, Topic.FAMILIES, Topic.SALES, Topic.INVOICES})
    worker._on_sync_done(SyncReport(pulled=3, changed=moved))
    assert [name for name, calls, _widget in grid + status + pulled if not calls] == []


def test_deactivating_a_ticket_type_shows_in_the_other_open_screens(qtbot, ctx, town, garderie):
    ticket, _activity = garderie
    elsewhere = TariffsScreen(ctx)
    qtbot.addWidget(elsewhere)
    wallet = _opened(qtbot, ctx, town, SUBSCRIBERS[Topic.TARIFFS][1:])
    screen = TariffsScreen(ctx)
    qtbot.addWidget(screen)
    screen.types_table.selectRow(0)
    qtbot.mouseClick(screen.toggle_button, Qt.MouseButton.LeftButton)

    table = elsewhere.types_table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(1)]
    assert rows == [[ticket.code, "Garderie", "non"]]
    assert [name for name, calls, _widget in wallet if not calls] == []


def test_moving_an_activity_reorders_the_other_open_screens(qtbot, ctx, store, town):
    elsewhere = ActivitiesScreen(ctx)
    qtbot.addWidget(elsewhere)
    others = _opened(qtbot, ctx, town, SUBSCRIBERS[Topic.ACTIVITIES][1:4])
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    before = [a.code for a in list_activities(store)]
    screen.table.selectRow(1)
    qtbot.mouseClick(screen.up_button, Qt.MouseButton.LeftButton)

    after = [before[1], before[0], *before[2:]]
    assert [a.code for a in list_activities(store)] == after
    model = elsewhere.model
    assert [model.activity_at(r).code for r in range(len(after))] == after
    assert [name for name, calls, _widget in others if not calls] == []


def test_a_click_in_a_week_grid_refreshes_the_others_and_reloads_itself_once(
    qtbot, ctx, store, admin, schools, activities
):
    family = validated_family(store, admin, schools, last_name="Bernard")
    clicked, elsewhere = WeekGrid(ctx, family.id), WeekGrid(ctx, family.id)
    for grid in (clicked, elsewhere):
        qtbot.addWidget(grid)
        grid.resize(1000, 600)
        grid.show()
        grid.go_to(date(2026, 9, 21))
    occupancy = _opened(qtbot, ctx, family, SUBSCRIBERS[Topic.BOOKINGS][1:2])
    own, other = _spy(clicked, "reload"), _spy(elsewhere, "reload")
    rows = clicked.model.rows
    row = next(i for i, r in enumerate(rows) if r.activity and r.activity.code == "CANTINE")
    rect = clicked.table.visualRect(clicked.model.index(row, 1))
    qtbot.mouseClick(clicked.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert elsewhere.model.cell_at(row, 1).state == CellState.OPEN_BOOKED
    assert (len(own), len(other)) == (1, 1)  # its own reload keeps the cursor: no second one
    assert [name for name, calls, _widget in occupancy if not calls] == []


def test_a_failed_print_after_a_sale_still_announces_the_sale(ctx, town):
    """`then` (a receipt printed after the write) failing leaves the write committed: the
    screens hear of it, and the caller gets the error."""
    heard, errors = [], []
    ctx.bus.changed.connect(heard.append)

    def printing(_result):
        raise OSError("Imprimante absente")

    ctx.write(_write_announcing, (Topic.SALES,), then=printing, on_error=errors.append)
    assert heard == [frozenset({Topic.SALES})]
    assert [str(e) for e in errors] == ["Imprimante absente"]


def test_the_bus_refuses_a_string_topic(ctx, town):
    with pytest.raises(TypeError, match="bookings"):
        ctx.bus.announce("bookings")
    with pytest.raises(TypeError, match="not a Topic"):
        ctx.write(_write_announcing, ("sales",))
    written = []
    with pytest.raises(TypeError, match="declares no changes"):
        ctx.write(lambda store, actor: written.append(True))
    assert written == []
    with pytest.raises(TypeError, match="UUID"):
        FamilyTopic(str(town.id))


# -- no topic left unused, no write behind the bus's back -------------------------------------


def _use_cases() -> dict[str, Callable]:
    """The declared use cases of eticket_desk/services, by name."""
    found = {}
    for path in Path(eticket_desk.services.__file__).parent.rglob("*.py"):
        parts = path.relative_to(Path(eticket_desk.__file__).parent.parent).with_suffix("").parts
        for name, value in vars(importlib.import_module(".".join(parts))).items():
            if callable(value) and hasattr(value, "__changes__"):
                found[name] = value
    return found


def _ui_trees() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in Path(eticket_desk.ui.__file__).parent.rglob("*.py")
        if path.name != "screenshots.py"  # shows a sample, writes nothing
    ]


def _announced_topics() -> set[Topic]:
    """Topics the UI's writes announce: those declared by each use case the UI names (it
    runs them through `ctx.write`), and those of an `announce(...)` (the sync worker's,
    following module-level names such as CHANGED_TOPICS)."""
    use_cases = _use_cases()
    found: set[Topic] = set()
    for _path, tree in _ui_trees():
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if isinstance(node, (ast.Name, ast.Attribute)) and name in use_cases:
                declared = declaration(use_cases[name]).declared
                found |= {item for item in declared if isinstance(item, Topic)}
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "announce"
            ):
                continue
            nodes = [n for arg in node.args for n in ast.walk(arg)]
            nodes += [
                n
                for m in nodes
                if isinstance(m, ast.Name) and m.id in constants
                for n in ast.walk(constants[m.id])
            ]
            for sub in nodes:
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "Topic"
                ):
                    found.add(Topic[sub.attr])
    return found


def test_every_topic_is_shown_by_a_screen_and_announced_by_a_write():
    assert [t for t in Topic if not SUBSCRIBERS.get(t)] == []  # each one refreshes, above
    assert [t for t in Topic if t not in _announced_topics()] == []


# Called directly, never through ctx.write: there is no open screen yet to tell.
BEFORE_THE_APP = {"create_empty_town", "build_demo_town", "authenticate"}


def test_screens_run_writing_use_cases_through_ctx_write_only():
    """A screen never calls a use case that changes what screens show: it hands it to
    `ctx.write`, which announces what it declares. Nor does it announce by hand (only the
    sync worker does, for what a pull brought)."""
    use_cases = {
        name
        for name, fn in _use_cases().items()
        if declaration(fn).declared and name not in BEFORE_THE_APP
    }
    called, announcing = [], []
    for path, tree in _ui_trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            owner = getattr(node.func, "value", None)
            if isinstance(owner, ast.Name) and owner.id == "self":
                continue  # a method of the screen (the grid's own « sell_tickets »)
            mail_worker = (path.parent.name, path.name) == ("mail", "worker.py")
            if name in use_cases and not mail_worker:
                # The mail worker sends on its own thread, like the sync worker, and announces
                # what its round changed.
                called.append(f"{path.name}:{node.lineno} {name}")
            if name == "announce" and path.name not in ("worker.py", "context.py"):
                announcing.append(f"{path.name}:{node.lineno}")
    assert (called, announcing) == ([], [])


# -- what the open screens show after a write elsewhere ----------------------------------------


def _shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _column(model, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_a_family_saved_elsewhere_shows_in_the_search_list_and_its_open_dossier(
    qtbot, ctx, store, admin, schools, town
):
    search = _shown(qtbot, FamilySearchScreen(ctx))
    dossier = _shown(qtbot, FamilyEditorDialog(ctx, town.id))
    assert [h.display_name for h in search.model.hits] == ["DUPONT Marie"]

    ctx.write(save_family, complete_family(schools, last_name="Martin"))
    data = load_family(store, admin, town.id)
    data.notes = "Allergie signalée par téléphone"
    ctx.write(save_family, data)  # as another dossier window would

    assert [h.display_name for h in search.model.hits] == ["DUPONT Marie", "MARTIN Marie"]
    assert dossier.family_tab.notes.toPlainText() == "Allergie signalée par téléphone"


def test_a_dossier_being_typed_into_keeps_what_was_typed(
    qtbot, ctx, store, admin, town, monkeypatch
):
    monkeypatch.setattr(
        prompts, "ask_unsaved_changes", lambda parent: QMessageBox.StandardButton.Discard
    )
    dossier = _shown(qtbot, FamilyEditorDialog(ctx, town.id))
    dossier.family_tab.notes.setPlainText("Tapé ici")
    data = load_family(store, admin, town.id)
    data.notes = "Tapé ailleurs"
    ctx.write(save_family, data)
    assert dossier.family_tab.notes.toPlainText() == "Tapé ici"
    assert dossier.isWindowModified()


def test_users_settings_organisation_and_schools_changed_elsewhere_show_at_once(qtbot, ctx, store):
    users_screen = _shown(qtbot, UsersScreen(ctx))
    audit = _shown(qtbot, AuditScreen(ctx))
    desk = _shown(qtbot, DeskPage(ctx, True))
    organisation_page = _shown(qtbot, OrganisationPage(ctx, True))
    schools_page = _shown(qtbot, SchoolsPage(ctx, True))

    ctx.write(users.save_user, UserDraft("claire", "Claire Martin", Role.AGENT, True, "S3cret!x9"))
    ctx.write(save_settings, replace(load_settings(store), invoice_due_days=45))
    ctx.write(
        organisation.save_organisation,
        replace(organisation.load_organisation(store), name="Commune de Publier"),
    )
    ctx.write(organisation.add_school, "École Jean Moulin", "")

    logins = [users_screen.model.user_at(r).login for r in range(users_screen.model.rowCount())]
    assert "claire" in logins
    combo = audit.user_combo
    assert "Claire Martin (claire)" in [combo.itemText(i) for i in range(combo.count())]
    assert desk.due_days_spin.value() == 45
    assert organisation_page.editors["name"].text() == "Commune de Publier"
    assert schools_page.school_item("École Jean Moulin") is not None


def test_a_closure_added_elsewhere_shows_in_the_calendar_and_closes_the_grid(
    qtbot, ctx, store, admin, schools, activities
):
    family = validated_family(store, admin, schools, last_name="Bernard")
    calendar_screen = _shown(qtbot, CalendarScreen(ctx))
    grid = _shown(qtbot, WeekGrid(ctx, family.id))
    grid.go_to(date(2026, 9, 21))
    rows = grid.model.rows
    row = next(i for i, r in enumerate(rows) if r.activity and r.activity.code == "CANTINE")
    assert grid.model.cell_at(row, 2).state != CellState.CLOSED

    ctx.write(add_closure, date(2026, 9, 22), date(2026, 9, 22), "Grève des agents")

    assert "Grève des agents" in _column(calendar_screen.closures_model, ClosureColumn.LABEL)
    assert grid.model.cell_at(row, 2).state == CellState.CLOSED


def test_a_sale_elsewhere_shows_in_the_counter_s_till_and_the_family_s_wallet(
    qtbot, ctx, town, garderie
):
    ticket, _activity = garderie
    counter = _shown(qtbot, CounterScreen(ctx))
    wallet = _shown(qtbot, WalletTab(ctx, town.id))
    assert not counter.till_banner.isHidden()  # « caisse fermée »

    ctx.write(open_till, 0)
    assert counter.till_banner.isHidden()
    payment = (PaymentInput(Method.CASH, 10_000),)
    ctx.write(sell_tickets, SaleRequest(town.id, ((ticket.id, 10),), payment))
    assert wallet.balance_labels["GARDERIE"].text() == "10"


def test_a_pull_shows_what_it_brought_in_the_open_screens(qtbot, ctx, store, admin, schools, town):
    """The rows a pull applies are written behind the screens' back; the sync worker's
    announcement of what the pull brought is what shows them."""
    search = _shown(qtbot, FamilySearchScreen(ctx))
    dossier = _shown(qtbot, FamilyEditorDialog(ctx, town.id))
    save_family(store, admin, complete_family(schools, last_name="Martin"))  # from the portal
    data = load_family(store, admin, town.id)
    data.notes = "Changé sur le portail"
    save_family(store, admin, data)
    assert [h.display_name for h in search.model.hits] == ["DUPONT Marie"]  # not yet told

    pulled = frozenset({Topic.FAMILIES, FamilyTopic(town.id)})  # as the pull reports them
    SyncWorker(ctx)._on_sync_done(SyncReport(pulled=2, changed=pulled))

    assert [h.display_name for h in search.model.hits] == ["DUPONT Marie", "MARTIN Marie"]
    assert dossier.family_tab.notes.toPlainText() == "Changé sur le portail"


def test_an_invoice_run_issued_elsewhere_shows_in_the_open_invoicing_screen(
    qtbot, ctx, store, admin, schools, activities, clock
):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    family = validated_family(store, admin, schools, last_name="Bernard")
    for day in (date(2026, 10, 5), date(2026, 10, 6)):
        book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    screen = _shown(qtbot, InvoicingScreen(ctx))
    page = screen.invoices_page
    assert page.runs_model.rowCount() == 0

    ctx.write(issue_run, month_period("2026-10"))  # as the command line or another desk would

    assert (page.runs_model.rowCount(), page.invoices_model.rowCount()) == (1, 1)


def test_a_booking_made_elsewhere_shows_in_the_open_occupancy_and_attendance_list(
    qtbot, ctx, store, admin, schools, activities
):
    canteen = activities["CANTINE"]
    monday = date(2026, 9, 21)  # next week: before its deadline
    child = validated_family(store, admin, schools, last_name="Bernard").children[0]
    occupancy = _shown(qtbot, OccupancyScreen(ctx))
    occupancy.go_to(monday)
    attendance = _shown(qtbot, AttendanceScreen(ctx))
    attendance.go_to(monday)
    attendance.select_activity(canteen.name)

    def booked() -> int:
        (line,) = [a for a in occupancy.report.activities if a.activity_id == canteen.id]
        return next(d.booked for d in line.days if d.day == monday)

    def on_the_list() -> list:
        return [row.child_id for row in attendance.presence_tab.model.rows]

    assert (booked(), on_the_list()) == (0, [])

    ctx.write(book_day, child.id, canteen.id, monday)  # as the counter's grid would

    assert (booked(), on_the_list()) == (1, [child.id])
