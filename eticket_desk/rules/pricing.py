"""Ticket prices by quotient familial bracket, and how a sale is settled (cash, cheque, card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.money import format_cents

# A quotient familial older than this is no longer valid: the highest bracket applies.
QF_VALIDITY = timedelta(days=366)


@dataclass(frozen=True)
class Bracket:
    qf_max: int | None  # up to this QF (euros), None: above every other bracket
    price_cents: int
    outside_price_cents: int  # hors commune


@dataclass(frozen=True)
class Price:
    unit_cents: int
    note: str  # « Quotient familial 850 € — tranche 2 sur 4 » …


def qf_is_valid(qf_value: int | None, qf_date: date | None, today: date) -> bool:
    return qf_value is not None and qf_date is not None and today - qf_date <= QF_VALIDITY


def check_brackets(brackets: list[Bracket]) -> None:
    errors: dict[str, str] = {}
    if not brackets:
        errors["brackets"] = "Indiquez au moins une tranche de tarif."
    elif brackets[-1].qf_max is not None:
        errors["brackets"] = "La dernière tranche doit être sans plafond (« et au-delà »)."
    limits = [b.qf_max for b in brackets[:-1]]
    if any(limit is None for limit in limits):
        errors["brackets"] = "Seule la dernière tranche peut être sans plafond."
    elif limits != sorted(set(limits)):
        errors["brackets"] = "Les plafonds de quotient doivent aller en croissant, sans doublon."
    if any(b.price_cents < 0 or b.outside_price_cents < 0 for b in brackets):
        errors["prices"] = "Un prix ne peut pas être négatif."
    if errors:
        raise ValidationFailed(errors)


def unit_price(
    brackets: list[Bracket],
    qf_value: int | None,
    qf_date: date | None,
    today: date,
    *,
    outside: bool,
) -> Price:
    """The price of one ticket for this family: its bracket, or the highest one without a
    valid QF; the hors-commune price when the family lives outside the commune."""
    check_brackets(brackets)
    where = " — hors commune" if outside else ""
    if not qf_is_valid(qf_value, qf_date, today):
        chosen = brackets[-1]
        why = "sans quotient familial valide" if qf_value is None else "quotient familial périmé"
        note = f"Tarif le plus élevé ({why}){where}"
    else:
        index = next(i for i, b in enumerate(brackets) if b.qf_max is None or qf_value <= b.qf_max)
        chosen = brackets[index]
        note = f"Quotient familial {qf_value} € — tranche {index + 1} sur {len(brackets)}{where}"
    return Price(chosen.outside_price_cents if outside else chosen.price_cents, note)


class Method(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    CARD = "card"
    DEBIT = "debit"  # SEPA direct debit: recorded by a debit batch, never typed at the counter


METHOD_LABELS = {
    Method.CASH: "Espèces",
    Method.CHEQUE: "Chèque",
    Method.CARD: "Carte bancaire",
    Method.DEBIT: "Prélèvement",
}


@dataclass(frozen=True)
class PaymentInput:
    """What the agent typed: for cash, the amount handed over; otherwise the amount paid."""

    method: Method
    amount_cents: int
    cheque_number: str = ""
    cheque_bank: str = ""
    cheque_drawer: str = ""
    card_reference: str = ""


@dataclass(frozen=True)
class Settlement:
    paid: tuple[tuple[PaymentInput, int], ...]  # each payment and the amount it settles
    change_cents: int  # given back from the cash


def settle(total_cents: int, payments: list[PaymentInput]) -> Settlement:
    """Checks the payments against the total; only cash gives change, and only what was
    handed over beyond the total. Refusals are French and say what is missing."""
    if not payments:
        raise InvalidInput("Indiquez au moins un règlement.")
    for p in payments:
        if not isinstance(p.amount_cents, int) or p.amount_cents <= 0:
            raise InvalidInput(
                f"Le montant d'un règlement ({METHOD_LABELS[p.method]}) doit être positif."
            )
        if p.method == Method.CHEQUE and not (p.cheque_number.strip() and p.cheque_bank.strip()):
            raise InvalidInput("Un chèque demande son numéro et sa banque.")
        if p.method == Method.CHEQUE and not p.cheque_drawer.strip():
            raise InvalidInput("Indiquez le tireur du chèque (le titulaire du compte).")
        if p.method == Method.CARD and not p.card_reference.strip():
            raise InvalidInput("Indiquez la référence du ticket du terminal de paiement.")
    others = sum(p.amount_cents for p in payments if p.method != Method.CASH)
    cash = sum(p.amount_cents for p in payments if p.method == Method.CASH)
    if others > total_cents:
        raise DomainError(
            f"Les chèques et cartes ({format_cents(others)}) dépassent le total "
            f"({format_cents(total_cents)}) : la monnaie ne se rend qu'en espèces."
        )
    if others + cash < total_cents:
        raise DomainError(
            f"Il manque {format_cents(total_cents - others - cash)} pour régler {format_cents(total_cents)}."
        )
    change = others + cash - total_cents
    due_in_cash = total_cents - others
    paid = []
    for p in payments:
        if p.method == Method.CASH:
            share = min(p.amount_cents, due_in_cash)
            due_in_cash -= share
            paid.append((p, share))
        else:
            paid.append((p, p.amount_cents))
    return Settlement(tuple(paid), change)
