"""Families' personal data (CNIL): the export of everything about one family (JSON and a
readable PDF), and the anonymisation of families gone for years, accounting kept intact."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    Adult,
    AuditEntry,
    Booking,
    Child,
    CreditEntry,
    Family,
    Invoice,
    InvoiceLine,
    OutgoingMail,
    Payment,
    PaymentAllocation,
    PortalAccount,
    Sale,
    SaleLine,
    WalletEntry,
)
from eticket_desk.reports import family_export
from eticket_desk.reports.family_export import FamilyExportData
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import FamilyChanged, emit

_HIDDEN = {"search_text", "password_hash"}
ANONYMOUS = "ANONYME"


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(obj: object) -> dict:
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in obj.__mapper__.column_attrs
        if c.key not in _HIDDEN
    }


def _rows(session: Session, statement) -> list[dict]:
    return [_row(obj) for obj in session.scalars(statement)]


def _family_by_reference(session: Session, reference: str) -> Family:
    family = session.scalar(
        select(Family).where(func.upper(Family.reference) == reference.strip().upper())
    )
    if family is None:
        raise NotFound(f"Aucun dossier famille n'a la référence « {reference.strip()} ».")
    return family


def _about(ids: list[str], child_ids: list[str]):
    """The audit entries about these rows, and the bookings of these children."""
    return or_(
        AuditEntry.entity_id.in_(ids),
        *(AuditEntry.entity_id.startswith(f"{c}:") for c in child_ids),
    )


def _bookings(session: Session, children: list[Child]) -> list[dict]:
    """The children's bookings, each with the child's first name and the activity's name."""
    names = {c.id: c.first_name for c in children}
    rows = session.execute(
        select(Booking, Activity.name)
        .join(Activity, Activity.id == Booking.activity_id)
        .where(Booking.child_id.in_(list(names)))
        .order_by(Booking.day, Activity.name)
    ).all()
    return [
        {**_row(booking), "enfant": names[booking.child_id], "activite": activity}
        for booking, activity in rows
    ]


def family_data_in(session: Session, family: Family) -> dict:
    """Every row about the family, as plain JSON-ready dictionaries by French section."""
    children = list(session.scalars(select(Child).where(Child.family_id == family.id)))
    adults = list(session.scalars(select(Adult).where(Adult.family_id == family.id)))
    child_ids = [c.id for c in children]
    sale_ids = list(session.scalars(select(Sale.id).where(Sale.family_id == family.id)))
    invoice_ids = list(session.scalars(select(Invoice.id).where(Invoice.family_id == family.id)))
    paid_ids = select(PaymentAllocation.payment_id).where(
        PaymentAllocation.invoice_id.in_(invoice_ids)
    )
    entity_ids = [str(x) for x in [family.id, *child_ids, *(a.id for a in adults)]]
    return {
        "dossier": _row(family),
        "adultes": [_row(a) for a in adults],
        "enfants": [_row(c) for c in children],
        "compte_portail": _rows(
            session, select(PortalAccount).where(PortalAccount.family_id == family.id)
        ),
        "reservations": _bookings(session, children),
        "portefeuille": _rows(
            session,
            select(WalletEntry).where(WalletEntry.family_id == family.id).order_by(WalletEntry.at),
        ),
        "ventes": _rows(session, select(Sale).where(Sale.id.in_(sale_ids)).order_by(Sale.at)),
        "lignes_de_vente": _rows(session, select(SaleLine).where(SaleLine.sale_id.in_(sale_ids))),
        "factures": _rows(
            session, select(Invoice).where(Invoice.id.in_(invoice_ids)).order_by(Invoice.number)
        ),
        "lignes_de_facture": _rows(
            session, select(InvoiceLine).where(InvoiceLine.invoice_id.in_(invoice_ids))
        ),
        "paiements": _rows(
            session,
            select(Payment)
            .where(or_(Payment.sale_id.in_(sale_ids), Payment.id.in_(paid_ids)))
            .order_by(Payment.at),
        ),
        "affectations": _rows(
            session,
            select(PaymentAllocation).where(PaymentAllocation.invoice_id.in_(invoice_ids)),
        ),
        "avoirs_et_credits": _rows(
            session, select(CreditEntry).where(CreditEntry.family_id == family.id)
        ),
        "journal": _rows(
            session,
            select(AuditEntry)
            .where(_about(entity_ids, [str(c) for c in child_ids]))
            .order_by(AuditEntry.at),
        ),
    }


