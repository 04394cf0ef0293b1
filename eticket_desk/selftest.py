"""The self-test of an installed copy (`eticket-desk --selftest`): database, every PDF, the window.

It checks that a bundle carries everything the desk needs at run time (migrations, fonts,
reportlab, babel's French data, holiday data, argon2, Qt and its French translation) by
doing the real thing in a temporary folder: a fresh database migrated to the latest schema,
a small demo town, one PDF of each kind, then the main window opened (offscreen unless a
platform is chosen) and closed. One French line per step; exit code 0, or 1 at the first
failing step (named on its line). The user's own database is never touched.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from eticket_desk.services.core.store import Actor, Store

DEMO_FAMILIES = 12
# A Thursday of the demo school year: garderies, canteen and buses run; printed the day before.
LIST_DAY = date(2026, 11, 26)
PRINTED_AT = datetime(2026, 11, 25, 16, 42)
MEAL_WEEK = (date(2026, 11, 23), date(2026, 11, 27))


@dataclass
class _Run:
    """What the steps share: the temporary folder, then the demo store and its administrator."""

    folder: Path
    store: Store | None = None
    actor: Actor | None = None
    pdfs: list[Path] = field(default_factory=list)

    def pdf(self, name: str) -> Path:
        return self.folder / "pdf" / name


def _checked_pdf(path: Path) -> str:
    """The size of a written PDF (« 12 ko »), or an error if the file is not a PDF."""
    path = Path(path)
    if not path.is_file():
        raise RuntimeError(f"fichier absent : {path.name}")
    size = path.stat().st_size
    with path.open("rb") as pdf:
        head = pdf.read(5)
    if size == 0 or head != b"%PDF-":
        raise RuntimeError(f"{path.name} n'est pas un PDF ({size} octets)")
    return f"{max(1, round(size / 1024))} ko"


# ------------------------------------------------------------------ steps


def _utf8_mode(_run: _Run) -> str:
    """The bundle runs in Python's UTF-8 mode (installer.spec): a file opened without an
    encoding by a library is UTF-8, not the Windows PC's cp1252. From the sources the mode
    is the interpreter's, and the desk names its encodings anyway."""
    if sys.flags.utf8_mode:
        return "fichiers texte en UTF-8"
    if getattr(sys, "frozen", False):
        raise RuntimeError("le paquet ne tourne pas en mode UTF-8 (installer.spec : X utf8=1)")
    return "désactivé hors paquet, le guichet nomme ses encodages"


def _database(run: _Run) -> str:
    from eticket_desk.models.database import current_revision, head_revision
    from eticket_desk.services.core.store import Store

    with Store(run.folder / "nouvelle-base.sqlite") as store:
        revision = current_revision(store.engine)
    head = head_revision()  # read from the migration scripts shipped with the program
    if revision != head:
        raise RuntimeError(f"révision {revision}, attendue {head}")
    return f"révision {revision}"


def _demo_town(run: _Run) -> str:
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.data import USERS
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town

    path = run.folder / "demo.sqlite"
    build_demo_town(path, DemoOptions(families=DEMO_FAMILIES, seed=1))
    run.store = Store(path, FrozenClock(PRINTED_AT))
    admin_login = next(login for login, _name, role, _civility in USERS if role == "admin")
    run.actor, _ = authenticate(run.store, admin_login, DEMO_PASSWORD)  # argon2 at work
    return f"{DEMO_FAMILIES} familles, connexion de {run.actor.full_name}"


def _receipt_a4(run: _Run) -> str:
    from eticket_desk.reports import receipt
    from eticket_desk.selftest_data import sample_receipt

    return _checked_pdf(receipt.render(sample_receipt(), run.pdf("quittance_a4.pdf")))


def _receipt_ticket(run: _Run) -> str:
    from eticket_desk.reports import receipt
    from eticket_desk.selftest_data import sample_receipt

    out = run.pdf("quittance_ticket.pdf")
    return _checked_pdf(receipt.render(sample_receipt(), out, layout="ticket"))


