"""Tax certificates for the care of children under six (attestations de frais de garde, art.
200 quater B of the CGI): one family's, and the yearly batch (a PDF per family in the
documents folder, Attestations fiscales/<year>/, and one merged file to print)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Family
from eticket_desk.paths import safe_file_name
from eticket_desk.reports import tax_certificate
from eticket_desk.reports.tax_certificate import CareLine, CertificateData, CertifiedChild
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.tax_certificate import ChildCare
from eticket_desk.services.access.people import person_label, regie_title
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.catalogue.organisation_logo import load_logo
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.documents import document_folder, document_path
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.sales import billing_address
from eticket_desk.services.invoicing.certificate_data import care_by_family
from eticket_desk.services.invoicing.run import Progress

FIRST_YEAR = 2000


@dataclass(frozen=True)
class CertificatesMade:
    year: int
    files: tuple[Path, ...]
    merged: Path | None  # None: nothing to certify
    total_cents: int
    stopped: bool = False

    @property
    def message(self) -> str:
        if self.stopped:
            return f"Arrêté : {len(self.files)} attestation(s) écrite(s) avant l'arrêt."
        if not self.files:
            return f"Aucune famille n'a payé de frais de garde éligibles en {self.year}."
        return (
            f"{len(self.files)} attestation(s) {self.year} écrite(s), "
            f"{format_cents(self.total_cents)} au total."
        )


def check_year(store: Store, year: int) -> int:
    """A past or current year only: the certificate states what was paid."""
    if not FIRST_YEAR <= year <= store.clock.today().year:
        raise InvalidInput(f"Choisissez une année entre {FIRST_YEAR} et l'année en cours.")
    return year


def file_name(reference: str, year: int) -> str:
    return safe_file_name(f"Attestation frais de garde {year} {reference}.pdf")


def merged_name(year: int) -> str:
    return safe_file_name(f"Attestations frais de garde {year} - à imprimer.pdf")


def _datas(session, store: Store, actor: Actor, year: int, cares) -> list[CertificateData]:
    organisation, logo = load_organisation(store), load_logo(store)
    # The program itself (the command line) signs no name: the régisseur signs by hand.
    signer = person_label(session, actor.login) if actor.user_id is not None else ""
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(list(cares))))}
    datas = []
    for family_id in sorted(cares, key=lambda f: families[f].reference):
        address = billing_address(session, family_id)
        family = families[family_id]
        datas.append(
            CertificateData(
                organisation=organisation,
                year=year,
                family_reference=family.reference,
                billing_name=address[0] if address else family.display_name,
                address_lines=tuple(address[1:]),
                children=tuple(_child(care) for care in cares[family_id]),
                issued_on=store.clock.today(),
                signer=signer,
                signer_title=regie_title(actor.civility),
                logo=logo,
            )
        )
    return datas


def _child(care: ChildCare) -> CertifiedChild:
    lines = tuple(CareLine(a.label, a.periods, a.amount_cents) for a in care.activities)
    return CertifiedChild(care.child.name, care.child.birth_date, lines)


def family_certificate_data(
    store: Store, actor: Actor, family_id: uuid.UUID, year: int
) -> CertificateData | None:
    """One family's certificate for `year`, None when it paid nothing eligible."""
    actor.require(Permission.FAMILY_VIEW)
    check_year(store, year)
    with store.read() as session:
        if session.get(Family, family_id) is None:
            raise NotFound("Ce dossier famille n'existe pas (ou plus).")
        cares = care_by_family(session, year, [family_id])
        datas = _datas(session, store, actor, year, cares) if cares else []
    return datas[0] if datas else None


def certificate_paths(
    store: Store, actor: Actor, family_id: uuid.UUID, year: int, out_dir: Path | None = None
) -> list[Path]:
    """The family's certificate PDF(s) for `year`, written now (in the documents folder by
    default); an empty list when it paid nothing eligible. What the e-mail sends."""
    data = family_certificate_data(store, actor, family_id, year)
    if data is None:
        return []
    name = file_name(data.family_reference, year)
    out = Path(out_dir) / name if out_dir is not None else document_path(store, "tax", year, name)
    return [tax_certificate.render(data, out)]


def print_family_certificate(store: Store, actor: Actor, family_id: uuid.UUID, year: int) -> Path:
    """The dossier's « Attestation de frais de garde » button: the PDF, or why there is none."""
    paths = certificate_paths(store, actor, family_id, year)
    if not paths:
        raise DomainError(
            f"Aucun frais de garde éligible payé en {year} pour cette famille "
            "(enfants de moins de 6 ans au 1er janvier, hors repas)."
        )
    return paths[0]


@changes(Topic.INVOICES)
def make_certificates(
    store: Store,
    actor: Actor,
    year: int,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> CertificatesMade:
    """The yearly batch: a PDF per family with care paid in `year` (in `out_dir`, by default
    Attestations fiscales/<year>/), the merged file to print, one audit entry."""
    actor.require(Permission.INVOICE_RUN)
    check_year(store, year)
    report = progress or (lambda _step, _done, _total: None)
    report("Calcul des sommes payées", 0, 0)
    with store.read() as session:
        cares = care_by_family(session, year)
        datas = _datas(session, store, actor, year, cares)
    folder = Path(out_dir) if out_dir is not None else document_folder(store, "tax", year)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for index, data in enumerate(datas):
        if should_stop is not None and should_stop():
            return CertificatesMade(year, tuple(files), None, 0, stopped=True)
        report("Écriture des attestations", index, len(datas))
        files.append(tax_certificate.render(data, folder / file_name(data.family_reference, year)))
    merged = None
    if datas:
        report("Assemblage du fichier à imprimer", len(datas), len(datas))
        merged = tax_certificate.render_many(datas, folder / merged_name(year), str(year))
    total = sum(data.total_cents for data in datas)
    with store.write(actor) as session:
        record(
            session,
            "tax_certificates",
            "family",
            None,
            f"Attestations de frais de garde {year} : {len(datas)} famille(s), "
            f"{format_cents(total)}",
            year=year,
            families=len(datas),
            total_cents=total,
        )
    report("Attestations écrites", len(datas), len(datas))
    return CertificatesMade(year, tuple(files), merged, total)
