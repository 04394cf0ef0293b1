"""The family data export (CNIL right of access): every section of the family's data as a
readable A4 PDF, the same content as the JSON file written beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from eticket_desk.reports.common import (
    CONTENT_WIDTH,
    ListTable,
    NumberedCanvas,
    Styles,
    document_options,
    draw_footer,
    draw_running_header,
    escape,
    flowing_document,
    french_datetime,
    letterhead_flowables,
    list_table_style,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD

if TYPE_CHECKING:
    from eticket_desk.services.organisation import OrganisationData

TOP_MARGIN = 20 * mm
# Section key of the data → its French title, and the columns shown (label, field).
SECTIONS = (
    ("dossier", "Dossier", None),
    ("adultes", "Adultes et tiers", None),
    ("enfants", "Enfants (santé comprise)", None),
    ("compte_portail", "Compte du portail", (("Identifiant", "login"), ("Créé le", "created_at"))),
    (
        "reservations",
        "Réservations",
        (("Jour", "day"), ("Enfant", "child_id"), ("État", "state"), ("Origine", "source")),
    ),
    (
        "portefeuille",
        "Porte-monnaie de tickets",
        (("Date", "at"), ("Mouvement", "kind"), ("Quantité", "quantity"), ("Motif", "reason")),
    ),
    (
        "ventes",
        "Ventes (quittances)",
        (("N°", "receipt_number"), ("Date", "at"), ("Total (cts)", "total_cents")),
    ),
    (
        "factures",
        "Factures et avoirs",
        (("N°", "number"), ("Période", "period_label"), ("Total (cts)", "total_cents")),
    ),
    (
        "paiements",
        "Règlements",
        (("Date", "at"), ("Moyen", "method"), ("Montant (cts)", "amount_cents")),
    ),
    (
        "journal",
        "Journal des opérations",
        (("Date", "at"), ("Par", "user_login"), ("Opération", "summary")),
    ),
)
_SKIPPED_FIELDS = {"id", "family_id", "version", "position"}


@dataclass(frozen=True)
class FamilyExportData:
    organisation: OrganisationData
    reference: str
    name: str
    exported_at: datetime
    sections: dict  # section key → list of rows (plain dictionaries)


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, str) and len(value) == 26 and value[10] == "T":
        return value[:16].replace("T", " ")
    return str(value)


def _records(rows: list[dict], st: Styles) -> list[Flowable]:
    """One two-column table per record (the dossier, each adult, each child)."""
    cell = st.body.clone("record", fontSize=8.5, leading=10.5, spaceAfter=0)
    story: list[Flowable] = []
    for row in rows:
        lines = [
            [Paragraph(escape(key), cell), Paragraph(escape(_text(value)), cell)]
            for key, value in row.items()
            if key not in _SKIPPED_FIELDS
        ]
        table = Table(lines, colWidths=[45 * mm, CONTENT_WIDTH - 45 * mm], hAlign="LEFT")
        table.setStyle(table_style(list_table_style(size=8.5)[1:]))
        story += [table, Spacer(1, 3 * mm)]
    return story


def _listing(rows: list[dict], columns, st: Styles) -> Flowable:
    cell = st.body.clone("cell", fontSize=8.5, leading=10.5, spaceAfter=0)
    width = CONTENT_WIDTH / len(columns)
    body = [[label for label, _ in columns]]
    body += [
        [Paragraph(escape(_text(row.get(field))), cell) for _, field in columns] for row in rows
    ]
    table = ListTable(body, colWidths=[width] * len(columns), repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style(list_table_style(size=8.5)))
    return table


def _story(data: FamilyExportData, st: Styles) -> list[Flowable]:
    title = st.heading.clone("export_title", fontName=BOLD, fontSize=14, leading=18)
    section = st.heading.clone("export_section", fontName=BOLD, fontSize=11, leading=14)
    story: list[Flowable] = letterhead_flowables(data.organisation, st)
    story += [
        Spacer(1, 5 * mm),
        Paragraph(f"Données personnelles de la famille {escape(data.reference)}", title),
        Paragraph(
            f"{escape(data.name)} — export du {escape(french_datetime(data.exported_at))}, "
            "au titre du droit d'accès (RGPD, article 15).",
            st.body,
        ),
    ]
    for key, heading, columns in SECTIONS:
        rows = data.sections.get(key, [])
        rows = [rows] if isinstance(rows, dict) else rows
        story += [Spacer(1, 3 * mm), Paragraph(f"{escape(heading)} ({len(rows)})", section)]
        if not rows:
            story.append(Paragraph("Aucune donnée.", st.small))
        elif columns is None:
            story += _records(rows, st)
        else:
            story.append(_listing(rows, columns, st))
    return story


def render(data: FamilyExportData, out: Path) -> Path:
    """Write the export as an A4 PDF at `out` and return that path."""
    st = styles(10)
    title = f"Données de la famille {data.reference}"

    def first(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        draw_footer(canvas, [f"<b>{escape(title)}</b>", escape(data.organisation.name)], st)

    def later(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        draw_running_header(canvas, f"{title} (suite)", data.organisation.name)
        first(canvas, doc)

    pdf = BytesIO()
    doc = flowing_document(pdf, TOP_MARGIN, document_options(title, author=data.organisation.name))
    doc.build(_story(data, st), onFirstPage=first, onLaterPages=later, canvasmaker=NumberedCanvas)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