def _till_journal(run: _Run) -> str:
    from eticket_desk.reports import till_journal
    from eticket_desk.selftest_data import sample_journal

    return _checked_pdf(till_journal.render(sample_journal(), run.pdf("journal_caisse.pdf")))


def _deposit_slip(run: _Run) -> str:
    from eticket_desk.reports import deposit_slip
    from eticket_desk.selftest_data import sample_slip

    return _checked_pdf(deposit_slip.render(sample_slip(), run.pdf("bordereau_cheques.pdf")))


def _invoice(run: _Run) -> str:
    from eticket_desk.reports import invoice
    from eticket_desk.selftest_data import sample_invoice

    return _checked_pdf(invoice.render(sample_invoice(), run.pdf("facture.pdf")))


def _invoice_run(run: _Run) -> str:
    """A run big enough for worker processes: they are spawned from the program itself, which
    in a bundle works only when its entry point calls multiprocessing.freeze_support()."""
    from eticket_desk.reports.invoice_run import IN_PROCESS_BELOW, render_all
    from eticket_desk.selftest_data import generated_invoices

    invoices = generated_invoices(IN_PROCESS_BELOW)
    merged = run.pdf("factures_a_imprimer.pdf")
    written = render_all(invoices, run.folder / "factures", merged, workers=2)
    for path in written:
        _checked_pdf(path)
    return f"{len(written)} factures par 2 processus, {_checked_pdf(merged)} à imprimer"


def _reminder(run: _Run) -> str:
    from eticket_desk.reports import reminder_letter
    from eticket_desk.selftest_data import sample_reminder

    return _checked_pdf(reminder_letter.render(sample_reminder(), run.pdf("relance.pdf")))


def _attendance(run: _Run) -> str:
    from eticket_desk.services.attendance.lists import print_attendance

    out = run.pdf("listes_presence.pdf")
    return _checked_pdf(print_attendance(run.store, run.actor, LIST_DAY, out))


def _meal_counts(run: _Run) -> str:
    from eticket_desk.services.attendance.meals import meal_counts_of, print_meal_counts

    data = meal_counts_of(run.store, run.actor, *MEAL_WEEK)
    if data.total.meals == 0:
        raise RuntimeError("aucun repas compté dans la commune de démonstration")
    out = run.pdf("commande_repas.pdf")
    size = _checked_pdf(print_meal_counts(run.store, data, out))
    return f"{size}, {data.total.meals} repas"


def _family_export(run: _Run) -> str:
    from eticket_desk.rules.numbering import family_reference
    from eticket_desk.services.maintenance.privacy import export_family

    written = export_family(run.store, run.actor, family_reference(1), run.folder / "export")
    return _checked_pdf(next(p for p in written if p.suffix == ".pdf"))


def _excel_import(_run: _Run) -> str:
    """The shipped sample workbook, read the way the import reads a stranger's file: with
    defusedxml in the bundle (openpyxl parses XML without its defence otherwise)."""
    from eticket_desk.paths import resource
    from eticket_desk.services.importing.reading import read_table

    table = read_table(resource("samples", "import_familles.xlsx"))
    return f"{len(table.rows)} lignes lues"


