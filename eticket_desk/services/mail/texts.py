"""The French subjects and bodies of the messages the desk sends, signed by the régie."""

from __future__ import annotations

from datetime import date

from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.rules.money import format_cents


def signature(org: OrganisationData) -> str:
    lines = [org.regie_name or "La régie périscolaire", org.name]
    address = " ".join(p for p in (org.postcode, org.city) if p)
    lines += [p for p in (org.address1, address, org.phone, org.email) if p]
    return "\n".join(line for line in lines if line)


def _hello(name: str) -> str:
    return f"Bonjour {name}," if name else "Bonjour,"


def of(label: str) -> str:
    """« de novembre 2026 », « d'octobre 2026 »."""
    return f"d'{label}" if label[:1].lower() in "aeiouyéèâ" else f"de {label}"


def invoice_subject(org: OrganisationData, number: str, period_label: str) -> str:
    """« Votre facture F-2026-000123 de novembre 2026 — Commune de Neuvecelle »."""
    return f"Votre facture {number} {of(period_label)} — {org.name}"


def invoice_body(
    org: OrganisationData, name: str, number: str, period_label: str, total: int, due: date
) -> str:
    return (
        f"{_hello(name)}\n\n"
        f"Veuillez trouver ci-joint votre facture {number} des services périscolaires "
        f"{of(period_label)}, d'un montant de {format_cents(total)}, à régler au plus tard le "
        f"{due:%d/%m/%Y}.\n\n"
        "Les moyens de paiement figurent sur la facture. Pour toute question, répondez à ce "
        "message ou passez au guichet.\n\n"
        f"Cordialement,\n\n{signature(org)}\n"
    )


def reminder_subject(org: OrganisationData, family_reference: str) -> str:
    return f"Rappel : factures restant à payer ({family_reference}) — {org.name}"


def reminder_body(org: OrganisationData, name: str, due_total: int) -> str:
    return (
        f"{_hello(name)}\n\n"
        f"Sauf erreur de notre part, des factures restent à payer pour un montant de "
        f"{format_cents(due_total)}. Vous trouverez le détail dans la lettre de relance "
        "ci-jointe.\n\nSi vous avez réglé entre-temps, merci de ne pas tenir compte de ce "
        f"message.\n\nCordialement,\n\n{signature(org)}\n"
    )


def meal_order_subject(org: OrganisationData, day: date) -> str:
    return f"Commande de repas du {day:%d/%m/%Y} — {org.name}"


def meal_order_body(org: OrganisationData, day: date, lines: list[str], total: int) -> str:
    detail = "\n".join(f"  - {line}" for line in lines) or "  (aucun repas réservé)"
    return (
        "Bonjour,\n\n"
        f"Voici la commande de repas du {day:%d/%m/%Y} ({total} repas), arrêtée à l'heure "
        f"limite des réservations :\n\n{detail}\n\nLe détail par école et par régime est dans "
        f"le PDF ci-joint.\n\nCordialement,\n\n{signature(org)}\n"
    )


def portal_letter_subject(org: OrganisationData) -> str:
    return f"Vos codes d'accès au portail des familles — {org.name}"


def portal_letter_body(org: OrganisationData, name: str) -> str:
    return (
        f"{_hello(name)}\n\n"
        "Veuillez trouver ci-joint la lettre qui vous donne accès au portail des familles, "
        "où vous pouvez réserver, payer vos factures et suivre votre dossier.\n\n"
        f"Cordialement,\n\n{signature(org)}\n"
    )


def test_subject(org: OrganisationData) -> str:
    return f"Message d'essai de la messagerie — {org.name}"


def test_body(org: OrganisationData) -> str:
    return (
        "Bonjour,\n\nCe message d'essai confirme que le guichet peut envoyer des courriels.\n\n"
        f"Cordialement,\n\n{signature(org)}\n"
    )


def certificate_subject(org: OrganisationData, year: int) -> str:
    """« Attestation de frais de garde 2026 — Commune de Neuvecelle »."""
    return f"Attestation de frais de garde {year} — {org.name}"


def certificate_body(org: OrganisationData, name: str, year: int, total: int) -> str:
    return (
        f"{_hello(name)}\n\n"
        f"Veuillez trouver ci-joint l'attestation des frais de garde de vos enfants de moins "
        f"de 6 ans que vous avez payés en {year} ({format_cents(total)}), à joindre à votre "
        "déclaration de revenus (crédit d'impôt, article 200 quater B du code général des "
        "impôts ; les repas n'y figurent pas).\n\n"
        f"Cordialement,\n\n{signature(org)}\n"
    )
