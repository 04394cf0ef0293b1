"""Screenshots of the administration screens, for docs/screenshots and for review.

`render_admin_screens(ctx, out_dir)` renders on any store; run this module to render on a
small sample store: `python -m devtools.screenshots.admin OUT_DIR`.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.rules.errors import DomainError
from eticket_desk.ui.admin.audit_screen import AuditScreen
from eticket_desk.ui.admin.change_password_dialog import ChangePasswordDialog
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from eticket_desk.ui.admin.user_dialog import UserDialog
from eticket_desk.ui.admin.users_screen import UsersScreen
from eticket_desk.ui.context import AppContext

SCREEN_SIZE = (1100, 700)


def _save(widget: QWidget, path: Path, size: tuple[int, int] | None = SCREEN_SIZE) -> Path:
    return grab(widget, path, size, fit=size is None, close=True)


def render_admin_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves one PNG per admin screen, tab and dialog into out_dir; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    users_screen = UsersScreen(ctx)
    if users_screen.model.rowCount():
        users_screen.table.selectRow(0)
    saved.append(_save(users_screen, out / "users.png"))

    accounts = [users_screen.model.user_at(r) for r in range(users_screen.model.rowCount())]
    other = next((u for u in accounts if u.id != ctx.actor.user_id and u.active), None)
    dialog = UserDialog(ctx, other)
    if other is None:
        dialog.login_edit.setText("cmartin")
        dialog.name_edit.setText("Camille Martin")
    saved.append(_save(dialog, out / "user_dialog.png", None))
    users_screen.deleteLater()

    audit_screen = AuditScreen(ctx)
    audit_screen.resize(*SCREEN_SIZE)
    audit_screen.show()
    lines = audit_screen.lines()
    row = next((i for i, line in enumerate(lines) if line.action == "Modification"), 0)
    if lines:
        audit_screen.select_row(row)
    saved.append(_save(audit_screen, out / "audit.png"))
    audit_screen.deleteLater()

    settings_screen = SettingsScreen(ctx)
    for index, name in enumerate(("organisation", "schools", "desk")):
        settings_screen.tabs.setCurrentIndex(index)
        saved.append(_save(settings_screen, out / f"settings_{name}.png"))
    settings_screen.tabs.setCurrentIndex(0)
    page = settings_screen.organisation_page
    settings_screen.resize(*SCREEN_SIZE)
    settings_screen.show()
    page.scroll.ensureWidgetVisible(page.treasury_section, 0, 0)
    saved.append(grab(settings_screen, out / "settings_organisation_tresor.png", SCREEN_SIZE))
    settings_screen.deleteLater()

    saved.append(_save(ChangePasswordDialog(ctx, forced=True), out / "change_password.png", None))
    return saved


def sample_context(folder: Path) -> AppContext:
    """A small town with a few agents and some history, enough to fill every admin screen."""
    from eticket_desk.clock import FrozenClock
    from eticket_desk.rules.permissions import Role
    from eticket_desk.services.access import users
    from eticket_desk.services.catalogue import organisation
    from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
    from eticket_desk.services.core import settings
    from eticket_desk.services.core.store import Actor, Store
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 14, 8, 5))
    store = Store(folder / "eticket.sqlite", clock)
    create_empty_town(
        store,
        FirstSetup(
            commune="Commune de Neuvecelle",
            postcode="74500",
            city="Neuvecelle",
            admin_login="amartin",
            admin_full_name="Anne Martin",
            admin_password="motdepasse1",
            schools=["École Jules Ferry", "École du Lac"],
        ),
    )
    admin, _ = users.authenticate(store, "amartin", "motdepasse1")
    step = clock.advance
    users.save_user(
        store,
        admin,
        users.UserDraft("amartin", "Anne Martin", Role.ADMIN, civility="Mme"),
        admin.user_id,
    )
    people = [
        ("pguichet", "Paul Guichet", Role.AGENT, "M."),
        ("shaton", "Sandra Haton", Role.COORDINATOR, "Mme"),
        ("jlefevre", "Jérôme Lefèvre", Role.REGISSEUR, "M."),
        ("mrenaud", "Marie Renaud", Role.AGENT, "Mme"),
    ]
    saved = {}
    for login, name, role, civility in people:
        step(minutes=7)
        saved[login] = users.save_user(
            store, admin, users.UserDraft(login, name, role, True, "bienvenue26", civility)
        )
    step(hours=1)
    users.authenticate(store, "pguichet", "bienvenue26")
    step(minutes=3)
    with contextlib.suppress(DomainError):  # the failed login is what the log should show
        users.authenticate(store, "shaton", "mauvais")
    users.authenticate(store, "shaton", "bienvenue26")
    step(hours=2)
    info = saved["mrenaud"]
    users.save_user(
        store,
        admin,
        users.UserDraft(
            info.login, info.full_name, Role.COORDINATOR, False, civility=info.civility
        ),
        info.id,
    )
    step(minutes=12)
    data = organisation.load_organisation(store)
    data.address1 = "1 place de la Mairie"
    data.phone = "04 50 75 12 34"
    data.email = "periscolaire@neuvecelle.fr"
    data.treasury_name = "SGC de Thonon-les-Bains"
    data.treasury_address1 = "2 avenue du Général de Gaulle"
    data.treasury_postcode = "74200"
    data.treasury_city = "Thonon-les-Bains"
    data.payfip_id = "012345"
    data.cash_ceiling_cents = 150000
    data.portal_url = "https://neuvecelle.eticket.fr"
    data.collection_mode = "titres"
    data.siret = "21740201500010"
    data.pes_id_post = "0740000"
    data.pes_cod_col = "123"
    data.pes_cod_bud = "01"
    data.sepa_ics = "FR72ZZZ123456"
    data.sepa_iban = "FR7630001007941234567890185"
    data.invoice_mentions = (
        "Paiement à réception, au plus tard à la date d'échéance.\n"
        "Voies de recours : tribunal judiciaire de Thonon-les-Bains, dans un délai de deux mois."
    )
    organisation.save_organisation(store, admin, data)
    step(minutes=5)
    school = organisation.add_school(
        store, admin, "École maternelle des Tilleuls", "5 rue des Tilleuls"
    )
    organisation.add_class(store, admin, school.id, "PS-MS A", "PS")
    settings.save_settings(store, admin, settings.AppSettings(idle_lock_minutes=10))
    step(minutes=20)
    actor = Actor(admin.user_id, admin.login, admin.full_name, admin.role, "Mme")
    return AppContext(store, actor, ImmediateRunner(), ChangeBus(), settings.load_settings(store))


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(sample_context, render_admin_screens, "docs/screenshots/admin", argv)


if __name__ == "__main__":
    raise SystemExit(main())
