"""The bank's reasons for returning a SEPA direct debit (R-transactions: reject, return,
refusal), by their ISO 20022 code as the EPC lists them, in French; which of them mean the
mandate can no longer be used; and when a family's rejects are too many."""

from __future__ import annotations

from datetime import date, timedelta

from eticket_desk.rules.errors import InvalidInput

REJECT_REASONS = {
    "AC01": "Numéro de compte (IBAN) erroné",
    "AC04": "Compte clôturé",
    "AC06": "Compte bloqué",
    "AC13": "Compte du débiteur de type non autorisé (compte de consommateur)",
    "AG01": "Opération interdite sur ce type de compte",
    "AG02": "Code opération ou format de fichier invalide",
    "AM04": "Provision insuffisante",
    "AM05": "Opération en double",
    "BE05": "Créancier non reconnu",
    "CNOR": "Banque du créancier non joignable",
    "DNOR": "Banque du débiteur non joignable",
    "ED05": "Règlement interbancaire échoué",
    "FF01": "Format de fichier invalide",
    "FOCR": "Annulation demandée par le créancier",
    "MD01": "Pas de mandat (prélèvement non autorisé)",
    "MD02": "Données du mandat manquantes ou erronées",
    "MD06": "Remboursement demandé par le débiteur (contestation)",
    "MD07": "Débiteur décédé",
    "MS02": "Refus du débiteur (raison non communiquée)",
    "MS03": "Raison non communiquée par la banque",
    "RC01": "BIC de la banque erroné",
    "RR01": "Identification du compte du débiteur manquante (réglementaire)",
    "RR02": "Nom ou adresse du débiteur manquant (réglementaire)",
    "RR03": "Nom ou adresse du créancier manquant (réglementaire)",
    "RR04": "Motif réglementaire",
    "SL01": "Service spécifique de la banque du débiteur (opposition, liste noire)",
}

# No mandate, debtor deceased, account closed: the mandate cannot serve again.
REVOKE_CODES = frozenset({"MD01", "MD07", "AC04"})
FLAG_REJECTS = 2  # this many rejects or more…
FLAG_WINDOW_DAYS = 365  # …within twelve months flag the family


def check_reject_code(code: str) -> str:
    """The code as stored (upper case), or the French refusal."""
    code = (code or "").strip().upper()
    if code not in REJECT_REASONS:
        raise InvalidInput("Choisissez le motif du rejet dans la liste des codes de la banque.")
    return code


def reject_label(code: str) -> str:
    """« AM04 — Provision insuffisante »."""
    return f"{code} — {REJECT_REASONS.get(code, 'motif inconnu')}"


def suggests_revocation(code: str) -> bool:
    return code in REVOKE_CODES


def repeated_rejects(reject_days: list[date], today: date) -> bool:
    """Two rejects or more in the last twelve months."""
    since = today - timedelta(days=FLAG_WINDOW_DAYS)
    return sum(1 for day in reject_days if day > since) >= FLAG_REJECTS