@changes(unseen="the export's audit line")
def export_family(store: Store, actor: Actor, reference: str, out_dir: Path) -> list[Path]:
    """Writes `<reference>.json` and `<reference>.pdf` in `out_dir`: all of the family's data,
    health data included; the export is audited."""
    actor.require(Permission.FAMILY_VIEW)
    actor.require(Permission.HEALTH_VIEW)

    with store.write(actor) as session:
        family = _family_by_reference(session, reference)
        data = family_data_in(session, family)
        record(
            session,
            "health_view",
            "family",
            family.id,
            f"Export des données (RGPD) de la famille {family.reference}, santé comprise",
        )
        reference, name, now = family.reference, family.display_name, session.info["now"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{reference}.json"
    json_path.write_text(
        json.dumps(
            {"reference": reference, "exporte_le": now.isoformat(), **data},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    pdf = family_export.render(
        FamilyExportData(load_organisation(store), reference, name, now, data),
        out_dir / f"{reference}.pdf",
    )
    return [json_path, pdf]


@dataclass(frozen=True)
class AnonymisationResult:
    families: tuple[tuple[str, str], ...]  # (reference, name) before anonymisation
    dry_run: bool
    years: int

    def sentence(self) -> str:
        count = len(self.families)
        if self.dry_run:
            return (
                f"{count} famille(s) partie(s) depuis plus de {self.years} an(s) "
                "seraient anonymisée(s) (rien n'a été modifié)."
            )
        return f"{count} famille(s) anonymisée(s) ; les factures, ventes et paiements sont gardés."


def _last_activity(session: Session, family: Family) -> datetime:
    child_ids = select(Child.id).where(Child.family_id == family.id)
    moments = [family.updated_at]
    day = session.scalar(select(func.max(Booking.day)).where(Booking.child_id.in_(child_ids)))
    if day is not None:
        moments.append(datetime.combine(day, datetime.min.time()))
    moments.append(session.scalar(select(func.max(Sale.at)).where(Sale.family_id == family.id)))
    moments.append(
        session.scalar(select(func.max(Invoice.issued_at)).where(Invoice.family_id == family.id))
    )
    return max(m for m in moments if m is not None)


def gone_families_in(session: Session, years: int, now: datetime) -> list[Family]:
    """Archived families with nothing (booking, sale, invoice, change) for `years` years."""
    cutoff = now - timedelta(days=round(365.25 * years))
    archived = session.scalars(
        select(Family)
        .where(Family.status == "archived", ~Family.display_name.startswith(ANONYMOUS))
        .order_by(Family.number)
    )
    return [f for f in archived if _last_activity(session, f) < cutoff]


def _anonymise(session: Session, family: Family) -> None:
    # Core updates: the row-change audit would otherwise copy the old names into the log.
    session.execute(
        update(Adult)
        .where(Adult.family_id == family.id)
        .values(
            last_name=ANONYMOUS,
            first_name="",
            relation="",
            phone_home="",
            phone_mobile="",
            phone_work="",
            phone_work_mobile="",
            email="",
            address1="",
            address2="",
            address3="",
            postcode="",
            city="",
        )
    )
    children = session.scalars(select(Child).where(Child.family_id == family.id)).all()
    for n, child in enumerate(children, start=1):
        session.execute(
            update(Child)
            .where(Child.id == child.id)
            .values(
                last_name=ANONYMOUS,
                first_name=f"Enfant {n}",
                birth_date=None if child.birth_date is None else date(child.birth_date.year, 1, 1),
                diet="",
                allergies="",
                pai=False,
                treatments="",
            )
        )
    session.execute(PortalAccount.__table__.delete().where(PortalAccount.family_id == family.id))
    # The e-mails sent to the family carry names and addresses: the log keeps none of them.
    session.execute(OutgoingMail.__table__.delete().where(OutgoingMail.family_id == family.id))
    session.execute(
        update(Family)
        .where(Family.id == family.id)
        .values(
            display_name=f"{ANONYMOUS} {family.reference}",
            notes="",
            qf_value=None,
            qf_date=None,
            qf_source="",
            search_text=family.reference.lower(),
        )
    )
    ids = [str(family.id), *(str(c.id) for c in children)]
    ids += [str(a) for a in session.scalars(select(Adult.id).where(Adult.family_id == family.id))]
    session.execute(
        update(AuditEntry)
        .where(_about(ids, [str(c.id) for c in children]))
        .values(summary="Entrée anonymisée (données personnelles effacées)", details="{}")
    )
    session.expire_all()


@changes(Topic.FAMILIES)
def anonymise_gone_families(
    store: Store, actor: Actor, years: int = 3, *, dry_run: bool = False
) -> AnonymisationResult:
    """Anonymises (or, dry run, lists) the families gone for more than `years` years: names,
    addresses, phones, e-mails, health data and portal account; accounting kept intact."""
    actor.require(Permission.FAMILY_ARCHIVE)
    if not 1 <= years <= 50:
        raise InvalidInput("Le nombre d'années doit être compris entre 1 et 50.")
    with store.write(actor) as session:
        gone = gone_families_in(session, years, session.info["now"])
        listed = tuple((f.reference, f.display_name) for f in gone)
        if not dry_run:
            for family in gone:
                _anonymise(session, family)
                emit(session, FamilyChanged(family.id))  # the server forgets them too
                record(
                    session,
                    "anonymise",
                    "family",
                    family.id,
                    f"Anonymisation de la famille {family.reference} "
                    f"(partie depuis plus de {years} an(s))",
                )
    return AnonymisationResult(listed, dry_run, years)
