"""Admin screens, used like a person would: users, audit log, settings, password change."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from devtools.screenshots.admin import render_admin_screens
from eticket_desk.rules.permissions import Role
from eticket_desk.services.access import users
from eticket_desk.services.access.users import UserInfo
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.core import audit, settings
from eticket_desk.ui import messages
from eticket_desk.ui.admin.audit_model import (
    AuditColumn,
    describe_details,
    readable_summary,
)
from eticket_desk.ui.admin.audit_screen import AuditScreen
from eticket_desk.ui.admin.change_password_dialog import ChangePasswordDialog
from eticket_desk.ui.admin.school_dialogs import ClassDialog, SchoolDialog
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from eticket_desk.ui.admin.user_dialog import UserDialog
from eticket_desk.ui.admin.users_model import (
    CHECK,
    SORT_ROLE,
    RightsTableModel,
    UserColumn,
    UsersTableModel,
)
from eticket_desk.ui.admin.users_screen import UsersScreen
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import ADMIN_PASSWORD, AGENT_PASSWORD


@pytest.fixture
def shown_errors(monkeypatch) -> list[str]:
    """The messages the screens show in a message box (captured instead of blocking)."""
    shown: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, exc, title="": shown.append(messages.error_text(exc))
    )
    return shown


@pytest.fixture
def agent_ctx(qapp, store, agent) -> AppContext:
    return AppContext(store, agent, ImmediateRunner(), ChangeBus())


def retype(qtbot, editor, text: str) -> None:
    """Select what the field holds and type over it."""
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def table_texts(model, column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


# -- users -------------------------------------------------------------------------------------


def test_users_table_model_shows_french_labels_without_widgets():
    model = UsersTableModel()
    anne = UserInfo(
        None, "admin", "Anne Martin", Role.ADMIN, True, False, datetime(2026, 9, 14, 9, 30)
    )
    paul = UserInfo(None, "paul", "Paul Guichet", Role.AGENT, False, False, None)
    model.set_users([anne, paul])

    assert model.rowCount() == 2
    assert model.columnCount() == len(UserColumn)
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in UserColumn]
    assert header == ["Identifiant", "Nom", "Profil", "Actif", "Dernière connexion"]
    row = [model.index(0, c).data() for c in UserColumn]
    assert row == ["admin", "Anne Martin", "Administrateur", "Oui", "14/09/2026 09:30"]
    assert [model.index(1, c).data() for c in UserColumn][2:] == [
        "Agent d'accueil",
        "Non",
        "Jamais",
    ]
    assert model.index(0, UserColumn.NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, UserColumn.NAME).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, UserColumn.ROLE).data(SORT_ROLE) > model.index(1, UserColumn.ROLE).data(
        SORT_ROLE
    )


def test_rights_model_puts_a_check_where_the_profile_allows():
    model = RightsTableModel()
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    manage = rows["Gérer les utilisateurs"]
    sell = rows["Vendre des tickets et encaisser"]
    roles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, model.columnCount())]
    assert roles == ["Agent d'accueil", "Coordinateur périscolaire", "Régisseur", "Administrateur"]
    assert [model.index(manage, c).data() for c in range(1, 5)] == ["", "", "", CHECK]
    assert [model.index(sell, c).data() for c in range(1, 5)] == [CHECK] * 4


def test_admin_creates_a_user_who_can_then_log_in(qtbot, ctx, store):
    screen = UsersScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(UserDialog)
    assert dialog is not None and dialog.isVisible()

    qtbot.keyClicks(dialog.login_edit, "cbernard")
    qtbot.keyClicks(dialog.name_edit, "Claire Bernard")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Coordinateur périscolaire"))
    assert "Voir les données de santé des enfants" in dialog.role_description.text()
    assert "Gérer les utilisateurs" not in dialog.role_description.text()
    qtbot.keyClicks(dialog.password_edit, "cantine2026")
    qtbot.keyClicks(dialog.confirm_edit, "cantine2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    row = table_texts(screen.model, UserColumn.LOGIN).index("cbernard")
    assert screen.model.index(row, UserColumn.ROLE).data() == "Coordinateur périscolaire"
    assert screen.model.index(row, UserColumn.ACTIVE).data() == "Oui"
    assert screen.selected_user().login == "cbernard"
    actor, must_change = users.authenticate(store, "cbernard", "cantine2026")
    assert actor.role == Role.COORDINATOR and actor.full_name == "Claire Bernard"
    assert must_change  # a password set by an admin is temporary


def test_a_woman_is_shown_in_her_role_feminine(qtbot, ctx, store):
    screen = UsersScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(UserDialog)
    assert dialog.civility_combo.currentText() == "Non précisée"
    dialog.civility_combo.setCurrentIndex(dialog.civility_combo.findText("Madame"))
    assert [dialog.role_combo.itemText(i) for i in range(dialog.role_combo.count())] == [
        "Agente d'accueil",
        "Coordinatrice périscolaire",
        "Régisseuse",
        "Administratrice",
    ]
    qtbot.keyClicks(dialog.login_edit, "hmegevand")
    dialog.name_edit.setText("Hélène Mégevand")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Coordinatrice périscolaire"))
    qtbot.keyClicks(dialog.password_edit, "cantine2026")
    qtbot.keyClicks(dialog.confirm_edit, "cantine2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    row = table_texts(screen.model, UserColumn.LOGIN).index("hmegevand")
    assert screen.model.index(row, UserColumn.ROLE).data() == "Coordinatrice périscolaire"
    actor, _ = users.authenticate(store, "hmegevand", "cantine2026")
    assert actor.civility == "Mme" and actor.role_label == "Coordinatrice périscolaire"
    edit = UserDialog(ctx, screen.selected_user())
    qtbot.addWidget(edit)
    assert edit.civility_combo.currentText() == "Madame"


def test_mismatched_confirmation_is_refused_before_saving(qtbot, ctx, store, admin, shown_errors):
    screen = UsersScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(UserDialog)
    qtbot.keyClicks(dialog.login_edit, "cbernard")
    qtbot.keyClicks(dialog.name_edit, "Claire Bernard")
    qtbot.keyClicks(dialog.password_edit, "cantine2026")
    qtbot.keyClicks(dialog.confirm_edit, "cantine2062")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert "ne correspond pas" in dialog.errors.message("confirmation")
    assert [u.login for u in users.list_users(store, admin)] == ["admin"]
    assert shown_errors == []


def test_service_field_errors_are_shown_beside_the_fields(qtbot, ctx, store, admin):
    dialog = UserDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.login_edit, "Claire B")
    qtbot.keyClicks(dialog.password_edit, "court")
    qtbot.keyClicks(dialog.confirm_edit, "court")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert "identifiant" in dialog.errors.message("login").lower()
    assert dialog.errors.message("full_name") == "Le nom complet est obligatoire."
    assert "8 caractères" in dialog.errors.message("password")
    assert len(users.list_users(store, admin)) == 1


def test_an_agent_sees_the_refusal_instead_of_the_users(qtbot, agent_ctx):
    screen = UsersScreen(agent_ctx)
    qtbot.addWidget(screen)
    assert screen.stack.currentWidget() is screen.denied_label
    assert "ne permet pas de gérer les utilisateurs" in screen.denied_label.text()
    assert screen.model.rowCount() == 0


def test_demoting_the_last_admin_is_refused(qtbot, ctx, store, admin, shown_errors):
    screen = UsersScreen(ctx)
    qtbot.addWidget(screen)
    screen.select_user(admin.user_id)
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(UserDialog)
    assert dialog.login_edit.text() == "admin"
    assert not dialog.password_edit.isVisibleTo(dialog)  # no password unless resetting
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Agent d'accueil"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert shown_errors == ["Il doit rester au moins un administrateur actif."]
    assert dialog.isVisible()
    assert users.list_users(store, admin)[0].role == Role.ADMIN


def test_resetting_a_password_makes_it_temporary(qtbot, ctx, store, agent):
    screen = UsersScreen(ctx)
    qtbot.addWidget(screen)
    screen.select_user(agent.user_id)
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(UserDialog)
    assert dialog.reset_check.isChecked() and dialog.password_edit.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.password_edit, "nouveau2026")
    qtbot.keyClicks(dialog.confirm_edit, "nouveau2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    _actor, must_change = users.authenticate(store, "paul", "nouveau2026")
    assert must_change


# -- audit -------------------------------------------------------------------------------------


def test_audit_lists_the_creation_and_narrows_as_you_type(qtbot, ctx, agent, coordinator):
    screen = AuditScreen(ctx)
    qtbot.addWidget(screen)
    summaries = table_texts(screen.model, AuditColumn.SUMMARY)
    assert "Création utilisateur paul" in summaries
    assert "Création utilisateur sandra" in summaries
    assert table_texts(screen.model, AuditColumn.AT)[0] == "14/09/2026 09:30"

    qtbot.keyClicks(screen.search_edit, "PAUL")
    qtbot.waitUntil(lambda: screen.model.rowCount() < len(summaries))
    narrowed = table_texts(screen.model, AuditColumn.SUMMARY)
    assert "Création utilisateur paul" in narrowed
    assert not any("sandra" in s for s in narrowed)

    screen.select_row(narrowed.index("Création utilisateur paul"))
    details = screen.details_edit.toPlainText()
    assert "Identifiant : paul" in details
    assert "Profil : Agent d'accueil" in details
    assert "Mot de passe : défini" in details


def test_audit_details_read_old_and_new_values_in_french(qtbot, ctx, store, admin, agent):
    draft = users.UserDraft("paul", "Paul Guichet", Role.COORDINATOR, False)
    users.save_user(store, admin, draft, agent.user_id)
    screen = AuditScreen(ctx)
    qtbot.addWidget(screen)
    summaries = table_texts(screen.model, AuditColumn.SUMMARY)
    row = summaries.index("Modification utilisateur paul : actif, profil")
    screen.select_row(row)
    details = screen.details_edit.toPlainText().splitlines()
    assert "Actif : Oui → Non" in details
    assert "Profil : Agent d'accueil → Coordinateur périscolaire" in details

    who = set(table_texts(screen.model, AuditColumn.USER))
    assert {"Anne Martin", "eTicket Guichet (automatique)"} <= who  # names, never « systeme »
    assert not who & {"admin", "systeme"}

    lines = describe_details({"phone_mobile": ["+33612345678", "+33712345678"], "zzz": [1, None]})
    assert lines == ["Portable : 06 12 34 56 78 → 07 12 34 56 78", "zzz : 1 → (vide)"]


def test_audit_user_filter_and_csv_export(qtbot, ctx, agent, tmp_path):
    screen = AuditScreen(ctx)
    qtbot.addWidget(screen)
    screen.user_combo.setCurrentIndex(screen.user_combo.findData("paul"))
    assert screen.model.rowCount() == 0  # paul has done nothing yet
    screen.user_combo.setCurrentIndex(screen.user_combo.findData("admin"))
    count = screen.model.rowCount()
    assert count > 0

    out = tmp_path / "journal.csv"
    assert screen.export_to(out) == count
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Date", "Utilisateur", "Action", "Objet", "Résumé", "Détails"]
    assert rows[1][:5] == [
        "14/09/2026 09:30",
        "Anne Martin",
        "Création",
        "Utilisateur",
        "Création utilisateur paul",
    ]


def test_an_agent_sees_the_refusal_instead_of_the_audit(qtbot, agent_ctx):
    screen = AuditScreen(agent_ctx)
    qtbot.addWidget(screen)
    assert screen.stack.currentWidget() is screen.denied_label
    assert "journal des opérations" in screen.denied_label.text()


def test_summary_field_names_are_translated(store, admin):
    settings.save_settings(store, admin, settings.AppSettings(idle_lock_minutes=7))
    line = audit.list_audit(store, admin, text="idle")[0]
    assert (
        readable_summary(line) == "Création paramètre « Verrouillage après inactivité (minutes) »"
    )


# -- settings ----------------------------------------------------------------------------------


def test_a_bad_postcode_is_shown_and_nothing_is_saved(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.organisation_page
    before = organisation.load_organisation(store)

    retype(qtbot, page.editors["postcode"], "7450")
    retype(qtbot, page.editors["city"], "Évian")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "code postal" in page.errors.message("postcode")
    assert organisation.load_organisation(store) == before

    retype(qtbot, page.editors["postcode"], "74500")
    retype(qtbot, page.editors["treasury_name"], "SGC de Thonon-les-Bains")
    retype(qtbot, page.editors["cash_ceiling_cents"], "1 500,00")
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert announced.args == [frozenset({"organisation"})]
    assert page.errors.message("postcode") == ""
    saved = organisation.load_organisation(store)
    assert (saved.city, saved.treasury_name, saved.cash_ceiling_cents) == (
        "Évian",
        "SGC de Thonon-les-Bains",
        150000,
    )
    assert page.editors["cash_ceiling_cents"].text().replace("\u202f", " ") == "1 500,00"


def test_a_ceiling_that_is_not_an_amount_is_refused(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.organisation_page
    retype(qtbot, page.editors["cash_ceiling_cents"], "beaucoup")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "montant" in page.errors.message("cash_ceiling_cents")
    assert organisation.load_organisation(store).cash_ceiling_cents == 0


def test_adding_a_school_shows_it_with_its_classes(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.schools_page
    qtbot.mouseClick(page.add_school_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(SchoolDialog)
    qtbot.keyClicks(dialog.name_edit, "École des Tilleuls")
    qtbot.keyClicks(dialog.address_edit, "5 rue des Tilleuls")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    item = page.school_item("École des Tilleuls")
    assert item is not None and item.childCount() == 8
    assert item.text(2) == "5 rue des Tilleuls"
    assert [item.child(i).text(0) for i in range(8)] == [
        "PS",
        "MS",
        "GS",
        "CP",
        "CE1",
        "CE2",
        "CM1",
        "CM2",
    ]

    page.tree.setCurrentItem(item)
    qtbot.mouseClick(page.add_class_button, Qt.MouseButton.LeftButton)
    class_dialog = page.findChild(ClassDialog)
    assert class_dialog.school_combo.currentText() == "École des Tilleuls"
    qtbot.keyClicks(class_dialog.name_edit, "CE1-CE2 B")
    class_dialog.level_combo.setCurrentIndex(class_dialog.level_combo.findText("CE1"))
    qtbot.mouseClick(class_dialog.save_button, Qt.MouseButton.LeftButton)
    item = page.school_item("École des Tilleuls")
    names = [item.child(i).text(0) for i in range(item.childCount())]
    assert names.index("CE1-CE2 B") == names.index("CE1") + 1


def test_a_duplicate_school_name_is_shown_in_the_dialog(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.schools_page
    dialog = page.open_school_dialog()
    qtbot.keyClicks(dialog.name_edit, "École du Lac")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "existe déjà" in dialog.errors.message("name")


def test_idle_minutes_are_saved_and_announced(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.desk_page
    assert page.idle_spin.value() == 5
    retype(qtbot, page.idle_spin.lineEdit(), "12")
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert announced.args == [frozenset({"settings"})]
    assert settings.load_settings(store).idle_lock_minutes == 12
    assert ctx.settings.idle_lock_minutes == 12


def test_settings_are_read_only_for_an_agent(qtbot, agent_ctx):
    screen = SettingsScreen(agent_ctx)
    qtbot.addWidget(screen)
    assert not screen.editable
    assert screen.read_only_note.isVisibleTo(screen)
    assert "Consultation seule" in screen.read_only_note.text()
    assert screen.organisation_page.editors["name"].isReadOnly()
    assert not screen.organisation_page.save_button.isVisibleTo(screen)
    assert not screen.schools_page.add_school_button.isVisibleTo(screen)
    assert not screen.desk_page.idle_spin.isEnabled()


# -- password ----------------------------------------------------------------------------------


def test_forced_password_change(qtbot, store, agent):
    _actor, must_change = users.authenticate(store, "paul", AGENT_PASSWORD)
    assert must_change
    ctx = AppContext(store, agent, ImmediateRunner(), ChangeBus())
    dialog = ChangePasswordDialog(ctx, forced=True)
    qtbot.addWidget(dialog)
    assert "fixé par un administrateur" in dialog.intro_label.text()
    assert dialog.findChild(type(dialog.save_button), "cancel_button") is None

    qtbot.keyClicks(dialog.current_edit, "pas-le-bon1")
    qtbot.keyClicks(dialog.new_edit, "monsecret26")
    qtbot.keyClicks(dialog.confirm_edit, "monsecret26")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("current") == "Le mot de passe actuel est incorrect."

    retype(qtbot, dialog.current_edit, AGENT_PASSWORD)
    with qtbot.waitSignal(dialog.password_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    _actor, must_change = users.authenticate(store, "paul", "monsecret26")
    assert not must_change


def test_password_change_checks_the_confirmation_first(qtbot, ctx, store):
    dialog = ChangePasswordDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.findChild(type(dialog.save_button), "cancel_button") is not None
    qtbot.keyClicks(dialog.current_edit, ADMIN_PASSWORD)
    qtbot.keyClicks(dialog.new_edit, "autre2026x")
    qtbot.keyClicks(dialog.confirm_edit, "autre2026y")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "ne correspond pas" in dialog.errors.message("confirmation")
    users.authenticate(store, "admin", ADMIN_PASSWORD)  # unchanged


# -- screenshots -------------------------------------------------------------------------------


def test_screenshots_are_rendered(qtbot, ctx, agent, tmp_path):
    saved = render_admin_screens(ctx, tmp_path)
    assert sorted(p.name for p in saved) == sorted(
        [
            "users.png",
            "user_dialog.png",
            "audit.png",
            "settings_organisation.png",
            "settings_organisation_tresor.png",
            "settings_schools.png",
            "settings_desk.png",
            "change_password.png",
        ]
    )
    assert all(p.stat().st_size > 1000 for p in saved)
