"""French texts of the « Tarifs » screen: what the tariffs of a ticket type, a per-day
activity or a fare option are for, and how each activity is billed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.templates import fare_labels
from eticket_desk.services.catalogue.tariffs import TicketTypeInfo


def _tr(text: str) -> str:
    return QCoreApplication.translate("TariffsScreen", text)


def billing_text(activity: ActivitySpec) -> str:
    if activity.billing_mode == BillingMode.FARE:
        return _tr("forfait par période")
    return _tr("à l'unité, par jour")


def ticket_texts(ticket: TicketTypeInfo) -> tuple[str, str, str]:
    """(title, title when there is no tariff yet, explanation)."""
    return (
        _tr("Tarifs « {name} »").format(name=ticket.name),
        _tr("Aucun tarif pour « {name} » : créez-en un.").format(name=ticket.name),
        _tr(
            "Prix d'un ticket. Une famille sans quotient familial valide paie la dernière "
            "tranche. Un nouveau tarif ne change jamais les ventes déjà faites."
        ),
    )


def activity_texts(activity: ActivitySpec, option: str) -> tuple[str, str, str]:
    """(title, title when there is no tariff yet, explanation) of a per-day activity, or of
    one fare option (« 1 » or « 2 ») of a fare activity."""
    if activity.billing_mode != BillingMode.FARE:
        return (
            _tr("Prix par jour — « {name} »").format(name=activity.name),
            _tr("Aucun prix par jour pour « {name} » : créez-en un avant de facturer.").format(
                name=activity.name
            ),
            _tr(
                "Prix d'un jour facturé (réservé, absent sans justificatif ou annulé hors "
                "délai). Une famille sans quotient familial valide paie la dernière tranche. "
                "Un nouveau tarif vaut pour les jours à partir de sa date : les factures déjà "
                "émises ne changent pas."
            ),
        )
    label = fare_labels(activity.code).get(option, option)
    return (
        _tr("Forfait « {fare} » — « {name} »").format(fare=label, name=activity.name),
        _tr("Aucun tarif pour le forfait « {fare} » de « {name} » : créez-en un.").format(
            fare=label, name=activity.name
        ),
        _tr(
            "Prix du forfait d'un enfant pour une période de l'année scolaire, selon l'option "
            "choisie à l'inscription. Le tarif en vigueur au début de la période (ou de "
            "l'inscription) s'applique ; les factures déjà émises ne changent pas."
        ),
    )
