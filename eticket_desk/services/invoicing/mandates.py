"""A family's SEPA direct-debit mandates: sign one (its RUM from a gapless series), amend it
(the RUM stays, the next debit announces the change), revoke it, list them with their state.

Only the régisseur and the administrator write them (Permission.MANDATE_EDIT); everyone who
sees the dossier sees the mandate and can print it. Every write is audited with the account
masked (« FR76 •••• 1234 »), never the whole IBAN. Mandates stay on the régie's desk: the
server does not hold them (what an invoice prints of its debit travels with the invoice)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Family, Organisation, SepaMandate
from eticket_desk.rules.contact import normalise_postcode
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound, ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.sepa import MANDATE_SERIES, make_rum
from eticket_desk.rules.treasury import bank_bic, check_bic, check_iban, masked_iban
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, changes
from eticket_desk.services.core.numbering import next_number
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.mandate_data import (
    MandateInfo,
    MandateInput,
    active_mandate,
    family_mandates,
    mandate_info,
    prefilled,
)

NO_ICS = (
    "La commune n'a pas d'identifiant créancier SEPA (ICS) : saisissez-le dans "
    "Paramètres › Organisation avant d'enregistrer un mandat de prélèvement."
)


def _family_changed(call) -> FamilyTopic:
    return FamilyTopic(call["family_id"])


def _mandate_family(call) -> FamilyTopic:
    return FamilyTopic(call.result.family_id)


def checked_input(data: MandateInput, today: date) -> MandateInput:
    """The form's values as stored, or ValidationFailed naming each wrong field in French."""
    errors: dict[str, str] = {}
    clean = replace(
        data,
        debtor_name=" ".join(data.debtor_name.split()),
        street=" ".join(data.street.split()),
        building_number=data.building_number.strip(),
        town=" ".join(data.town.split()).upper(),
        country=data.country.strip().upper() or "FR",
    )
    if not clean.debtor_name:
        errors["debtor_name"] = "Le nom du titulaire du compte est obligatoire."
    elif len(clean.debtor_name) > 70:
        errors["debtor_name"] = "Le nom du titulaire tient en 70 caractères au plus."
    for key, label, size in (("street", "La rue", 70), ("town", "La ville", 35)):
        value = getattr(clean, key)
        if not value:
            errors[key] = f"{label} du titulaire est obligatoire (adresse structurée SEPA)."
        elif len(value) > size:
            errors[key] = f"{label} tient en {size} caractères au plus."
    if len(clean.building_number) > 16:
        errors["building_number"] = "Le numéro tient en 16 caractères au plus."
    if len(clean.country) != 2 or not clean.country.isalpha():
        errors["country"] = "Le pays s'écrit en deux lettres (FR, BE, DE…)."
    try:
        if not data.postcode.strip():
            raise InvalidInput("Le code postal du titulaire est obligatoire.")
        postcode = data.postcode.strip()
        clean.postcode = normalise_postcode(postcode) if clean.country == "FR" else postcode
    except InvalidInput as exc:
        errors["postcode"] = exc.message
    try:
        clean.iban = check_iban(data.iban)
        try:
            clean.bic = check_bic(data.bic, clean.iban)
        except InvalidInput as exc:
            errors["bic"] = exc.message
    except InvalidInput as exc:
        errors["iban"] = exc.message
    if clean.signed_on is None:
        errors["signed_on"] = "La date de signature du mandat est obligatoire."
    elif clean.signed_on > today:
        errors["signed_on"] = "La date de signature ne peut pas être dans le futur."
    if errors:
        raise ValidationFailed(errors)
    return clean


def _ics(session: Session) -> str:
    org = session.scalar(select(Organisation))
    if org is None or not org.sepa_ics:
        raise DomainError(NO_ICS)
    return org.sepa_ics


def _mandate(session: Session, mandate_id: uuid.UUID) -> SepaMandate:
    mandate = session.get(SepaMandate, mandate_id)
    if mandate is None:
        raise NotFound("Ce mandat n'existe pas.")
    return mandate


def list_mandates(store: Store, actor: Actor, family_id: uuid.UUID) -> list[MandateInfo]:
    """A family's mandates, the latest first, with their state today."""
    actor.require(Permission.FAMILY_VIEW)
    today = store.clock.today()
    with store.read() as session:
        return [mandate_info(m, today) for m in family_mandates(session, family_id)]


def current_mandate(store: Store, actor: Actor, family_id: uuid.UUID) -> MandateInfo | None:
    """The mandate the dossier shows: the active one, else the latest (revoked or lapsed)."""
    mandates = list_mandates(store, actor, family_id)
    return next((m for m in mandates if m.is_active), mandates[0] if mandates else None)