def _keyring(_run: _Run) -> str:
    """The keyring the sync token would go to: on Windows the Credential Manager must be in
    the bundle (keyring finds its backends through its package metadata); elsewhere a
    computer may have none, which only the sync needs."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        if sys.platform == "win32":
            raise RuntimeError("aucun trousseau : le Gestionnaire d'identification manque")
        return "aucun sur ce poste : la synchronisation ne pourra pas garder son jeton"
    return type(backend).__module__.rsplit(".", 1)[-1] + "." + type(backend).__name__


def _qt_translation(_run: _Run) -> str:
    from eticket_desk.ui.selftest_window import check_french_translation

    return check_french_translation()


def _main_window(run: _Run) -> str:
    from eticket_desk.ui.selftest_window import open_main_window

    return open_main_window(run.store, run.actor)


# (key, the line's French name, the step). A key names the step to --selftest-skip.
STEPS: tuple[tuple[str, str, Callable[[_Run], str]], ...] = (
    ("utf8-mode", "Mode UTF-8 de Python", _utf8_mode),
    ("database", "Base créée et migrée", _database),
    ("demo-town", "Commune de démonstration", _demo_town),
    ("receipt-a4", "PDF quittance A4", _receipt_a4),
    ("receipt-ticket", "PDF quittance ticket", _receipt_ticket),
    ("till-journal", "PDF journal de caisse", _till_journal),
    ("deposit-slip", "PDF bordereau de remise de chèques", _deposit_slip),
    ("invoice", "PDF facture avec coupon", _invoice),
    ("invoice-run", "PDF d'une série de factures", _invoice_run),
    ("reminder", "PDF lettre de relance", _reminder),
    ("attendance", "PDF listes de présence", _attendance),
    ("meal-counts", "PDF commande de repas", _meal_counts),
    ("family-export", "PDF export des données d'une famille", _family_export),
    ("excel-import", "Import d'un classeur Excel", _excel_import),
    ("keyring", "Trousseau du système", _keyring),
    ("qt-translation", "Traduction française de Qt", _qt_translation),
    ("main-window", "Fenêtre principale", _main_window),
)
STEP_KEYS = tuple(key for key, _label, _step in STEPS)


# ------------------------------------------------------------------ running


def _console() -> TextIO | None:
    """Where to print: stdout, or — in the windowed Windows bundle, which has none — the
    console of the command prompt that started the program."""
    if sys.stdout is not None:
        return sys.stdout
    if sys.platform != "win32":
        return None
    import ctypes

    kernel32 = ctypes.windll.kernel32
    if not kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
        return None
    encoding = f"cp{kernel32.GetConsoleOutputCP()}"
    try:
        return open("CONOUT$", "w", encoding=encoding, errors="replace")  # noqa: SIM115
    except OSError:
        return None


def run_selftest(out: TextIO | None = None, skip: Collection[str] = ()) -> int:
    """Runs every step in a temporary folder; 0 when all passed, 1 at the first failure.

    The steps whose keys are in `skip` are not run: their line says so, and so does the last
    line, which counts the steps run (for a check on a system that cannot run one of them,
    e.g. the invoice run's worker processes under Wine: docs/windows.md)."""
    unknown = sorted(set(skip) - set(STEP_KEYS))
    if unknown:
        raise ValueError(f"étapes inconnues : {', '.join(unknown)}")
    out = out or _console()

    def say(text: str) -> None:
        if out is not None:
            print(text, file=out, flush=True)

    from eticket_desk import __version__

    frozen = " (paquet autonome)" if getattr(sys, "frozen", False) else ""
    say(f"Auto-test d'eTicket Guichet {__version__}{frozen}")
    started = time.perf_counter()
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="eticket-selftest-") as folder:
        run = _Run(Path(folder))
        (run.folder / "pdf").mkdir()
        try:
            for key, label, step in STEPS:
                if key in skip:
                    skipped.append(label)
                    say(f"{label} : NON FAIT (--selftest-skip {key})")
                    continue
                try:
                    detail = step(run)
                except Exception as failure:  # the step's name and why, then stop
                    say(f"{label} : ÉCHEC — {type(failure).__name__} : {failure}")
                    if out is not None:
                        traceback.print_exc(file=out)
                    return 1
                say(f"{label} : OK" + (f" ({detail})" if detail else ""))
        finally:
            if run.store is not None:
                run.store.close()
    elapsed = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    if skipped:
        done = len(STEPS) - len(skipped)
        say(
            f"Auto-test réussi en {elapsed} s : {done} étapes sur {len(STEPS)}, "
            f"non faites : {', '.join(skipped)}."
        )
    else:
        say(f"Auto-test réussi en {elapsed} s.")
    return 0
