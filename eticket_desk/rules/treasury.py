"""The identifiers of money to the Trésor, checked alike in Paramètres › Organisation, in a
family's mandate and before a file is exported: the commune's SIRET and PES V2 codes, the SEPA
creditor identifier (ICS), IBANs and BICs. Each check returns the value as stored (compact,
upper case) or raises InvalidInput with the French message shown beside the field.

The checksums come from the libraries made for them (python-stdnum, schwifty), never from a
hand-written copy. They are imported on first use: the window opens without them (schwifty
loads its bank registry, about 0.2 s)."""

from __future__ import annotations

import re

from eticket_desk.rules.errors import InvalidInput

COLLECTION_MODES = {"regie": "Régie de recettes", "titres": "Titres de recettes (PES V2)"}
PAIN_VERSIONS = ("pain.008.001.02", "pain.008.001.08")


def compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def check_collection_mode(value: str) -> str:
    if value not in COLLECTION_MODES:
        raise InvalidInput("Choisissez le mode d'encaissement : régie ou titres de recettes.")
    return value


def check_siret(value: str) -> str:
    """The commune's SIRET (14 digits, Luhn key); "" while not set."""
    from stdnum.fr import siret

    value = compact(value)
    if value and not siret.is_valid(value):
        raise InvalidInput(
            "Ce SIRET n'est pas valide : il compte 14 chiffres et sa clé de contrôle doit "
            "correspondre (il figure sur l'avis de situation au répertoire SIRENE)."
        )
    return value


def check_digits(value: str, length: int, what: str) -> str:
    """A PES V2 code made of `length` digits (IdPost: 7, CodCol: 3, CodBud: 2); "" while not
    set."""
    value = value.strip()
    if value and not re.fullmatch(rf"\d{{{length}}}", value):
        raise InvalidInput(f"{what} compte {length} chiffres (donné par la trésorerie).")
    return value


def check_ics(value: str) -> str:
    """The SEPA creditor identifier (identifiant créancier SEPA, ICS): country, 2 check digits
    (ISO 7064 MOD 97-10, stdnum's AT-02), business code, national id —
    FR12ZZZ123456 in France. "" while not set."""
    from stdnum.eu import at_02

    value = compact(value)
    if not value:
        return value
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}", value):
        raise InvalidInput(
            "L'identifiant créancier SEPA (ICS) s'écrit comme FR12ZZZ123456 : pays, clé, "
            "code activité et numéro national."
        )
    if not at_02.is_valid(value):
        raise InvalidInput("La clé de l'identifiant créancier SEPA (ICS) ne correspond pas.")
    return value


def check_iban(value: str, required: bool = True) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    value = compact(value)
    if not value:
        if required:
            raise InvalidInput("L'IBAN est obligatoire.")
        return value
    try:
        return IBAN(value).compact
    except SchwiftyException:
        raise InvalidInput(
            "Cet IBAN n'est pas valide : vérifiez chaque caractère sur le RIB (la clé de "
            "contrôle ne correspond pas, ou sa longueur n'est pas celle de son pays)."
        ) from None


def check_bic(value: str, iban: str = "") -> str:
    """A BIC of 8 or 11 characters; "" when not given, then the IBAN's own bank is used when
    schwifty knows it (the BIC is optional in SEPA files since 2016)."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    value = compact(value)
    if not value:
        return bank_bic(iban) if iban else ""
    try:
        return str(BIC(value))
    except SchwiftyException:
        raise InvalidInput("Ce BIC n'est pas valide (8 ou 11 lettres et chiffres).") from None


def bank_bic(iban: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        bic = IBAN(iban).bic
    except SchwiftyException:
        return ""
    return str(bic) if bic else ""


def check_pain_version(value: str) -> str:
    if value not in PAIN_VERSIONS:
        raise InvalidInput(
            "Choisissez la version du fichier de prélèvement demandée par la banque."
        )
    return value


def masked_iban(iban: str) -> str:
    """« FR76 •••• 1234 »: what an invoice or a screen shows of an account."""
    iban = compact(iban)
    return f"{iban[:4]} •••• {iban[-4:]}" if len(iban) > 8 else iban


# The organisation's settings of money to the Trésor and the check of each, used alike by the
# service that saves them and by Paramètres › Organisation as the agent types.
ORGANISATION_CHECKS = {
    "collection_mode": check_collection_mode,
    "siret": check_siret,
    "pes_id_post": lambda v: check_digits(v, 7, "Le code du poste comptable (IdPost)"),
    "pes_cod_col": lambda v: check_digits(v, 3, "Le code collectivité (CodCol)"),
    "pes_cod_bud": lambda v: check_digits(v, 2, "Le code budget (CodBud)"),
    "sepa_ics": check_ics,
    "sepa_iban": lambda v: check_iban(v, required=False),
    "sepa_pain_version": check_pain_version,
}
