"""An invoice run read for its PES V2 export: plain dataclasses of the bordereaux, pièces,
lines, debtors and SEPA mandates, and the reasons the export cannot be made (in French)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    Adult,
    Family,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    Organisation,
    SepaMandate,
)
from eticket_desk.rules.dgfip_datamatrix import debt_number
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.sepa import sequence_type
from eticket_desk.rules.treasury import check_siret

ORDINARY = "01"  # TypBord / TypPce of a « titre ordinaire »
REDUCTION = "02"  # TypBord / TypPce of an « annulation-réduction »


@dataclass(frozen=True)
class PesMandate:
    rum: str
    signed_on: date
    iban: str
    bic: str
    holder: str
    sequence: str  # OOFF, FRST, RCUR
    debit_on: date
    previous_iban: str  # the account before an amendment not yet announced, or ""


@dataclass(frozen=True)
class PesDebtor:
    family_reference: str
    civility: str  # "M", "MME" or "" (the relation does not tell)
    last_name: str
    first_name: str
    address: tuple[str, ...]  # the street lines, 1 to 3
    postcode: str
    town: str


@dataclass(frozen=True)
class PesLine:
    label: str
    product_code: str
    nature: str
    amount_cents: int


@dataclass(frozen=True)
class PesPiece:
    number: str  # F-2026-000123 (A-… for a credit note)
    id_pce: int  # the number's sequence: 123
    year: int
    issued_on: date
    period_label: str
    period_start: date
    period_end: date
    total_cents: int
    lines: tuple[PesLine, ...]
    debtor: PesDebtor
    pdf_name: str  # the PDF's name in the documents folder
    pdf_path: Path | None  # the PDF when it is there to embed
    mandate: PesMandate | None = None
    corrects: PesPiece | None = None  # the titre a reduction cancels


@dataclass(frozen=True)
class PesBordereau:
    kind: str  # ORDINARY or REDUCTION
    number: int  # IdBord: the run's number in its year
    year: int  # Exer
    issued_on: date
    subject: str
    pieces: tuple[PesPiece, ...]
    cumulated_cents: int | None = None  # MtCumulAnnuel (ordinary bordereaux)

    @property
    def total_cents(self) -> int:
        return sum(piece.total_cents for piece in self.pieces)


@dataclass(frozen=True)
class PesHeader:
    name: str  # LibelleColBud
    siret: str  # IdColl
    id_post: str
    cod_col: str
    cod_bud: str
    address: str  # Emetteur › Adresse


def sequence_of(number: str) -> int:
    """F-2026-000123 → 123 (the gapless sequence of the year, as IdPce): the same number as the
    datamatrix's NumDette printed on the invoice."""
    return int(debt_number(number))


def check_header(org: Organisation | None) -> PesHeader:
    """The organisation's PES identifiers, or a DomainError saying what to set and where."""
    if org is None or org.collection_mode != "titres":
        raise DomainError(
            "L'export PES V2 est réservé aux communes qui émettent des titres de recettes : "
            "l'organisation encaisse en régie (Paramètres › Organisation, mode d'encaissement)."
        )
    problems = []
    if not org.siret:
        problems.append("le SIRET de la collectivité (IdColl) est manquant")
    else:
        try:
            check_siret(org.siret)
        except InvalidInput:
            problems.append(f"le SIRET {org.siret} n'est pas valide (clé de contrôle)")
    missing = [
        label
        for label, value in (
            ("IdPost (poste comptable)", org.pes_id_post),
            ("CodCol (code collectivité)", org.pes_cod_col),
            ("CodBud (code budget)", org.pes_cod_bud),
        )
        if not value
    ]
    if missing:
        problems.append("codes PES manquants : " + ", ".join(missing))
    if problems:
        raise DomainError(
            "Export PES impossible : " + " ; ".join(problems) + " (Paramètres › Organisation)."
        )
    address = " ".join(p for p in (org.address1, org.postcode, org.city) if p)
    return PesHeader(
        org.name, org.siret, org.pes_id_post, org.pes_cod_col, org.pes_cod_bud, address
    )


_CIVILITY = {"mère": "MME", "père": "M", "grand-mère": "MME", "grand-père": "M"}


def _debtors(session: Session, family_ids: set[uuid.UUID]) -> dict[uuid.UUID, PesDebtor]:
    references = dict(
        session.execute(select(Family.id, Family.reference).where(Family.id.in_(family_ids))).all()
    )
    out = {}
    for adult in session.scalars(
        select(Adult).where(Adult.billing.is_(True), Adult.family_id.in_(family_ids))
    ):
        out[adult.family_id] = PesDebtor(
            family_reference=references[adult.family_id],
            civility=_CIVILITY.get(adult.relation.strip().lower(), ""),
            last_name=adult.last_name.strip(),
            first_name=adult.first_name.strip(),
            address=tuple(
                line.strip()
                for line in (adult.address1, adult.address2, adult.address3)
                if line.strip()
            ),
            postcode=adult.postcode.strip(),
            town=adult.city.strip(),
        )
    return out


def _mandates(session: Session, invoices: list[Invoice]) -> dict[uuid.UUID, PesMandate]:
    ids = {i.mandate_id for i in invoices if i.mandate_id is not None}
    debit_on = {i.mandate_id: i.debit_date for i in invoices if i.mandate_id is not None}
    out = {}
    for mandate in session.scalars(select(SepaMandate).where(SepaMandate.id.in_(ids))):
        # The same sequence type as the debit batch's (FRST again after a move to another bank).
        sequence = sequence_type(
            mandate.recurrent,
            mandate.first_debit_on,
            mandate.amendment_pending,
            mandate.original_iban,
            mandate.iban,
        ).value
        out[mandate.id] = PesMandate(
            rum=mandate.rum,
            signed_on=mandate.signed_on,
            iban=mandate.iban,
            bic=mandate.bic,
            holder=mandate.debtor_name,
            sequence=sequence,
            debit_on=debit_on[mandate.id],
            previous_iban=mandate.original_iban if mandate.amendment_pending else "",
        )
    return out


