"""Screenshots of the dossier editor (one per tab, one with field errors) for docs/screenshots.

`python -m devtools.screenshots.family_editor OUT_DIR` renders them over a throw-away
store holding one realistic family.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from devtools.screenshots.tools import grab
from eticket_desk.services.families.data import AdultData, ChildData, FamilyData
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog
from eticket_desk.ui.family_editor.signals import emit

TABS = ("famille", "adultes", "enfants", "tiers")


def render_editor_screens(
    ctx: AppContext, out_dir: Path, family_id: uuid.UUID | None = None
) -> list[Path]:
    """Open the editor on a family (the first one found by default) and grab every tab."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if family_id is None:
        family_id = search_families(ctx.store, ctx.actor, "", limit=1)[0].id
    dialog = FamilyEditorDialog(ctx, family_id)
    dialog.show()
    paths = []
    for index, name in enumerate(TABS):
        dialog.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        paths.append(out_dir / f"family_editor_{name}.png")
        dialog.grab().save(str(paths[-1]))

    # The same dossier with typing mistakes, as the agent sees them after "Enregistrer".
    dialog.tabs.setCurrentWidget(dialog.adults_page)
    dialog.adults_page.select(0)
    form = dialog.adult_form
    for name, text in (("phone_mobile", "06 12"), ("email", "marie.dupont@"), ("postcode", "745")):
        form.fields[name].line_edit.setText(text)
        emit(form.fields[name].line_edit.textEdited, text)
    dialog.save()
    QApplication.processEvents()
    paths.append(out_dir / "family_editor_errors.png")
    dialog.grab().save(str(paths[-1]))
    dialog.discard_changes()
    dialog.close()
    return paths


def _wallet_history(ctx: AppContext, family_id: uuid.UUID) -> None:
    """What a wallet tab shows after a few days at the desk: a sale, prepaid days booked and
    one cancelled in time, a régisseur's correction (writes to the store: use a demo file)."""
    from eticket_desk.rules.activity import BillingMode
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.rules.pricing import Method, PaymentInput
    from eticket_desk.services.bookings.booking import book_day, cancel_booking
    from eticket_desk.services.catalogue.activities import list_activities
    from eticket_desk.services.counter.sales import SaleRequest, sell_tickets
    from eticket_desk.services.counter.till import current_till, open_till
    from eticket_desk.services.counter.wallet import balances, correct_wallet
    from eticket_desk.services.families.dossiers import load_family

    store, actor = ctx.store, ctx.actor
    ticket = balances(store, actor, family_id)[0]
    if current_till(store) is None:
        open_till(store, actor, 15_000)
    sell_tickets(
        store,
        actor,
        SaleRequest(family_id, ((ticket.ticket_type_id, 10),), (PaymentInput(Method.CASH, 5_000),)),
    )
    children = load_family(store, actor, family_id).children
    prepaid = [a for a in list_activities(store) if a.billing_mode == BillingMode.PREPAID]
    monday = store.clock.today() + timedelta(days=7 - store.clock.today().weekday())
    booked = []
    for activity in prepaid:
        for offset in range(5):
            day = monday + timedelta(days=offset)
            try:
                outcome = book_day(store, actor, children[0].id, activity.id, day)
            except DomainError:
                continue
            if outcome.changed:
                booked.append((activity.id, day))
        if len(booked) >= 3:
            break
    if booked:
        cancel_booking(store, actor, children[0].id, *booked[-1])
    correct_wallet(
        store, actor, family_id, ticket.ticket_type_id, -2, "Tickets papier repris en double"
    )


