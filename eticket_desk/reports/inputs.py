"""The plain data the reports print that is not one document's own: the organisation's
identity (on every letterhead) and the portal letter handed to the parents. The services
fill them (services/catalogue/organisation.py, services/families/portal.py); the reports
only read them, so they depend on no service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class OrganisationData:
    name: str = ""
    address1: str = ""
    address2: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    regie_name: str = ""
    payable_to: str = "Trésor Public"
    treasury_name: str = ""
    treasury_address1: str = ""
    treasury_address2: str = ""
    treasury_postcode: str = ""
    treasury_city: str = ""
    payfip_id: str = ""
    payfip_mode: str = "test"
    invoice_mentions: str = ""
    cash_ceiling_cents: int = 0
    school_zone: str = "A"
    portal_url: str = ""
    collection_mode: str = "regie"
    siret: str = ""
    pes_id_post: str = ""
    pes_cod_col: str = ""
    pes_cod_bud: str = ""
    sepa_ics: str = ""
    sepa_iban: str = ""
    sepa_bic: str = ""
    sepa_pain_version: str = "pain.008.001.02"
    sepa_debit_delay_days: int = 14


@dataclass(frozen=True)
class PortalLetter:
    """Everything printed on the letter handed to the parents (reports.portal_letter)."""

    organisation: OrganisationData
    family_reference: str
    addressee: str
    address_lines: tuple[str, ...]
    children: tuple[str, ...]
    login: str
    password: str
    portal_url: str
    issued_on: date
    agent_name: str