def _lines(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[InvoiceLine]]:
    lines: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
    for chunk in range(0, len(ids), 900):
        for line in session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id.in_(ids[chunk : chunk + 900]))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
        ):
            lines[line.invoice_id].append(line)
    return lines


# Where the PDF of an invoice or credit note is: pdf_of(number, year of issue, credit note?).
PdfOf = Callable[[str, int, bool], Path]


def read_run(
    session: Session, run_id: uuid.UUID, pdf_of: PdfOf, *, ordinary: bool = True
) -> tuple[PesHeader, list[PesBordereau]]:
    """The run's ordinary bordereau (when `ordinary`) and the reduction bordereau of the credit
    notes of its invoices (one per year of issue), or a DomainError naming every fix needed.

    `pdf_of` says where each PDF is written in the documents folder."""
    header = check_header(session.scalar(select(Organisation)))
    run = session.get(InvoiceRun, run_id)
    if run is None:
        raise NotFound("Cette facturation n'existe pas.")
    invoices = list(
        session.scalars(select(Invoice).where(Invoice.run_id == run_id).order_by(Invoice.number))
    )
    notes = list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.kind == "credit_note",
                Invoice.corrects_id.in_(select(Invoice.id).where(Invoice.run_id == run_id)),
            )
            .order_by(Invoice.number)
        )
    )
    every = invoices + notes
    lines = _lines(session, [i.id for i in every])
    activities = {a.id: a for a in session.scalars(select(Activity))}
    debtors = _debtors(session, {i.family_id for i in every})
    _refuse_what_is_missing(session, every, lines, activities, debtors)
    mandates = _mandates(session, every)

    def piece(invoice: Invoice, corrects: PesPiece | None = None) -> PesPiece:
        pdf = pdf_of(invoice.number, invoice.issued_at.year, corrects is not None)
        pdf_name = pdf.name
        return PesPiece(
            number=invoice.number,
            id_pce=sequence_of(invoice.number),
            year=invoice.issued_at.year,
            issued_on=invoice.issued_at.date(),
            period_label=invoice.period_label,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            total_cents=invoice.total_cents,
            lines=tuple(
                PesLine(
                    f"{line.label} - {line.child_name}",
                    activities[line.activity_id].product_code,
                    activities[line.activity_id].accounting_nature,
                    line.amount_cents,
                )
                for line in lines[invoice.id]
            ),
            debtor=debtors[invoice.family_id],
            pdf_name=pdf_name,
            pdf_path=pdf if pdf.exists() else None,
            mandate=mandates.get(invoice.mandate_id) if corrects is None else None,
            corrects=corrects,
        )

    titres = {invoice.id: piece(invoice) for invoice in invoices}
    bordereaux = []
    year = run.issued_at.year
    if ordinary:
        cumulated = session.scalar(
            select(func.coalesce(func.sum(InvoiceRun.total_cents), 0)).where(
                func.strftime("%Y", InvoiceRun.issued_at) == str(year),
                InvoiceRun.number_in_year <= run.number_in_year,
            )
        )
        bordereaux.append(
            PesBordereau(
                ORDINARY,
                run.number_in_year or 1,
                year,
                run.issued_at.date(),
                f"Facturation {run.period_label}",
                tuple(titres.values()),
                cumulated,
            )
        )
    by_year: dict[int, list[PesPiece]] = defaultdict(list)
    for note in notes:
        by_year[note.issued_at.year].append(piece(note, titres[note.corrects_id]))
    for note_year, pieces in sorted(by_year.items()):
        bordereaux.append(
            PesBordereau(
                REDUCTION,
                run.number_in_year or 1,
                note_year,
                max(p.issued_on for p in pieces),
                f"Annulations - facturation {run.period_label}",
                tuple(pieces),
            )
        )
    return header, bordereaux


def _refuse_what_is_missing(session, invoices, lines, activities, debtors) -> None:
    """Every activity without its product code or nature, every family without a billing
    postcode and town: one French message naming them all, before anything is written."""
    used = {line.activity_id for i in invoices for line in lines[i.id]}
    if None in used:
        raise DomainError(
            "Une ligne de facture n'est rattachée à aucune activité : export PES impossible."
        )
    chosen = sorted((activities[a] for a in used), key=lambda a: (a.position, a.name))
    problems = []
    no_code = [a.name for a in chosen if not a.product_code]
    if no_code:
        problems.append(f"Code produit manquant pour : {', '.join(no_code)}")
    no_nature = [a.name for a in chosen if not a.accounting_nature]
    if no_nature:
        problems.append(f"Imputation (nature) manquante pour : {', '.join(no_nature)}")
    problems = [f"{problem} (Paramètres › Activités)" for problem in problems]
    families = sorted({i.family_id for i in invoices})
    unaddressed = []
    for family_id in families:
        debtor = debtors.get(family_id)
        if debtor is None or not debtor.postcode or not debtor.town or not debtor.address:
            family = session.get(Family, family_id)
            unaddressed.append(f"{family.display_name or family.reference} ({family.reference})")
    if unaddressed:
        problems.append(
            "Adresse de facturation incomplète (voie, code postal ou commune) pour : "
            + ", ".join(sorted(unaddressed))
            + " (dossier famille › responsable qui paie)"
        )
    if problems:
        raise DomainError("Export PES impossible.\n" + "\n".join(problems) + ".")
