"""Screenshots of the counter: the till still closed, the families matching a name typed, a
sale being typed (change shown), the sale done, the régie's documents (cheques to hand over)
and the receipt's preview.

`render_counter_screens(ctx, out_dir, family_id)` opens the till if it is closed and really
sells tickets to that family (use a demo or scratch store). Run on a demo file:
`python -m devtools.screenshots.counter DB OUT_DIR` (logs in as the demo régisseur,
who may also issue the invoices it pays).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from devtools.screenshots.tools import grab
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.catalogue.tariffs import list_ticket_types
from eticket_desk.services.counter.sales import SaleRequest, quote_sale, sell_tickets
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.families.search import search_families
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.counter.regie_documents import RegieDocumentsDialog
from eticket_desk.ui.pdf_preview import PdfPreviewDialog

SCREEN_SIZE = (1200, 760)


def _settle(ctx: AppContext) -> None:
    wait = getattr(ctx.runner, "wait", None)
    for _ in range(3):
        if wait is not None:
            wait()
        QApplication.processEvents()


def _shown(ctx: AppContext) -> CounterScreen:
    screen = CounterScreen(ctx)
    screen.resize(*SCREEN_SIZE)
    screen.show()
    screen.activateWindow()  # the search list shows while the field has the keyboard
    _settle(ctx)
    return screen


def _till_closed(ctx: AppContext, out: Path, family_id) -> list[Path]:
    """The family scanned while the till is still closed (nothing when it is open)."""
    if current_till(ctx.store) is not None:
        return []
    screen = _shown(ctx)
    screen.open_family(family_id)
    _settle(ctx)
    return [grab(screen, out / "counter_till_closed.png", close=True)]


def _search_list(ctx: AppContext, out: Path) -> Path:
    """A name shared by a few families typed, the second one highlighted with ↓ ↓."""
    names = (h.display_name.split()[0] for h in search_families(ctx.store, ctx.actor, ""))
    name = next(n for n in names if 3 <= len(search_families(ctx.store, ctx.actor, n)) <= 6)
    screen = _shown(ctx)
    screen.search_edit.setFocus()
    QTest.keyClicks(screen.search_edit, name.lower())
    _settle(ctx)
    QTest.keyClick(screen.search_edit, Qt.Key.Key_Return)  # several: the list says choose
    for _ in range(2):
        QTest.keyClick(screen.search_edit, Qt.Key.Key_Down)
    _settle(ctx)
    return grab(screen, out / "counter_search.png", close=True)


def render_counter_screens(ctx: AppContext, out_dir: Path | str, family_id) -> list[Path]:
    """Saves counter_till_closed.png, counter_search.png, counter.png (a sale being typed),
    counter_done.png (after it) and the régie's and the receipt's."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shots = _till_closed(ctx, out, family_id)
    if current_till(ctx.store) is None:
        open_till(ctx.store, ctx.actor, 15_000)
    shots.append(_search_list(ctx, out))
    screen = _shown(ctx)
    screen.open_family(family_id)
    _settle(ctx)
    spin = next(iter(screen.spins.values()))  # it has the keyboard once the family is in
    spin.selectAll()
    QTest.keyClicks(spin, "10")
    _settle(ctx)
    total = screen.quote.total_cents if screen.quote else 0
    given = (total // 5_000 + 1) * 5_000
    QTest.keyClick(spin, Qt.Key.Key_Tab)  # to the money handed over
    QTest.keyClicks(screen.payments.rows[0].amount_edit, format_cents(given).split(",")[0])
    _settle(ctx)
    saved = [*shots, out / "counter.png", out / "counter_done.png"]
    screen.grab().save(str(saved[-2]))
    screen._on_confirm_button_clicked()
    _settle(ctx)
    screen.grab().save(str(saved[-1]))
    receipt = screen.done_box.receipt_path
    screen.close()
    screen.deleteLater()
    saved.append(_regie_documents(ctx, out, family_id))
    saved.append(_invoice_payment(ctx, out, family_id))
    if receipt is not None:
        dialog = PdfPreviewDialog(receipt, "Reçu")
        dialog.resize(820, 900)
        dialog.show()
        QTest.qWait(600)  # QPdfView renders its pages in the background
        saved.append(grab(dialog, out / "pdf_preview.png", close=True))
    return saved


def _invoice_payment(ctx: AppContext, out: Path, family_id) -> Path:
    """September invoiced on 1 October, then the family's coupon scanned at the counter."""
    clock = ctx.store.clock
    kept = getattr(clock, "current", None)
    if kept is not None:
        clock.current = datetime(2026, 10, 1, 10, 0)
    try:
        issue_run(ctx.store, ctx.actor, month_period("2026-09"))
        number = next(i.number for i in list_invoices(ctx.store, ctx.actor, family_id=family_id))
        screen = CounterScreen(ctx)
        screen.resize(*SCREEN_SIZE)
        screen.show()
        _settle(ctx)
        screen.search_edit.setText(number)
        screen.search_bar._on_search_edit_return_pressed()
        _settle(ctx)
        row = screen.invoice_panel.payments.rows[0]
        row.set_method(Method.CHEQUE)
        row.amount_edit.setText(
            format_cents(screen.invoice_panel.expected_cents()).replace("\xa0€", "")
        )
        row.cheque_number_edit.setText("8123456")
        row.cheque_bank_edit.setText("Crédit Agricole des Savoie")
        row.cheque_drawer_edit.setText(screen.family.display_name)
        _settle(ctx)
        return grab(screen, out / "counter_invoice.png", close=True)
    finally:
        if kept is not None:
            clock.current = kept


def _regie_documents(ctx: AppContext, out: Path, family_id) -> Path:
    """Three cheques received, then the régie's documents dialog that lists them."""
    tickets = list_ticket_types(ctx.store)[0]
    for index, (bank, drawer) in enumerate(
        (
            ("Crédit Agricole des Savoie", "M. MÉGEVAND Paul"),
            ("La Banque Postale", "Mme FAVRE Élodie"),
            ("Banque Populaire AURA", "M. ou Mme BOUVIER"),
        )
    ):
        quote = quote_sale(ctx.store, ctx.actor, family_id, ((tickets.id, 5 + index * 5),))
        cheque = PaymentInput(
            Method.CHEQUE, quote.total_cents, f"{4_512_307 + index * 7919:07d}", bank, drawer
        )
        request = SaleRequest(family_id, ((tickets.id, 5 + index * 5),), (cheque,))
        sell_tickets(ctx.store, ctx.actor, request)
    dialog = RegieDocumentsDialog(ctx)
    _settle(ctx)
    return grab(dialog, out / "regie_documents.png", (1100, 520), close=True)


def render_regie_history(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """On a demo town at its default today: the régie's documents dialog on the past till
    days (regie_journals.png) and the deposit slips made (regie_slips.png)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dialog = RegieDocumentsDialog(ctx)
    _settle(ctx)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)  # « Journaux de caisse »
    saved = [grab(dialog, out / "regie_journals.png", (1100, 520))]
    dialog.tabs.setCurrentWidget(dialog.slips_page)
    saved.append(grab(dialog, out / "regie_slips.png", (1100, 520), close=True))
    return saved


def main(argv: list[str]) -> None:
    from eticket_desk.services.access import users
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    app = QApplication.instance() or QApplication(argv)
    store = Store(Path(argv[1]))
    actor, _ = users.authenticate(store, "regisseur", DEMO_PASSWORD)
    ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus())
    family = next(h for h in search_families(store, actor, "") if h.status.value == "validated")
    for path in render_counter_screens(ctx, argv[2], family.id):
        print(path)
    del app


if __name__ == "__main__":
    main(sys.argv)
