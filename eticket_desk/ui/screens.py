"""The main window's screens: their titles, the right each needs, their shortcut, their builder.

The navigation list and the « Aller à » menu are both made from SCREENS, in the order of a
working day (the counter's work first, the set-up last). Screens are imported the first time
they are shown, so the window opens fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from eticket_desk.rules.permissions import Permission
from eticket_desk.ui.context import AppContext


@dataclass(frozen=True)
class Screen:
    key: str
    title: str
    permission: Permission | None  # None: every agent may open it (some only to read)
    shortcut: str | None
    menu_text: str  # the title with its « Aller à » menu letter


SCREENS: tuple[Screen, ...] = (
    Screen("families", "Familles", None, "Ctrl+1", "&Familles"),
    Screen("counter", "Guichet", Permission.SALE, "Ctrl+2", "&Guichet"),
    Screen(
        "batch",
        "Saisie des inscriptions",
        Permission.BOOKING_EDIT,
        "Ctrl+3",
        "&Saisie des inscriptions",
    ),
    Screen("occupancy", "Fréquentation", Permission.REPORTS_VIEW, "Ctrl+4", "F&réquentation"),
    Screen(
        "attendance",
        "Listes et présences",
        Permission.REPORTS_VIEW,
        "Ctrl+5",
        "&Listes et présences",
    ),
    Screen("invoicing", "Facturation", Permission.INVOICE_RUN, "Ctrl+6", "F&acturation"),
    Screen("debits", "Prélèvements", Permission.INVOICE_RUN, None, "Prélè&vements"),
    Screen("activities", "Activités", None, "Ctrl+7", "A&ctivités"),
    Screen("tariffs", "Tarifs", None, "Ctrl+8", "&Tarifs"),
    Screen("calendar", "Calendrier", None, "Ctrl+9", "Ca&lendrier"),
    Screen("users", "Utilisateurs", Permission.USER_MANAGE, None, "&Utilisateurs"),
    Screen(
        "audit", "Journal des opérations", Permission.AUDIT_VIEW, None, "&Journal des opérations"
    ),
    Screen("portal", "Portail des familles", Permission.FAMILY_EDIT, None, "P&ortail des familles"),
    Screen("mail", "Messagerie", Permission.FAMILY_VIEW, None, "&Messagerie"),
    Screen("sync", "Synchronisation", Permission.BOOKING_EDIT, "Ctrl+0", "S&ynchronisation"),
    Screen("settings", "Paramètres", None, None, "&Paramètres"),
)


def build_screen(key: str, ctx: AppContext) -> QWidget:
    """The screen of `key` (every key of SCREENS but « families », which the window owns)."""
    if key == "counter":
        from eticket_desk.ui.counter.counter_screen import CounterScreen as screen
    elif key == "batch":
        from eticket_desk.ui.subscriptions import BatchEntryScreen as screen
    elif key == "occupancy":
        from eticket_desk.ui.occupancy.occupancy_screen import OccupancyScreen as screen
    elif key == "attendance":
        from eticket_desk.ui.attendance import AttendanceScreen as screen
    elif key == "tariffs":
        from eticket_desk.ui.tariffs import TariffsScreen as screen
    elif key == "invoicing":
        from eticket_desk.ui.invoicing import InvoicingScreen as screen
    elif key == "debits":
        from eticket_desk.ui.debits import DebitsScreen as screen
    elif key == "activities":
        from eticket_desk.ui.activities.activities_screen import ActivitiesScreen as screen
    elif key == "calendar":
        from eticket_desk.ui.calendar.calendar_screen import CalendarScreen as screen
    elif key == "users":
        from eticket_desk.ui.admin.users_screen import UsersScreen as screen
    elif key == "audit":
        from eticket_desk.ui.admin.audit_screen import AuditScreen as screen
    elif key == "portal":
        from eticket_desk.ui.portal import PortalScreen as screen
    elif key == "sync":
        from eticket_desk.ui.sync import SyncIssuesScreen as screen
    elif key == "mail":
        from eticket_desk.ui.mail.queue_screen import MailQueueScreen as screen
    elif key == "settings":
        from eticket_desk.ui.admin.settings_screen import SettingsScreen as screen
    else:
        raise KeyError(key)
    return screen(ctx)