def render_wallet_screens(ctx: AppContext, out_dir: Path, family_id: uuid.UUID) -> list[Path]:
    """The dossier on its « Porte-monnaie » tab after a few days at the desk, and the
    régisseur's correction dialog being filled in. Sells and books: use a demo store."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _wallet_history(ctx, family_id)
    dialog = FamilyEditorDialog(ctx, family_id)
    dialog.resize(1100, 760)
    dialog.tabs.setCurrentWidget(dialog.wallet)
    paths = [grab(dialog, out_dir / "family_editor_wallet.png")]
    dialog.wallet.correct_button.click()
    correction = dialog.wallet.correction_dialog
    correction.remove_radio.setChecked(True)
    correction.quantity_spin.setValue(1)
    correction.reason_edit.setText("Ticket rendu par erreur le 14/09")
    paths.append(grab(correction, out_dir / "wallet_correction.png", fit=True))
    correction.reject()
    dialog.close()
    return paths


def sample_family(schools) -> FamilyData:
    """Two parents, two children in two classes, a grandmother who picks them up."""
    jules_ferry = schools[0]
    classes = {c.name: c.id for c in jules_ferry.classes}
    return FamilyData(
        qf_value=742,
        qf_date=date(2026, 1, 15),
        qf_source="CAF",
        notes="Garde alternée une semaine sur deux (semaines paires chez le père).",
        adults=[
            AdultData(
                last_name="Lefèvre",
                first_name="Camille",
                relation="Mère",
                phone_mobile="06 71 23 45 98",
                phone_work="04 50 71 22 10",
                email="camille.lefevre@example.fr",
                address1="8 chemin des Vignes",
                address2="Résidence Les Tilleuls, bât. B",
                postcode="74500",
                city="Neuvecelle",
                legal_guardian=True,
                billing=True,
                emergency_contact=True,
                may_pick_up=True,
            ),
            AdultData(
                last_name="Morel",
                first_name="Julien",
                relation="Père",
                phone_mobile="07 82 14 56 03",
                email="j.morel@example.fr",
                address1="3 rue du Port",
                postcode="74500",
                city="Évian-les-Bains",
                legal_guardian=True,
                may_pick_up=True,
            ),
            AdultData(
                last_name="Lefèvre",
                first_name="Monique",
                relation="Grand-mère",
                third_party=True,
                phone_home="04 50 75 18 42",
                may_pick_up=True,
            ),
            AdultData(
                last_name="Girard",
                first_name="Nadia",
                relation="Assistante maternelle",
                third_party=True,
                phone_mobile="06 33 48 90 12",
                may_pick_up=True,
            ),
        ],
        children=[
            ChildData(
                last_name="Morel",
                first_name="Léa",
                birth_date=date(2019, 5, 3),
                school_id=jules_ferry.id,
                class_id=classes["CP"],
                diet="sans_porc",
                allergies="Arachide",
                pai=True,
                treatments="Stylo d'adrénaline dans le sac",
                image_authorised=True,
                outing_authorised=True,
            ),
            ChildData(
                last_name="Morel",
                first_name="Hugo",
                birth_date=date(2021, 11, 20),
                school_id=jules_ferry.id,
                class_id=classes["MS"],
                image_authorised=True,
            ),
        ],
    )


def sample_town(folder: Path):
    """(store, admin) of an empty test town in `folder` (Neuvecelle, two schools, the
    clock frozen on Monday 14 September 2026 at 9:30): the dossier screens' sample base."""
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access import users
    from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
    from eticket_desk.services.core.store import Store

    store = Store(folder / "demo.sqlite", FrozenClock(datetime(2026, 9, 14, 9, 30)))
    create_empty_town(
        store,
        FirstSetup(
            commune="Commune de Neuvecelle",
            postcode="74500",
            city="Neuvecelle",
            admin_login="admin",
            admin_full_name="Anne Martin",
            admin_password="motdepasse1",
            schools=["École Jules Ferry", "École du Lac"],
        ),
    )
    admin, _ = users.authenticate(store, "admin", "motdepasse1")
    return store, admin


def run_with_sample_dossier(argv: list[str], render) -> int:
    """The screenshot scripts' main: the sample town with the sample dossier saved, then
    `render(ctx, out_dir, family_id)`; prints the files written."""
    from eticket_desk.services.catalogue.organisation import list_schools
    from eticket_desk.services.families.dossiers import save_family
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    out_dir = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    app = QApplication.instance() or QApplication(argv)
    store, admin = sample_town(Path(tempfile.mkdtemp(prefix="eticket-screens-")))
    with store:
        saved = save_family(store, admin, sample_family(list_schools(store)))
        ctx = AppContext(store, admin, ImmediateRunner(), ChangeBus())
        for path in render(ctx, out_dir, saved.id):
            print(path)
    del app
    return 0


def main(argv: list[str]) -> int:
    return run_with_sample_dossier(argv, render_editor_screens)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
