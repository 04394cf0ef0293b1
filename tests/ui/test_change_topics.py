"""What a write changed reaches every open screen that shows it: for each `Topic`, the
screens subscribed to it refresh after a write made elsewhere (through `AppContext.write`,
another screen's button, or a pull from the central server); a family's own change reaches
that family's screens only; a string topic is refused; and no topic is left unused."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

import eticket_desk
import eticket_desk.services
import eticket_desk.ui
from eticket_desk.rules.cells import CellState
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes, declaration
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.sync.client import SyncReport
from eticket_desk.ui.activities.activities_screen import ActivitiesScreen
from eticket_desk.ui.admin.audit_screen import AuditScreen
from eticket_desk.ui.admin.desk_page import DeskPage
from eticket_desk.ui.admin.organisation_page import OrganisationPage
from eticket_desk.ui.admin.schools_page import SchoolsPage
from eticket_desk.ui.admin.users_screen import UsersScreen
from eticket_desk.ui.attendance.attendance_screen import AttendanceScreen
from eticket_desk.ui.calendar.calendar_screen import CalendarScreen
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.family_editor.wallet_tab import WalletTab
from eticket_desk.ui.family_search import FamilySearchScreen
from eticket_desk.ui.invoicing.screen import InvoicingScreen
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
    Topic.INVOICES: [(lambda ctx, family: InvoicingScreen(ctx), "refresh")],
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
    worker._on_sync_done(SyncReport(pulled=3))
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
            if name in use_cases:
                called.append(f"{path.name}:{node.lineno} {name}")
            if name == "announce" and path.name not in ("worker.py", "context.py"):
                announcing.append(f"{path.name}:{node.lineno}")
    assert (called, announcing) == ([], [])
