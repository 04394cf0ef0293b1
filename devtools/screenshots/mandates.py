"""Screenshots of the SEPA mandate in the dossier (« Prélèvement SEPA » in the Famille tab,
the new mandate's dialog, a typo'd IBAN refused) and samples of the mandate form to sign and
of an invoice's debit notice, for docs/screenshots.

`python -m devtools.screenshots.mandates OUT_DIR` renders them over the sample dossier.
Writes to the store (the commune's ICS, a mandate): use a demo or throw-away base."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from devtools.screenshots.family_editor import run_with_sample_dossier
from devtools.screenshots.tools import grab
from eticket_desk.reports import invoice as invoice_pdf
from eticket_desk.reports.invoice import InvoiceData, InvoiceLine, children_of
from eticket_desk.reports.invoice_debit import DebitNotice
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.mandate_print import print_mandate
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _png(pdf: Path, png: Path) -> Path | None:
    if shutil.which("pdftoppm") is None:
        return None
    stem = str(png.with_suffix(""))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), stem], check=True)
    return png


def render_mandate_screens(ctx: AppContext, out_dir: Path, family_id: uuid.UUID) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    organisation = load_organisation(ctx.store)
    if not organisation.sepa_ics:
        organisation = dataclasses.replace(organisation, sepa_ics="FR72ZZZ123456")
        save_organisation(ctx.store, ctx.actor, organisation)
    editor = FamilyEditorDialog(ctx, family_id)
    editor.resize(1000, 760)
    editor.show()
    QApplication.processEvents()
    editor.tabs.setCurrentWidget(editor.family_tab)
    box = editor.mandate_box
    paths = []
    box.new_button.click()
    dialog = box.dialog
    dialog.fields["iban"].setText(IBAN[:-1] + "8")
    dialog.save_button.click()
    QApplication.processEvents()
    paths.append(grab(dialog, out_dir / "mandate_dialog_error.png", fit=True))
    dialog.fields["iban"].setText(IBAN)
    dialog.errors.clear()
    paths.append(grab(dialog, out_dir / "mandate_dialog.png", fit=True))
    dialog.save_button.click()
    QApplication.processEvents()
    paths.append(grab(editor, out_dir / "family_editor_mandate.png"))
    pdf = print_mandate(ctx.store, ctx.actor, box.mandate.id, out_dir / "mandat-sepa.pdf")
    paths.append(_png(pdf, out_dir / "sepa_mandate.png"))
    pdf.unlink()
    paths.append(_invoice_sample(ctx, box.mandate.rum, organisation, out_dir))
    editor.close()
    return [p for p in paths if p is not None]


def _invoice_sample(ctx, rum: str, organisation, out_dir: Path) -> Path | None:
    """An invoice of a family on direct debit, as the run prints it."""
    line = InvoiceLine("Cantine", "12 jours × 3,85 € (tranche 2 sur 3, QF 742)", 12, 385, 4620)
    data = InvoiceData(
        organisation=organisation,
        kind="invoice",
        number="F-2026-000123",
        family_reference="F00042",
        billing_name="Camille LEFÈVRE",
        address_lines=("8 chemin des Vignes", "74500 NEUVECELLE"),
        issued_on=date(2026, 12, 1),
        period_label="novembre 2026",
        due_on=date(2026, 12, 31),
        children=children_of([("Léa LEFÈVRE", "École Jules Ferry — CP", line)]),
        total_cents=4620,
        amount_due_cents=4620,
        debit=DebitNotice(date(2026, 12, 15), "FR76 •••• 0189", rum, organisation.sepa_ics),
    )
    pdf = invoice_pdf.render(data, out_dir / "facture-prelevee.pdf")
    png = _png(pdf, out_dir / "invoice_debit_notice.png")
    pdf.unlink()
    return png


def main(argv: list[str]) -> int:
    return run_with_sample_dossier(argv, render_mandate_screens)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