def new_mandate_form(store: Store, actor: Actor, family_id: uuid.UUID) -> MandateInput:
    """A new mandate prefilled from the family's billing adult."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        return prefilled(session, family_id, store.clock.today())


@changes(_family_changed)
def sign_mandate(
    store: Store, actor: Actor, family_id: uuid.UUID, data: MandateInput
) -> MandateInfo:
    """Record the mandate the family signed; refused while it has an active one."""
    actor.require(Permission.MANDATE_EDIT)
    with store.write(actor) as session:
        now = session.info["now"]
        ics = _ics(session)
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe pas.")
        clean = checked_input(data, now.date())
        current = active_mandate(session, family_id, now.date())
        if current is not None:
            raise DomainError(
                f"Cette famille a déjà un mandat actif ({current.rum}) : modifiez-le, ou "
                "révoquez-le avant d'en enregistrer un autre."
            )
        rum = make_rum(ics, family.reference, next_number(session, MANDATE_SERIES))
        mandate = SepaMandate(
            family_id=family_id,
            rum=rum,
            signed_on=clean.signed_on,
            recurrent=clean.recurrent,
            debtor_name=clean.debtor_name,
            street=clean.street,
            building_number=clean.building_number,
            postcode=clean.postcode,
            town=clean.town,
            country=clean.country,
            iban=clean.iban,
            bic=clean.bic,
            first_debit_on=None,
            last_debit_on=None,
            revoked_on=None,
            created_at=now,
            by=actor.login,
        )
        session.add(mandate)
        session.flush()
        record(
            session,
            "mandate_signed",
            "sepa_mandate",
            mandate.id,
            f"Mandat SEPA {rum} de la famille {family.reference} : "
            f"{masked_iban(clean.iban)}, signé le {clean.signed_on:%d/%m/%Y}",
            family=family.reference,
            rum=rum,
            account=masked_iban(clean.iban),
        )
        return mandate_info(mandate, now.date())


@changes(_mandate_family)
def amend_mandate(
    store: Store, actor: Actor, mandate_id: uuid.UUID, data: MandateInput
) -> MandateInfo:
    """A new account or debtor on the same mandate: the RUM stays; what the bank had before
    is kept (original_*) and announced by the next debit (amendment_pending)."""
    actor.require(Permission.MANDATE_EDIT)
    with store.write(actor) as session:
        today = session.info["now"].date()
        mandate = _mandate(session, mandate_id)
        info = mandate_info(mandate, today)
        if not info.is_active:
            raise DomainError(
                f"Le mandat {mandate.rum} est {info.state_label} : il ne peut plus être modifié. "
                "Enregistrez un nouveau mandat signé."
            )
        clean = checked_input(replace(data, signed_on=mandate.signed_on), today)
        if clean.iban != mandate.iban and data.bic.strip() in ("", mandate.bic):
            clean.bic = bank_bic(clean.iban)  # the old bank's BIC left in the form: the new one
        what = []
        if clean.iban != mandate.iban:
            if not mandate.amendment_pending or not mandate.original_iban:
                mandate.original_iban = mandate.iban
            what.append(f"compte {masked_iban(mandate.iban)} → {masked_iban(clean.iban)}")
        if clean.debtor_name != mandate.debtor_name:
            if not mandate.amendment_pending or not mandate.original_debtor_name:
                mandate.original_debtor_name = mandate.debtor_name
            what.append(f"titulaire {mandate.debtor_name} → {clean.debtor_name}")
        if what:
            mandate.amendment_pending = True
        for key in ("debtor_name", "street", "building_number", "postcode", "town", "country"):
            if getattr(mandate, key) != getattr(clean, key):
                setattr(mandate, key, getattr(clean, key))
        for key in ("iban", "bic", "recurrent"):
            if getattr(mandate, key) != getattr(clean, key):
                setattr(mandate, key, getattr(clean, key))
        if not session.is_modified(mandate):
            return info
        session.flush()
        record(
            session,
            "mandate_amended",
            "sepa_mandate",
            mandate.id,
            f"Mandat SEPA {mandate.rum} modifié : {', '.join(what) or 'adresse du titulaire'}",
            rum=mandate.rum,
            account=masked_iban(mandate.iban),
        )
        return mandate_info(mandate, today)


@changes(_mandate_family)
def revoke_mandate(
    store: Store, actor: Actor, mandate_id: uuid.UUID, revoked_on: date, reason: str
) -> MandateInfo:
    """The family withdrew its consent (or the mairie ends the mandate) from `revoked_on`:
    no debit is made from that day on."""
    actor.require(Permission.MANDATE_EDIT)
    reason = " ".join(reason.split())
    with store.write(actor) as session:
        today = session.info["now"].date()
        mandate = _mandate(session, mandate_id)
        errors = {}
        if mandate.revoked_on is not None:
            raise DomainError(
                f"Le mandat {mandate.rum} est déjà révoqué depuis le {mandate.revoked_on:%d/%m/%Y}."
            )
        if revoked_on < mandate.signed_on:
            errors["revoked_on"] = (
                "La révocation ne peut pas précéder la signature du mandat "
                f"({mandate.signed_on:%d/%m/%Y})."
            )
        if not reason:
            errors["reason"] = "Indiquez le motif de la révocation (courrier de la famille…)."
        if errors:
            raise ValidationFailed(errors)
        mandate.revoked_on = revoked_on
        mandate.revoked_reason = reason
        session.flush()
        record(
            session,
            "mandate_revoked",
            "sepa_mandate",
            mandate.id,
            f"Mandat SEPA {mandate.rum} révoqué le {revoked_on:%d/%m/%Y} : {reason}",
            rum=mandate.rum,
            account=masked_iban(mandate.iban),
        )
        return mandate_info(mandate, today)
