"""The DGFiP datamatrix of « paiement de proximité »: the 130-character string printed as an
ECC200 code on the invoice (avis des sommes à payer) of a commune in titres mode, which an
approved tobacconist scans to take the payment in cash or by card.

The layout and its four keys follow the DGFiP's « cahier des charges éditeurs » for the ASAP
(Hélios, PES V2 ORMC titles) as two public implementations read it (Noethys, and the MIT
package bluspark/dgfip-datamatrix); the DGFiP document itself was not available to us, see
docs/datamatrix.md. Everything that depends on that reading is in this module, so that it can
be corrected in one place.

    1-40    business data: spaces            41-64   spaces
    65-75   set 6: établissement (3) période (1) produit (3) « 00 » exercice (2)
    76      key of set 6 (modulo 11)
    77-86   set 3: code émetteur « 940033 », établissement bancaire « 0001 »
    87-88   key of set 3 (weighted, modulo 100)
    89      space
    90-91   key of set 2 (weighted, modulo 100)
    92-116  set 2: Cle2 (2, modulo 23) NumDette (15) poste comptable (6) « 4 » « 9 »
    117-118 key of set 1 (weighted, modulo 100, the space left out)
    119-130 set 1: nature « 8 », code de traitement « 06 », space, amount in cents (8, right)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eticket_desk.rules.errors import InvalidInput

LENGTH = 130
EMITTER = "940033"  # code émetteur of the DGFiP for local public-sector titles
BANK = "0001"  # code établissement (bancaire)
APPLICATION = "4"
DOCUMENT = "9"
NATURE = "8"
PROCESSING = "06"  # code de traitement Banque de France
CASH_CEILING_CENTS = 300_00  # paid in cash up to 300 €, by card beyond (2020 convention)
MAX_AMOUNT_CENTS = 99_999_999  # eight digits


@dataclass(frozen=True)
class DatamatrixReference:
    """What identifies the titre in Hélios; the amount is given when the code is drawn (what is
    left to pay on the printed copy)."""

    establishment: str  # 3 digits: the commune's code collectivité (PES CodCol)
    period: str  # 1 digit: the PES Per of the pièce
    product: str  # 3 digits: the first two characters of the CodProdLoc, as a number
    year: int  # exercice
    debt_number: str  # PES NumDette: the invoice's number in its series, digits
    accountant: str  # 6 digits: the poste comptable (codique)


def key_modulo_11(digits: str) -> str:
    """Key of set 6: 11 − (n mod 11), written on one digit (10 → 0, 11 → 1)."""
    return str(11 - int(digits) % 11)[-1]


def key_weighted(digits: str) -> str:
    """Keys of sets 1, 2 and 3: each digit times its rank from the right (1, 2, 3…), summed,
    modulo 100, on two digits."""
    total = sum(rank * int(digit) for rank, digit in enumerate(reversed(digits), 1))
    return f"{total % 100:02d}"


def cle2(year: int, period: str, debt_number: str) -> str:
    """PES Cle2 of the pièce (modulo 23 of exercice on two digits, period and NumDette on 15),
    plus one, on two digits: the datamatrix carries it in digits (letter A = 01 … Y = 23)."""
    return f"{int(f'{year % 100:02d}{period}{debt_number:0>15}') % 23 + 1:02d}"


def debt_number(invoice_number: str) -> str:
    """« F-2026-000123 » → « 123 »: the number in the year's series, the titre's NumDette."""
    match = re.search(r"(\d+)$", invoice_number.strip())
    if match is None:
        raise InvalidInput(f"Le numéro de facture « {invoice_number} » ne finit pas par un nombre.")
    return str(int(match.group(1)))


def pes_period(month: int) -> str:
    """The PES Per (one character) of a run of `month`: its first digit, as Noethys writes it
    (unverified against the DGFiP's text, see docs/datamatrix.md)."""
    return str(month)[:1]


def product_digits(product_code: str) -> str:
    """The activity's CodProdLoc (« 7067 », « 70 ») read as the datamatrix's 3-digit product:
    its first two characters, which must be digits (no transcoding table for letters)."""
    head = product_code.strip()[:2]
    if not head.isdigit():
        raise InvalidInput(
            f"Le code produit « {product_code} » doit commencer par deux chiffres pour le code "
            "de paiement de proximité."
        )
    return f"{int(head):03d}"


def reference_for(
    cod_col: str, id_post: str, product_code: str, year: int, month: int, invoice_number: str
) -> DatamatrixReference:
    """The reference of an invoice from the organisation's PES codes and the run; InvalidInput
    (French) when a code is missing or malformed."""
    if not re.fullmatch(r"\d{3}", cod_col or ""):
        raise InvalidInput("Le code collectivité (CodCol, 3 chiffres) n'est pas renseigné.")
    post = (id_post or "").strip()
    if not re.fullmatch(r"\d{6,7}", post) or len(str(int(post))) > 6:
        raise InvalidInput("Le code du poste comptable (IdPost) n'est pas renseigné.")
    return DatamatrixReference(
        establishment=cod_col,
        period=pes_period(month),
        product=product_digits(product_code),
        year=year,
        debt_number=debt_number(invoice_number),
        accountant=f"{int(post):06d}",
    )


def datamatrix_string(ref: DatamatrixReference, amount_cents: int) -> str:
    """The 130 characters to encode for `amount_cents` to pay."""
    if not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise InvalidInput(
            "Le montant d'un code de paiement de proximité va de 0,01 € à 999 999,99 €."
        )
    if len(ref.debt_number) > 15 or not ref.debt_number.isdigit():
        raise InvalidInput("Le numéro de dette (NumDette) compte au plus 15 chiffres.")
    set6 = f"{ref.establishment}{ref.period}{ref.product}00{ref.year % 100:02d}"
    set3 = f"{EMITTER}{BANK}"
    set2 = (
        f"{cle2(ref.year, ref.period, ref.debt_number)}{ref.debt_number:0>15}"
        f"{ref.accountant}{APPLICATION}{DOCUMENT}"
    )
    amount = f"{amount_cents:03d}"
    set1 = f"{NATURE}{PROCESSING} {amount:>8}"
    key1 = key_weighted(f"{NATURE}{PROCESSING}{amount:0>8}")
    text = (
        " " * 64
        + set6
        + key_modulo_11(set6)
        + set3
        + key_weighted(set3)
        + " "
        + key_weighted(set2)
        + set2
        + key1
        + set1
    )
    if len(text) != LENGTH or not re.fullmatch(r"[ 0-9]+", text):
        raise InvalidInput("Les références du code de paiement de proximité sont mal formées.")
    return text
