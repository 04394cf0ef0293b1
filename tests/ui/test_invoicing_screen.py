"""The « Facturation » screen driven like a person: a run previewed, a family excluded, issued
with gapless numbers and its print file; a preview stopped leaves nothing; a run on the real
worker thread; the credit note dialog; the unpaid invoices totalled by age and reminded."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing.drafts import RunStopped, month_period
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices, list_runs
from eticket_desk.services.invoicing.run import family_credit, issue_run
from eticket_desk.ui import messages
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.invoicing import InvoicingScreen, common
from eticket_desk.ui.invoicing.credit_note_dialog import CreditNoteDialog
from eticket_desk.ui.invoicing.invoices_model import InvoiceColumn
from eticket_desk.ui.invoicing.preview_model import DraftColumn
from eticket_desk.ui.invoicing.run_dialog import RunDialog
from eticket_desk.ui.tasks import TaskRunner
from tests.conftest import validated_family

OCTOBER = [date(2026, 10, d) for d in (1, 2, 5, 6)]  # canteen days: 4,60 € each
NOVEMBER = [date(2026, 11, d) for d in (2, 3)]
DECEMBER = [date(2026, 12, 1)]


@pytest.fixture
def said(monkeypatch) -> dict:
    """What the screens would have shown in modal windows, answered « Oui »."""
    shown: dict[str, list] = {"previews": [], "questions": [], "errors": [], "folders": []}
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: shown["previews"].append((title, path)),
    )

    def ask(parent, title, text):
        shown["questions"].append(text)
        return True

    monkeypatch.setattr(messages, "ask_yes_no", ask)
    monkeypatch.setattr(
        messages,
        "show_error",
        lambda parent, exc, title="": shown["errors"].append(messages.error_text(exc)),
    )
    monkeypatch.setattr(common, "open_folder", lambda path: shown["folders"].append(path))
    return shown


@pytest.fixture
def town(store, admin, schools, activities, clock) -> dict:
    """Three families at the canteen (4,60 € a day, no QF): Dupont 4 days in October, 2 in
    November, 1 in December; Martin 3 days in October; Bernard 2 days in November."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    families = {}
    for name, days in (
        ("Dupont", OCTOBER + NOVEMBER + DECEMBER),
        ("Martin", OCTOBER[:3]),
        ("Bernard", NOVEMBER),
    ):
        family = validated_family(store, admin, schools, last_name=name)
        for day in days:
            book_day(store, admin, family.children[0].id, canteen.id, day)
        families[name] = family
    clock.current = datetime(2026, 11, 2, 9, 0)
    return families


def text(widget) -> str:
    return common.plain(widget.text())


def click_exclude(qtbot, page, reference: str) -> None:
    """Clicks the « Exclure » box of a family's line, where a person would."""
    index = page.proxy.index(page.row_of(reference), DraftColumn.EXCLUDED)
    option = QStyleOptionViewItem()
    option.initFrom(page.table)
    option.rect = page.table.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = page.table.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, page.table
    )
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def _screen(qtbot, ctx) -> InvoicingScreen:
    screen = InvoicingScreen(ctx)
    qtbot.addWidget(screen)
    return screen


