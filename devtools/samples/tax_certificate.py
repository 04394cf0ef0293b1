"""A sample tax certificate (attestation de frais de garde): two children under six, a
garderie, a canteen's supervision part and tickets bought at the counter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from eticket_desk.reports import tax_certificate
from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.reports.tax_certificate import CareLine, CertificateData, CertifiedChild

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "septembre", "octobre")


def sample_certificate(organisation: OrganisationData) -> CertificateData:
    year = tuple(f"{month} 2026" for month in MONTHS)
    return CertificateData(
        organisation=replace(organisation, siret="21740201700018"),
        year=2026,
        family_reference="F00042",
        billing_name="Éloïse LEFÈVRE",
        address_lines=("12 chemin des Écureuils", "74500 NEUVECELLE"),
        children=(
            CertifiedChild(
                "Léa LEFÈVRE",
                date(2020, 6, 15),
                (
                    CareLine("Garderie matin", year, 31250),
                    CareLine("Cantine (part encadrement)", year, 14720),
                ),
            ),
            CertifiedChild(
                "Noé LEFÈVRE",
                date(2022, 2, 2),
                (CareLine("Garderie", ("achat du 3 mars 2026", "achat du 7 mai 2026"), 4800),),
            ),
        ),
        issued_on=date(2027, 1, 15),
        signer="Anne Martin",
        signer_title="La régisseuse",
    )


def render_certificate_sample(out_dir: Path, organisation: OrganisationData) -> Path:
    return tax_certificate.render(sample_certificate(organisation), out_dir / "tax_certificate.pdf")
