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
    flowing_document,
    letterhead_flowables,
    list_table_style,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD
from eticket_desk.reports.french_text import escape, french_datetime
from eticket_desk.rules.contact import format_phone
from eticket_desk.rules.money import format_cents

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

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
        (("Jour", "day"), ("Enfant", "enfant"), ("Activité", "activite"), ("État", "state")),
    ),
    (
        "portefeuille",
        "Porte-monnaie de tickets",
        (("Date", "at"), ("Mouvement", "kind"), ("Quantité", "quantity"), ("Motif", "reason")),
    ),
    (
        "ventes",
        "Ventes (quittances)",
        (("N°", "receipt_number"), ("Date", "at"), ("Total", "total_cents")),
    ),
    (
        "factures",
        "Factures et avoirs",
        (("N°", "number"), ("Période", "period_label"), ("Total", "total_cents")),
    ),
    (
        "paiements",
        "Règlements",
        (("Date", "at"), ("Moyen", "method"), ("Montant", "amount_cents")),
    ),
    (
        "journal",
        "Journal des opérations",
        (("Date", "at"), ("Par", "user_login"), ("Opération", "summary")),
    ),
)
_SKIPPED_FIELDS = {"id", "family_id", "version", "position", "school_id", "class_id"}
FIELD_LABELS = {
    "number": "Numéro",
    "reference": "Référence",
    "status": "État du dossier",
    "display_name": "Nom du dossier",
    "qf_value": "Quotient familial",
    "qf_date": "Date du quotient",
    "qf_source": "Source du quotient",
    "notes": "Notes",
    "created_at": "Créé le",
    "updated_at": "Modifié le",
    "validated_at": "Validé le",
    "third_party": "Tiers (hors famille)",
    "relation": "Lien",
    "last_name": "Nom",
    "first_name": "Prénom",
    "phone_home": "Téléphone domicile",
    "phone_mobile": "Téléphone portable",
    "phone_work": "Téléphone travail",
    "phone_work_mobile": "Portable travail",
    "email": "Courriel",
    "address1": "Adresse",
    "address2": "Adresse (suite)",
    "address3": "Adresse (suite)",
    "postcode": "Code postal",
    "city": "Commune",
    "legal_guardian": "Responsable légal",
    "billing": "Payeur",
    "emergency_contact": "À prévenir en cas d'urgence",
    "may_pick_up": "Peut venir chercher l'enfant",
    "mail_consent": "Accepte les documents par e-mail",
    "birth_date": "Date de naissance",
    "diet": "Régime",
    "allergies": "Allergies",
    "pai": "PAI",
    "treatments": "Traitements médicaux",
    "image_authorised": "Droit à l'image",
    "outing_authorised": "Sorties autorisées",
}
VALUE_LABELS = {
    "booked": "réservé",
    "waiting": "liste d'attente",
    "cancelled": "annulé",
    "present": "présent",
    "absent_justified": "absent (justifié)",
    "absent_unjustified": "absent",
    "purchase": "achat",
    "booking": "réservation",
    "cancellation": "annulation",
    "correction": "correction",
    "cash": "espèces",
    "cheque": "chèque",
    "card": "carte",
    "debit": "prélèvement",
    "validated": "validé",
    "incomplete": "incomplet",
    "draft": "brouillon",
    "archived": "archivé",
}


@dataclass(frozen=True)
class FamilyExportData:
    organisation: OrganisationData
    reference: str
    name: str
    exported_at: datetime
    sections: dict  # section key → list of rows (plain dictionaries)


def _field(key: str, value: object) -> str:
    if key.endswith("_cents") and isinstance(value, int):
        return format_cents(value)
    if key.startswith("phone") and isinstance(value, str) and value:
        return format_phone(value)  # « 04 50 10 04 57 », as the family wrote it
    return _text(value)


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, str) and len(value) >= 16 and value[10:11] == "T":
        return f"{value[8:10]}/{value[5:7]}/{value[:4]} {value[11:16]}"
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return VALUE_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def _records(rows: list[dict], st: Styles) -> list[Flowable]:
    """One two-column table per record (the dossier, each adult, each child)."""
    cell = st.body.clone("record", fontSize=8.5, leading=10.5, spaceAfter=0)
    story: list[Flowable] = []
    for row in rows:
        lines = [
            [
                Paragraph(escape(FIELD_LABELS.get(key, key)), cell),
                Paragraph(escape(_field(key, value)), cell),
            ]
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
        [Paragraph(escape(_field(field, row.get(field))), cell) for _, field in columns]
        for row in rows
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
