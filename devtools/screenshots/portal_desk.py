"""Screenshots of the desk's side of the families' portal: the « Portail des familles » screen
(documents to process, the mairie's messages), a document's review with the days a medical
certificate may justify, and the dossier's « Documents » tab.

`render_portal_desk_screens(ctx, out_dir, family_id)` pulls two documents into the store as
a sync would (the synchro actor) and writes two messages; run this module to render on a
small demo town: `python -m devtools.screenshots.portal_desk OUT_DIR`.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.ui.context import AppContext

SIZE = (1100, 640)
PDF = b"%PDF-1.4 sample"


def _pull_documents(ctx: AppContext, family_id: uuid.UUID) -> None:
    from eticket_desk.models import ParentDocument
    from eticket_desk.services.core.store import SYNC_ACTOR

    now = ctx.store.clock.now()
    with ctx.store.write(SYNC_ACTOR) as session:
        child = _booked_child(session, family_id, ctx.store.clock.today())
        for kind, name, child_id, comment, hours in (
            ("certificat_medical", "certificat_angine.pdf", child.id, "Angine, 3 jours", 2),
            ("quotient_familial", "attestation_CAF_2026.jpg", None, "", 26),
        ):
            session.add(
                ParentDocument(
                    family_id=family_id,
                    child_id=child_id,
                    kind=kind,
                    filename=name,
                    content_type="application/pdf",
                    size=len(PDF),
                    sha256=hashlib.sha256(PDF).hexdigest(),
                    comment=comment,
                    sent_by="Parent (portail)",
                    sent_at=now - timedelta(hours=hours),
                    state="sent",
                    reason="",
                    reviewed_by="",
                )
            )


def _booked_child(session, family_id: uuid.UUID, today: date):
    """The family's child with days booked before today (else its first child)."""
    from eticket_desk.models import Booking, Child

    children = session.scalars(select(Child).where(Child.family_id == family_id)).all()
    for child in children:
        if session.scalar(
            select(Booking.day).where(Booking.child_id == child.id, Booking.day <= today).limit(1)
        ):
            return child
    return children[0]


def _book_past_days(ctx: AppContext, family_id: uuid.UUID) -> None:
    """The child's last days booked, so that the certificate has absences to justify."""
    from eticket_desk.models import Booking
    from eticket_desk.services.core.store import SYNC_ACTOR

    with ctx.store.write(SYNC_ACTOR) as session:
        child = _booked_child(session, family_id, ctx.store.clock.today())
        found = session.scalars(
            select(Booking)
            .where(Booking.child_id == child.id, Booking.day <= ctx.store.clock.today())
            .limit(3)
        ).all()
        for booking in found:
            booking.state = "booked"


def render_portal_desk_screens(
    ctx: AppContext, out_dir: Path | str, family_id: uuid.UUID
) -> list[Path]:
    """Saves portal_desk_documents.png, portal_desk_review.png, portal_desk_refuse.png,
    portal_desk_messages.png and family_editor_documents.png."""
    from eticket_desk.services.families.mairie_messages import MessageDraft, write_message
    from eticket_desk.ui.family_editor import FamilyEditorDialog
    from eticket_desk.ui.portal import PortalScreen

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _pull_documents(ctx, family_id)
    _book_past_days(ctx, family_id)
    today = ctx.store.clock.today()
    write_message(
        ctx.store,
        ctx.actor,
        MessageDraft(
            "Fermeture exceptionnelle",
            "La cantine sera fermée le vendredi 2 octobre (journée pédagogique).",
            date(today.year, 10, 2),
        ),
    )
    write_message(
        ctx.store,
        ctx.actor,
        MessageDraft(
            "Attestation de quotient familial",
            "Merci de nous transmettre votre attestation CAF de 2026.",
            today + timedelta(days=20),
            family_id,
        ),
    )
    screen = PortalScreen(ctx)
    saved = [grab(screen, out / "portal_desk_documents.png", SIZE)]
    panel = screen.documents
    panel.table.selectRow(0)
    panel._review(True)
    saved.append(grab(panel.review_dialog, out / "portal_desk_review.png", fit=True, close=True))
    panel.table.selectRow(1)
    panel._review(False)
    panel.review_dialog.reason_edit.setPlainText("Attestation de 2024 : il faut celle de 2026.")
    saved.append(grab(panel.review_dialog, out / "portal_desk_refuse.png", fit=True, close=True))
    screen.tabs.setCurrentWidget(screen.messages)
    saved.append(grab(screen, out / "portal_desk_messages.png", SIZE, close=True))
    screen.deleteLater()
    editor = FamilyEditorDialog(ctx, family_id)
    editor.tabs.setCurrentWidget(editor.documents)
    saved.append(grab(editor, out / "family_editor_documents.png", (1100, 700), close=True))
    editor.deleteLater()
    return saved


def sample_context(folder: Path) -> AppContext:
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 24, 9, 30))
    path = folder / "eticket.sqlite"
    build_demo_town(path, DemoOptions(families=30), clock=clock)
    store = Store(path, clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    return AppContext(store, actor, ImmediateRunner(), ChangeBus())


def _render_sample(ctx: AppContext, out_dir: Path) -> list[Path]:
    from eticket_desk.models import Booking, Child

    today = ctx.store.clock.today()
    with ctx.store.read() as session:
        family_id = session.scalar(
            select(Child.family_id)
            .join(Booking, Booking.child_id == Child.id)
            .where(Booking.day <= today, Booking.day >= today - timedelta(days=20))
            .limit(1)
        )
    return render_portal_desk_screens(ctx, out_dir, family_id)


if __name__ == "__main__":
    raise SystemExit(run_on_sample(sample_context, _render_sample, "docs/screenshots"))
