"""The SEPA pre-notification an invoice of a family on direct debit prints instead of the
cheque coupon and « Comment payer »: the day and the account the amount is debited from, the
mandate's RUM and the creditor's ICS (EPC rulebook: the debtor is told at least 14 days
before, unless agreed otherwise, which the organisation's delay sets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_page import money, put, wrap
from eticket_desk.reports.common import ACCENT, TINT
from eticket_desk.reports.fonts import BOLD, REGULAR

NBSP = "\u00a0"


@dataclass(frozen=True)
class DebitNotice:
    """What the invoice says of its debit (the masked account: « FR76 •••• 1234 »)."""

    debit_on: date
    account: str
    rum: str
    ics: str

    def sentence(self, amount_cents: int) -> str:
        """« Montant prélevé le 15/12/2026 sur le compte FR76 •••• 1234 : 62,00 € »."""
        account = self.account.replace(" ", NBSP)
        return (
            f"Montant prélevé le {self.debit_on:%d/%m/%Y} sur le compte {account} : "
            f"{money(amount_cents)}"
        )


def title_lines(notice: DebitNotice, amount_cents: int) -> list[str]:
    """The title box's two lines on a debited invoice (instead of « avant le … »)."""
    return [f"Montant prélevé : {money(amount_cents)}", f"le {notice.debit_on:%d/%m/%Y}"]


@dataclass(frozen=True)
class DebitText:
    """« Prélèvement SEPA » wrapped to a column `width` wide: its height and how to draw it."""

    lines: tuple[tuple[str, str], ...]  # (font, text)
    height: float
    width: float

    LEADING = 3.8 * mm

    @classmethod
    def of(cls, notice: DebitNotice, amount_cents: int, width: float) -> DebitText:
        inner = width - 6 * mm
        rows = [(BOLD, line) for line in wrap(notice.sentence(amount_cents), inner, 9, BOLD)]
        rows += [
            (REGULAR, line)
            for text in (
                f"Référence unique du mandat (RUM) : {notice.rum}",
                f"Identifiant créancier SEPA (ICS) : {notice.ics}",
                "Cet avis vaut pré-notification du prélèvement : n'envoyez pas de chèque. "
                "Pour toute question, adressez-vous à la régie avant cette date.",
            )
            for line in wrap(text, inner, 8)
        ]
        return cls(tuple(rows), 10 * mm + len(rows) * cls.LEADING, width)

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.rect(x, top - self.height, self.width, self.height, stroke=1, fill=1)
        canvas.restoreState()
        put(canvas, x + 3 * mm, top - 5 * mm, "Prélèvement SEPA", 10, BOLD, ACCENT)
        y = top - 10 * mm
        for font, line in self.lines:
            put(canvas, x + 3 * mm, y, line, 9 if font == BOLD else 8, font)
            y -= self.LEADING
