"""The pre-filled « Mandat de prélèvement SEPA » a family signs: the creditor (name, ICS,
address), the RUM, the debtor's identity, address and account, recurrent or one-off, the
legal text on the debtor's rights (the EPC's standard French wording: refund within 8 weeks),
« Fait à … le … » and the signature box. One A4 page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from eticket_desk.reports.common import (
    CONTENT_WIDTH,
    MARGIN_TOP,
    RULE,
    TINT,
    document_options,
    flowing_document,
    signature_box,
    styles,
    table_style,
)
from eticket_desk.reports.french_text import escape

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

TITLE = "Mandat de prélèvement SEPA"
BOX = "\u2610"  # ☐
TICKED = "\u2612"  # ☒


@dataclass(frozen=True)
class MandateForm:
    organisation: OrganisationData
    rum: str
    debtor_name: str
    street: str  # « 12 rue des Écoles » (number and street)
    postcode: str
    town: str
    country: str
    iban: str  # grouped by four: « FR76 3000 6000 0112 3456 7890 189 »
    bic: str
    recurrent: bool
    signed_on: date | None  # None: a blank date to write by hand
    family_reference: str = ""


def _rights(creditor: str) -> list[str]:
    return [
        f"En signant ce formulaire de mandat, vous autorisez (A) {creditor} à envoyer des "
        "instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter "
        f"votre compte conformément aux instructions de {creditor}.",
        "Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions "
        "décrites dans la convention que vous avez passée avec elle. Une demande de "
        "remboursement doit être présentée dans les 8 semaines suivant la date de débit de "
        "votre compte pour un prélèvement autorisé, et au plus tard dans les 13 mois en cas de "
        "prélèvement non autorisé.",
        "Vos droits concernant le présent mandat sont expliqués dans un document que vous "
        "pouvez obtenir auprès de votre banque. Chaque prélèvement vous est annoncé par la "
        "facture, qui en donne la date et le montant.",
    ]


PRIVACY = (
    "Les informations de ce mandat ne servent au créancier qu'à gérer les prélèvements de vos "
    "factures des services périscolaires. Vous disposez d'un droit d'accès, de rectification "
    "et d'opposition (règlement (UE) 2016/679 et loi n° 78-17 du 6 janvier 1978) auprès de la "
    "mairie."
)


def _rows(rows: list[tuple[str, str]], st) -> Table:
    data = [
        [Paragraph(escape(k), st.label), Paragraph(escape(v) or "&nbsp;", st.body)] for k, v in rows
    ]
    table = Table(data, colWidths=[48 * mm, CONTENT_WIDTH - 48 * mm])
    table.setStyle(
        table_style(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6 * mm),
            ]
        )
    )
    return table


def _heading(text: str, st) -> Table:
    table = Table([[Paragraph(escape(text), st.heading)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), TINT)]))
    return table


def flowables(form: MandateForm) -> list:
    st = styles(9.5)
    org = form.organisation
    creditor = org.name or "la commune"
    town = f"{org.postcode} {org.city}".strip()
    address = ", ".join(x for x in (org.address1, org.address2, town) if x)
    title = Paragraph(escape(TITLE), st.org_name)
    rum = Paragraph(f"Référence unique du mandat (RUM) : <b>{escape(form.rum)}</b>", st.body)
    out = [title, rum]
    out += [Paragraph(escape(text), st.small) for text in _rights(creditor)]
    out += [Spacer(0, 3 * mm), _heading("Créancier", st)]
    out.append(
        _rows(
            [
                ("Nom", creditor),
                ("Identifiant créancier SEPA (ICS)", org.sepa_ics),
                ("Adresse", address),
            ],
            st,
        )
    )
    out += [Spacer(0, 3 * mm), _heading("Débiteur (titulaire du compte à débiter)", st)]
    out.append(
        _rows(
            [
                ("Nom, prénom", form.debtor_name),
                ("Adresse", form.street),
                ("Code postal, ville", f"{form.postcode} {form.town}".strip()),
                ("Pays", form.country),
                ("IBAN (numéro de compte)", form.iban),
                ("BIC (code de la banque)", form.bic),
            ],
            st,
        )
    )
    recurrent = f"{TICKED if form.recurrent else BOX} Paiement récurrent / répétitif"
    one_off = f"{BOX if form.recurrent else TICKED} Paiement ponctuel"
    out += [Spacer(0, 3 * mm), _heading("Type de paiement", st)]
    out.append(Paragraph(f"{escape(recurrent)}&nbsp;&nbsp;&nbsp;&nbsp;{escape(one_off)}", st.body))
    day = f"{form.signed_on:%d/%m/%Y}" if form.signed_on else "…… / …… / ………"
    place = form.town or "……………………"
    out.append(Paragraph(f"Fait à <b>{escape(place)}</b>, le <b>{day}</b>", st.body))
    out.append(signature_box("Signature du titulaire du compte", form.debtor_name, 90 * mm))
    out += [Spacer(0, 3 * mm), Paragraph(escape(PRIVACY), st.small)]
    note = "À retourner signé à la mairie, avec un relevé d'identité bancaire (RIB)."
    if form.family_reference:
        note += f" Dossier famille {form.family_reference}."
    out.append(Paragraph(f"<b>{escape(note)}</b>", st.body))
    return out


def render_bytes(form: MandateForm) -> bytes:
    pdf = BytesIO()
    org = form.organisation
    document = flowing_document(pdf, MARGIN_TOP, document_options(TITLE, org.name, form.rum))
    document.build(flowables(form))
    return pdf.getvalue()


def render(form: MandateForm, out: Path) -> Path:
    """Write the mandate form as an A4 PDF at `out` and return that path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_bytes(form))
    return out
