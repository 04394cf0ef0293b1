"""The one-page letter that hands a family its portal login and temporary password."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from eticket_desk.reports.common import (
    ACCENT,
    ADDRESS_WINDOW,
    CONTENT_WIDTH,
    FOOTER_TOP,
    INK,
    LETTERHEAD,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    PAGE_HEIGHT,
    RULE,
    TINT,
    Styles,
    document_options,
    draw_address,
    draw_footer,
    draw_in_box,
    letterhead_flowables,
    styles,
)
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.french_text import escape, join_french, place_and_date

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import PortalLetter

SERVICE = "Service périscolaire"
NO_URL = "l'adresse communiquée par la mairie"
BODY_TOP = 90 * mm  # from the top edge, just below the address window
SIGNATURE_INDENT = ADDRESS_WINDOW.left - MARGIN_LEFT
BODY_SIZES = (10, 9.5, 9, 8.5, 8)  # body font sizes tried in turn until the letter fits


class SpacedText(Flowable):
    """One line in a large font with extra room between letters, shrunk to fit if needed."""

    def __init__(self, text: str, font: str, size: float, char_space: float) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.char_space = char_space

    def _natural_width(self) -> float:
        gaps = max(len(self.text) - 1, 0)
        return stringWidth(self.text, self.font, self.size) + gaps * self.char_space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        natural = self._natural_width()
        if natural > avail_width > 0:
            ratio = avail_width / natural
            self.size *= ratio
            self.char_space *= ratio
        return self._natural_width(), self.size * 1.25

    def draw(self) -> None:
        text = self.canv.beginText(0, self.size * 0.3)
        text.setFont(self.font, self.size)
        text.setCharSpace(self.char_space)
        text.setFillColor(INK)
        text.textOut(self.text)
        self.canv.drawText(text)


class _FullWidth(Flowable):
    """Builds its table at layout time, as wide as the frame offers."""

    def __init__(self, build: Callable[[float], Table]) -> None:
        super().__init__()
        self._build = build
        self._table: Table | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._table = self._build(avail_width)
        return self._table.wrap(avail_width, avail_height)

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def _credentials(letter: PortalLetter, st: Styles, width: float) -> Table:
    k = st.body.fontSize / 10
    value = st.body.clone("value", fontSize=11.5 * k, leading=14 * k, spaceAfter=0)
    strong = st.body.clone("strong", fontName=BOLD, fontSize=14 * k, leading=17 * k, spaceAfter=0)
    note = st.small.clone("note", textColor=MUTED)
    url = letter.portal_url.strip()
    rows = [
        [
            Paragraph("Adresse du portail", st.label),
            Paragraph(escape(url) if url else escape(NO_URL), value),
        ],
        [Paragraph("Identifiant", st.label), Paragraph(escape(letter.login), strong)],
        [
            Paragraph("Mot de passe provisoire", st.label),
            SpacedText(letter.password, BOLD, 20 * k, 3.5 * k),
        ],
        [
            Paragraph(
                "Respectez les majuscules et les minuscules. Pour éviter toute confusion, le mot "
                "de passe ne contient jamais les caractères 0, O, 1, l ou I.",
                note,
            ),
            "",
        ],
    ]
    label_width = 48 * mm
    table = Table(rows, colWidths=[label_width, width - label_width], cornerRadii=[3 * mm] * 4)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("BOX", (0, 0), (-1, -1), 0.9, ACCENT),
                ("LINEBELOW", (0, 0), (-1, 1), 0.4, RULE),
                ("SPAN", (0, 3), (1, 3)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5 * mm),
                ("TOPPADDING", (0, 0), (-1, 2), 2.6 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, 2), 2.6 * mm),
                ("TOPPADDING", (0, 3), (-1, 3), 0),
                ("BOTTOMPADDING", (0, 3), (-1, 3), 2.6 * mm),
            ]
        )
    )
    return table


def _children_sentence(children: tuple[str, ...]) -> str:
    names = [escape(c) for c in children if c.strip()]
    if not names:
        return "pour vos enfants"
    if len(names) == 1:
        return f"pour votre enfant {names[0]}"
    return f"pour vos enfants {join_french(names)}"


def _body(letter: PortalLetter, st: Styles) -> list[Flowable]:
    org = letter.organisation
    url = letter.portal_url.strip()
    where = f"<b>{escape(url)}</b>" if url else escape(NO_URL)
    step = st.body.clone("step", leftIndent=6 * mm, bulletIndent=1 * mm, spaceAfter=2)
    date_line = st.body.clone("date_line", leftIndent=SIGNATURE_INDENT)
    signature = st.body.clone("signature", leftIndent=SIGNATURE_INDENT, spaceAfter=0)
    reach = f" ou par courriel à {escape(org.email)}" if org.email else ""
    story: list[Flowable] = [
        Paragraph(escape(place_and_date(org.city, letter.issued_on)), date_line),
        Spacer(1, 4 * mm),
        Paragraph("<b>Objet : vos codes d'accès au portail famille</b>", st.body),
        Spacer(1, 3 * mm),
        Paragraph("Madame, Monsieur,", st.body),
        Paragraph(
            f"Votre dossier famille n° {escape(letter.family_reference)} a été validé. "
            "Vous pouvez désormais consulter votre dossier, réserver ou annuler en ligne les "
            f"activités périscolaires {_children_sentence(letter.children)}, et suivre vos "
            "factures et paiements, depuis un ordinateur, une tablette ou un téléphone.",
            st.body,
        ),
        Paragraph("Voici vos codes d'accès personnels :", st.body),
        _FullWidth(lambda width: _credentials(letter, st, width)),
        Spacer(1, 2.5 * mm),
        Paragraph("Comment faire ?", st.heading),
        Paragraph(f"Rendez-vous sur le portail famille : {where}", step, bulletText="1."),
        Paragraph(
            "Saisissez votre identifiant et le mot de passe provisoire ci-dessus.",
            step,
            bulletText="2.",
        ),
        Paragraph(
            "Choisissez aussitôt votre propre mot de passe : le mot de passe provisoire ne sert "
            "qu'à la première connexion et ne fonctionnera plus ensuite.",
            step,
            bulletText="3.",
        ),
        Spacer(1, 2.5 * mm),
        Paragraph(
            "<b>Ces codes sont personnels et confidentiels.</b> Conservez ce courrier en lieu "
            "sûr et ne les communiquez à personne. La mairie ne vous demandera jamais votre mot "
            "de passe, ni par téléphone, ni par courriel. En cas de perte, le service "
            "périscolaire vous remettra de nouveaux codes.",
            st.body,
        ),
        Paragraph(
            f"Nous restons à votre disposition au guichet{reach} pour tout renseignement. "
            "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.",
            st.body,
        ),
        Spacer(1, 4 * mm),
        Paragraph("Le service périscolaire", signature),
    ]
    if letter.agent_name.strip():
        story.append(Paragraph(escape(letter.agent_name), signature))
    return story


def _references(letter: PortalLetter, st: Styles) -> list[Flowable]:
    ref = st.small.clone("ref", textColor=INK)
    grey = f"#{MUTED.hexval()[2:]}"
    lines = [f"<font color='{grey}'>Dossier :</font> {escape(letter.family_reference)}"]
    if letter.agent_name.strip():
        lines.append(
            f"<font color='{grey}'>Affaire suivie par :</font> {escape(letter.agent_name)}"
        )
    return [Spacer(1, 6 * mm)] + [Paragraph(line, ref) for line in lines]


def _build(letter: PortalLetter, out: BytesIO, size: float, shrink: bool) -> int:
    """Lay the letter out with a body font of `size` points; return the page count."""
    st = styles(size)
    fixed = styles(10)

    def fixed_parts(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        head = letterhead_flowables(letter.organisation, fixed, SERVICE)
        draw_in_box(canvas, head + _references(letter, fixed), LETTERHEAD)
        draw_address(canvas, letter.addressee, letter.address_lines, fixed)
        draw_footer(
            canvas,
            [
                f"<b>Dossier {escape(letter.family_reference)}</b> · "
                f"{escape(letter.organisation.name)}",
                "Document personnel remis à la famille : il contient des codes d'accès "
                "confidentiels.",
            ],
            fixed,
        )

    bottom = FOOTER_TOP + 4 * mm
    height = PAGE_HEIGHT - BODY_TOP - bottom
    frame = Frame(
        MARGIN_LEFT,
        bottom,
        CONTENT_WIDTH,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        out,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=bottom,
        **document_options(
            "Vos codes d'accès au portail famille",
            author=letter.organisation.name,
            subject=f"Dossier {letter.family_reference}",
        ),
    )
    doc.addPageTemplates([PageTemplate(id="letter", frames=[frame], onPage=fixed_parts)])
    story = _body(letter, st)
    if shrink:
        story = [KeepInFrame(CONTENT_WIDTH, height, story, mode="shrink")]
    doc.build(story)
    return doc.page


def render(letter: PortalLetter, out: Path) -> Path:
    """Write the letter as a one-page A4 PDF at `out` and return that path.

    Long names, addresses or many children first make the body font smaller; only beyond
    that is the body scaled down as a whole, so the letter always stays on one page.
    """
    for size in BODY_SIZES:
        pdf = BytesIO()
        if _build(letter, pdf, size, shrink=False) == 1:
            break
    else:
        pdf = BytesIO()
        _build(letter, pdf, BODY_SIZES[-1], shrink=True)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
