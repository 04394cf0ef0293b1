"""Render one sample of every PDF kind to docs/screenshots/ (PDF and PNG) to look at them.

Usage: .venv/bin/python scripts/render_sample_pdfs.py [OUT_DIR]   (needs pdftoppm from
poppler-utils; OUT_DIR is docs/screenshots by default)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.samples.attendance import render_attendance_samples  # noqa: E402
from devtools.samples.invoices import render_invoice_samples  # noqa: E402
from devtools.samples.tax_certificate import render_certificate_sample  # noqa: E402
from eticket_desk.reports import portal_letter  # noqa: E402
from eticket_desk.services.catalogue.organisation import OrganisationData  # noqa: E402
from eticket_desk.services.families.portal import PortalLetter  # noqa: E402

OUT = ROOT / "docs" / "screenshots"

ORGANISATION = OrganisationData(
    name="Commune de Neuvecelle",
    address1="Mairie – 1 place de la Mairie",
    postcode="74500",
    city="Neuvecelle",
    phone="+33450701234",
    email="periscolaire@neuvecelle.fr",
    regie_name="Régie périscolaire de Neuvecelle",
    portal_url="https://famille.neuvecelle.fr",
)


def sample_portal_letter() -> PortalLetter:
    return PortalLetter(
        organisation=ORGANISATION,
        family_reference="F00042",
        addressee="Éloïse LEFÈVRE",
        address_lines=(
            "12 chemin des Écureuils",
            "Résidence Les Œillets, bât. B",
            "74500 NEUVECELLE",
        ),
        children=("Léa Lefèvre", "Noé Lefèvre"),
        login="f00042",
        password="Kp7wRt3zHa",
        portal_url=ORGANISATION.portal_url,
        issued_on=date(2026, 9, 14),
        agent_name="Anne Martin",
    )


def to_png(pdf: Path) -> Path:
    """First page of `pdf` as a PNG next to it, at 80 dpi."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install -y poppler-utils")
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUT
    out.mkdir(parents=True, exist_ok=True)
    samples = [(portal_letter.render, sample_portal_letter(), "portal_letter")]
    for render, data, name in samples:
        pdf = render(data, out / f"{name}.pdf")
        print(to_png(pdf))
    for pdf in render_attendance_samples(out):  # attendance_*.png, meal_counts.png
        print(to_png(pdf))
    for pdf in render_invoice_samples(out):  # invoice_*.png, reminder_letter.png
        print(to_png(pdf))
    print(to_png(render_certificate_sample(out, ORGANISATION)))  # tax_certificate.png


if __name__ == "__main__":
    main()