def test_a_run_previewed_one_family_excluded_then_issued(qtbot, ctx, store, admin, town, said):
    screen = _screen(qtbot, ctx)
    qtbot.mouseClick(screen.new_run_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(RunDialog)
    assert dialog.period_page.month_combo.currentText() == "Octobre 2026"  # the month before

    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    page = dialog.preview_page
    assert dialog.state == "preview"
    assert page.proxy.rowCount() == 2
    assert text(page.summary_label) == "Octobre 2026 : 2 factures pour 32,20 €"
    martin, dupont = town["Martin"], town["Dupont"]
    page.table.selectRow(page.row_of(martin.reference))
    detail = common.plain(page.detail.toPlainText())
    assert "Léa MARTIN" in detail and "3 jours × 4,60 €" in detail and "13,80 €" in detail
    assert "Jours facturés : 1er, 2 et 5 octobre" in detail  # as the invoice will print them

    click_exclude(qtbot, page, martin.reference)
    assert page.model.excluded_ids() == {martin.id}
    assert (
        text(page.summary_label) == "Octobre 2026 : 1 facture pour 18,40 € — 1 exclue(s) (13,80 €)"
    )
    qtbot.keyClicks(page.search_edit, "dupont")
    assert page.proxy.rowCount() == 1

    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    [question] = said["questions"]
    assert common.plain(question).startswith(
        "1 facture, 18,40 € — une facture émise ne peut plus être modifiée."
    )
    assert dialog.state == "done"
    assert text(dialog.numbers_label) == "Numéros F-2026-000001 à F-2026-000001"
    assert "Octobre 2026 : 1 facture émise — 18,40 €" in text(dialog.done_title)
    assert text(dialog.due_label) == "À payer au plus tard le 02/12/2026."
    assert martin.reference in dialog.excluded_label.text()
    [invoice] = list_invoices(store, admin)
    assert invoice.family_id == dupont.id and invoice.number == "F-2026-000001"

    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    [(title, merged)] = said["previews"]
    assert title == "Factures octobre 2026 — à imprimer"
    assert "F-2026-000001" in PdfReader(merged).pages[0].extract_text()
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert said["folders"] == [merged.parent]
    assert (merged.parent / "F-2026-000001.pdf").exists()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    # the screen heard of the run: the run and its invoice are listed
    invoices = screen.invoices_page
    assert invoices.runs_model.rowCount() == 1
    assert invoices.invoices_model.rowCount() == 1
    # the excluded family is billed by the next run of the month, numbered after
    dialog = screen.open_run_dialog()
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.preview_page.proxy.rowCount() == 1
    assert dialog.preview_page.already_list.item(0).text().startswith(dupont.reference)
    dialog.issue()
    assert text(dialog.numbers_label) == "Numéros F-2026-000002 à F-2026-000002"
    assert [i.number for i in list_invoices(store, admin)] == ["F-2026-000002", "F-2026-000001"]


class LaterRunner(TaskRunner):
    """Keeps the submitted calls until `run_pending` — the time a person has to click."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list = []
        self.failures: list[BaseException] = []

    def submit(self, fn, on_done=None, on_error=None) -> None:
        self.pending.append((fn, on_done, on_error))

    def run_pending(self) -> None:
        while self.pending:
            fn, on_done, on_error = self.pending.pop(0)
            try:
                value = fn()
            except Exception as exc:
                self.failures.append(exc)
                on_error(exc)
            else:
                if on_done is not None:
                    on_done(value)


def test_stopping_the_preview_leaves_nothing(qtbot, store, admin, town, said):
    runner = LaterRunner()
    ctx = AppContext(store, admin, runner, ChangeBus())
    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    runner.run_pending()  # the school year's periods
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "computing"
    assert not dialog.stop_button.isHidden() and dialog.issue_button.isHidden()
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    runner.run_pending()
    assert [type(e) for e in runner.failures] == [RunStopped]  # the service itself stopped
    assert dialog.state == "period"
    assert text(dialog.period_page.status_label) == "Aperçu arrêté : rien n'a été calculé ni émis."
    assert list_runs(store, admin) == [] and list_invoices(store, admin) == []
    # a second try goes to the end
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    runner.run_pending()
    assert dialog.state == "preview" and dialog.preview_page.proxy.rowCount() == 2


def test_a_run_on_the_worker_thread_with_its_progress(qtbot, store, admin, town, said):
    runner = TaskRunner()
    ctx = AppContext(store, admin, runner, ChangeBus())
    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.period_page.fare_combo.count() > 0)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "preview")
    dialog.reject()  # closing is refused only while the invoices are being issued
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "issuing" and not dialog.close_button.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=30_000)
    assert text(dialog.numbers_label) == "Numéros F-2026-000001 à F-2026-000002"
    # two invoices: the bar counts two, not the merged file as a third
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == 2
    assert dialog.merged.exists()
    assert runner.wait()


def test_an_empty_month_and_an_unpriced_fare_are_said(
    qtbot, ctx, store, admin, town, activities, said
):
    from eticket_desk.rules.templates import FareOption, WeekTemplate
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.period_page.month_combo.itemText(0) == "Octobre 2026"  # November: not over
    dialog.period_page.choose_month("2026-09")
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "period"
    assert text(dialog.period_page.status_label) == "Rien à facturer pour septembre 2026."

    # the fares of the period under way: no fare is priced yet, so nothing is billed and the
    # screen says which fares have no tariff
    fares = dialog.period_page.fare_combo
    period = fares.currentData()
    assert period.start <= date(2026, 11, 2) <= period.end
    draft = SubscriptionDraft(
        town["Dupont"].children[0].id,
        activities["TAP"].id,
        period.start,
        period.end,
        WeekTemplate(frozenset({1})),
        fare_option=FareOption.ONE,
    )
    apply_subscription(store, admin, draft)
    qtbot.mouseClick(dialog.period_page.fare_radio, Qt.MouseButton.LeftButton)
    assert dialog.period_page.period() == period
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "period"
    assert text(dialog.period_page.status_label).endswith(
        "Sans tarif de forfait, non facturé : Bus 8h30, TAP."
    )


def _issued(store, admin, clock):
    issue_run(store, admin, month_period("2026-10"))  # 2 November, due 2 December
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))  # due 31 December


def test_the_credit_note_dialog(qtbot, ctx, store, admin, town, clock, said):
    _issued(store, admin, clock)
    dupont = town["Dupont"]
    [october] = [i for i in list_invoices(store, admin, "F-2026-000001")]
    open_till(store, admin, 0)
    pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(
            dupont.id, (october.id,), (PaymentInput(Method.CASH, 1000),), accept_difference=True
        ),
    )
    screen = _screen(qtbot, ctx)
    page = screen.invoices_page
    assert page.invoices_model.rowCount() == 4
    page.select_invoice("F-2026-000001")
    row = page.invoices_view.selectionModel().selectedRows()[0].row()
    status = page.invoices_view.model().index(row, InvoiceColumn.STATUS).data()
    assert status == "Partiellement réglée"

    qtbot.mouseClick(page.credit_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(CreditNoteDialog)
    assert "Les 10,00 € déjà réglés deviennent un crédit" in common.plain(
        " ".join(label.text() for label in dialog.findChildren(type(dialog.error)))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Indiquez le motif de l'avoir."
    qtbot.keyClicks(dialog.reason_edit, "Sortie scolaire : repas non servis")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    [(title, path)] = said["previews"]
    assert title == "Avoir A-2026-000001"
    content = PdfReader(path).pages[0].extract_text()
    assert "A-2026-000001" in content and "F-2026-000001" in content
    assert family_credit(store, dupont.id) == 1000
    proxy = page.invoices_view.model()
    statuses = {
        proxy.index(r, InvoiceColumn.NUMBER).data(): proxy.index(r, InvoiceColumn.STATUS).data()
        for r in range(proxy.rowCount())
    }
    assert statuses["A-2026-000001"] == "Avoir"
    assert statuses["F-2026-000001"] == "Annulée par avoir (A-2026-000001)"
    page.select_invoice("F-2026-000001")
    assert not page.credit_button.isEnabled()

    # double-click shows an invoice; the search finds a family by name
    page.select_invoice("F-2026-000002")
    index = page.invoices_view.selectionModel().selectedRows()[0]
    page.invoices_view.doubleClicked.emit(index)
    assert said["previews"][-1][0] == "Facture F-2026-000002"
    qtbot.keyClicks(page.search_edit, "martin")
    qtbot.waitUntil(lambda: page.invoices_model.rowCount() == 1)
    assert "MARTIN" in page.invoices_model.row_at(0).family_name.upper()


def test_a_past_run_printed_again(qtbot, ctx, store, admin, town, clock, said):
    _issued(store, admin, clock)
    screen = _screen(qtbot, ctx)
    page = screen.invoices_page
    page.runs_view.selectRow(1)  # October
    assert page.invoices_model.rowCount() == 2
    qtbot.mouseClick(page.run_folder_button, Qt.MouseButton.LeftButton)
    assert said["folders"] == [] and "pas été écrits" in page.count_label.text()
    qtbot.mouseClick(page.print_run_button, Qt.MouseButton.LeftButton)  # writes them
    qtbot.mouseClick(page.print_run_button, Qt.MouseButton.LeftButton)  # already there
    [(title, first), (_, second)] = said["previews"]
    assert title == "Factures octobre 2026 — à imprimer" and first == second
    assert len(PdfReader(first).pages) == 2
    qtbot.mouseClick(page.run_folder_button, Qt.MouseButton.LeftButton)
    assert said["folders"] == [first.parent]
    qtbot.mouseClick(page.all_button, Qt.MouseButton.LeftButton)
    assert page.invoices_model.rowCount() == 4


def _bucket_rows(page) -> list[list[str]]:
    table = page.buckets_table
    return [
        [common.plain(table.item(r, c).text()) for c in range(4)] for r in range(table.rowCount())
    ]


def test_unpaid_invoices_by_age_and_reminder_letters(qtbot, ctx, store, admin, town, clock, said):
    _issued(store, admin, clock)
    dupont, martin, bernard = town["Dupont"], town["Martin"], town["Bernard"]
    open_till(store, admin, 0)
    october = {
        i.family_id: i for i in list_invoices(store, admin) if i.period_label.startswith("octobre")
    }
    for family, amount in ((martin, 1380), (dupont, 1000)):
        pay_invoices(
            store,
            admin,
            InvoicePaymentRequest(
                family.id,
                (october[family.id].id,),
                (PaymentInput(Method.CASH, amount),),
                accept_difference=True,
            ),
        )
    clock.current = datetime(2027, 1, 4, 9, 0)
    issue_run(store, admin, month_period("2026-12"))  # due 3 February
    clock.current = datetime(2027, 1, 5, 9, 0)

    screen = _screen(qtbot, ctx)
    screen.tabs.setCurrentWidget(screen.unpaid_page)
    page = screen.unpaid_page
    assert _bucket_rows(page) == [
        ["Pas encore échue", "1", "1", "4,60 €"],
        ["1 à 30 jours", "2", "2", "18,40 €"],
        ["31 à 60 jours", "1", "1", "8,40 €"],
        ["61 à 90 jours", "0", "0", "0,00 €"],
        ["Plus de 90 jours", "0", "0", "0,00 €"],
        ["Total", "4", "2", "31,40 €"],
    ]
    page.buckets_table.selectRow(2)
    [item] = page.family_items()
    assert item.text(0) == f"{dupont.reference} — {dupont.display_name}"
    assert [item.child(i).text(0) for i in range(item.childCount())] == [
        "F-2026-000001 — octobre 2026"
    ]
    assert common.plain(item.child(0).text(4)) == "8,40 €" and item.child(0).text(2) == "34 j"

    page.buckets_table.selectRow(5)  # Total
    assert len(page.family_items()) == 2
    qtbot.mouseClick(page.check_late_button, Qt.MouseButton.LeftButton)
    assert page.checked == {dupont.id, bernard.id}
    bernard_item = next(i for i in page.family_items() if bernard.reference in i.text(0))
    bernard_item.setCheckState(0, Qt.CheckState.Unchecked)
    assert page.selection_label.text() == "1 famille(s) cochée(s)"

    qtbot.mouseClick(page.letters_button, Qt.MouseButton.LeftButton)
    [(title, letter)] = said["previews"]  # a single letter is shown at once
    assert title.startswith(f"Lettre de relance — Relance {dupont.reference}")
    content = PdfReader(letter).pages[0].extract_text()
    assert "F-2026-000001" in content and "F-2026-000003" in content  # past due only
    assert "F-2026-000005" not in content
    assert page.letters_bar.isVisibleTo(page)
    qtbot.mouseClick(page.letters_folder_button, Qt.MouseButton.LeftButton)
    assert said["folders"] == [letter.parent]


def test_pdfs_that_fail_can_be_written_again(qtbot, ctx, store, admin, town, said, monkeypatch):
    from eticket_desk.services.invoicing import documents as invoice_documents

    write = invoice_documents.write_run_pdfs

    @changes(Topic.INVOICES)
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(invoice_documents, "write_run_pdfs", disk_full)
    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    dialog.issue()
    assert dialog.state == "done"
    assert text(dialog.numbers_label) == "Numéros F-2026-000001 à F-2026-000002"
    assert "n'ont pas pu être écrits" in dialog.done_page.pdf_error.text()
    assert dialog.print_button.isHidden() and not dialog.retry_button.isHidden()
    monkeypatch.setattr(invoice_documents, "write_run_pdfs", write)
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    assert dialog.done_page.pdf_error.isHidden() and not dialog.print_button.isHidden()
    assert (dialog.folder / "F-2026-000002.pdf").exists()
    assert len(list_invoices(store, admin)) == 2  # issued once


def test_screenshots_are_rendered(qtbot, ctx, store, town, clock, tmp_path):
    from devtools.screenshots.invoicing import render_invoicing_screens

    kept = clock.current
    paths = render_invoicing_screens(ctx, tmp_path)
    assert [p.name for p in paths] == [
        "invoicing_period.png",
        "invoicing_preview.png",
        "invoicing_done.png",
        "invoicing_invoices.png",
        "invoicing_credit_note.png",
        "invoicing_unpaid.png",
        "invoicing_finance_export.png",
        "invoicing_certificates.png",
    ]
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert clock.current == kept


def test_the_regisseur_finds_facturation_in_the_navigation(qtbot, store, admin, agent):
    from eticket_desk.rules.permissions import Role
    from eticket_desk.services.core.store import Actor
    from eticket_desk.ui.main_window import MainWindow
    from eticket_desk.ui.tasks import ImmediateRunner

    regisseur = Actor(admin.user_id, "regie", "Régisseur", Role.REGISSEUR)
    window = MainWindow(AppContext(store, regisseur, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    # the day's work first: Facturation right after the lists, before the set-up screens
    assert labels.index("Facturation") == labels.index("Listes et présences") + 1
    window.show_page("invoicing")
    assert isinstance(window.current_screen(), InvoicingScreen)
    window = MainWindow(AppContext(store, agent, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    assert "Facturation" not in [window.nav.item(i).text() for i in range(window.nav.count())]


def test_the_progress_says_each_step_and_counts_exactly_the_invoices(
    qtbot, ctx, store, admin, town, said
):
    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    seen = []  # what the bar showed at each report: (step, busy, value, maximum)

    def look(*_report) -> None:
        bar = dialog.progress_bar
        busy = bar.minimum() == bar.maximum() == 0
        seen.append((dialog.work_step.text(), busy, bar.value(), bar.maximum()))

    dialog._progress.moved.connect(look)
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "done"
    steps = [step for step, *_ in seen]
    # from the start, the bar says what is being prepared (busy, not « 0 / 2 » standing still)
    assert seen[0] == (
        "Calcul des factures d'après des réservations (les mêmes que l'aperçu)…",
        True,
        0,
        0,
    )
    assert ("Numérotation des factures", False, 2, 2) in seen
    assert steps.index("Enregistrement des factures…") > steps.index("Numérotation des factures")
    assert "Lecture des factures émises…" in steps
    assert ("Écriture des PDF", False, 1, 2) in seen
    assert seen[-1] == ("PDF écrits", False, 2, 2)
    assert {maximum for _step, busy, _value, maximum in seen if not busy} == {2}
    assert dialog.progress_bar.text() == "2 / 2 factures"


def test_months_are_lower_case_in_a_sentence_and_in_file_names(
    qtbot, ctx, store, admin, town, said
):
    dialog = RunDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.period_page.month_combo.currentText() == "Octobre 2026"  # a list's item
    qtbot.mouseClick(dialog.compute_button, Qt.MouseButton.LeftButton)
    assert common.plain(dialog.confirmation_text()).endswith(
        "Émettre les factures d'octobre 2026 ?"
    )
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.merged.name == "Factures octobre 2026 - à imprimer.pdf"
    assert dialog.merged.parent.name == "octobre 2026"
    assert text(dialog.done_title).startswith("Octobre 2026 : 2 factures émises")  # sentence start
    [run] = list_runs(store, admin)
    assert run.period_label == "octobre 2026"


def test_the_invoice_list_invites_to_search_before_saying_nothing_matches(
    qtbot, ctx, store, admin, said
):
    screen = _screen(qtbot, ctx)
    page = screen.invoices_page
    assert text(page.count_label) == (
        "Aucune facture émise pour l'instant : « Nouvelle facturation… » les émet."
    )
    qtbot.keyClicks(page.search_edit, "dupont")
    page.load_invoices()
    assert text(page.count_label) == "Aucune facture ne correspond à « dupont »."
