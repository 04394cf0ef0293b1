"""Screenshots of the desk's e-mail: the « Messagerie » settings tab (settings_mail.png), the
queue (mail_queue.png), a family's « Courriels » tab with a refusal (family_mails.png) and
« Envoyer les factures par e-mail » after a run (invoicing_send_by_email.png).

`render_mail_screens(ctx, out_dir)` wants a demo town whose October is invoiced (the history
town of scripts/screenshots.py): some payers accept e-mail, October's invoices are queued and
go through a stand-in relay that accepts most, refuses one address (550) and defers one (451).
Run this module to render on a small demo town: `python -m devtools.screenshots.mail OUT_DIR`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.services.core.changes import Topic
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.families.search import search_families
from eticket_desk.services.invoicing.queries import list_runs
from eticket_desk.services.mail.sender import send_pending
from eticket_desk.services.mail.settings import MailSettings, save_mail_settings
from eticket_desk.services.mail.transport import DefinitiveFailure, TemporaryFailure
from eticket_desk.ui.admin.mail_page import MailPage
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.mail.family_mails_tab import FamilyMailsTab
from eticket_desk.ui.mail.queue_screen import MailQueueScreen
from eticket_desk.ui.mail.send_invoices_box import SendInvoicesBox

SETTINGS = MailSettings(
    host="smtp.val-darve.example",
    port=587,
    security="starttls",
    login="regie.periscolaire",
    sender="regie@val-darve.example",
    sender_name="Régie périscolaire de Val-d'Arve",
    kitchen="commandes@cuisine-centrale.example",
)


class StandInRelay:
    """Accepts every message but the first family's (550) and the second's (451)."""

    settings = SETTINGS

    def __init__(self, refused: str, deferred: str) -> None:
        self.refused, self.deferred = refused, deferred

    def send(self, message) -> None:
        to = str(message["To"])
        if self.refused in to:
            raise DefinitiveFailure(
                "Adresse refusée par le serveur de messagerie : 550 5.1.1 "
                f"<{self.refused}>: Recipient address rejected: User unknown"
            )
        if self.deferred in to:
            raise TemporaryFailure(
                "Message refusé par le serveur de messagerie : 451 4.7.1 Greylisted, "
                "please try again later"
            )


def _consenting(ctx: AppContext, wanted: int) -> list:
    """`wanted` dossiers whose payer has an e-mail, now accepting documents by e-mail."""
    store, actor = ctx.store, ctx.actor
    done = []
    for hit in search_families(store, actor, "", limit=300):
        data = load_family(store, actor, hit.id)
        if not any(a.billing and a.email for a in data.adults):
            continue
        data.adults = [replace(a, mail_consent=a.billing and bool(a.email)) for a in data.adults]
        done.append(save_family(store, actor, data))
        if len(done) == wanted:
            break
    return done


def render_mail_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store, actor = ctx.store, ctx.actor
    save_mail_settings(store, actor, SETTINGS)
    saved = []
    page = MailPage(ctx, editable=True)
    page.test_edit.setText("secretariat@val-darve.example")
    saved.append(grab(page, out / "settings_mail.png", (900, 640), close=True))

    families = _consenting(ctx, 12)
    [october] = [r for r in list_runs(store, actor) if "octobre" in r.period_label]
    box = SendInvoicesBox(ctx)
    box.set_run(october.id)
    box.send_button.click()
    saved.append(grab(box, out / "invoicing_send_by_email.png", (900, 160), close=True))

    def payer(family) -> str:
        return next(a.email for a in family.adults if a.billing)

    send_pending(store, StandInRelay(payer(families[0]), payer(families[1])))
    ctx.bus.announce(Topic.MAIL)
    screen = MailQueueScreen(ctx)
    screen.show_sent.setChecked(True)
    screen.table.selectRow(0)
    saved.append(grab(screen, out / "mail_queue.png", (1200, 560), close=True))
    tab = FamilyMailsTab(ctx, families[0].id)
    saved.append(grab(tab, out / "family_mails.png", (1100, 260), close=True))
    return saved


def _sample(folder: Path) -> AppContext:
    from devtools.screenshots.invoicing import _sample as invoicing_sample

    return invoicing_sample(folder)


if __name__ == "__main__":
    import sys

    sys.exit(run_on_sample(_sample, render_mail_screens, "screenshots"))
