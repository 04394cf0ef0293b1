"""The pain.008 file of a debit batch, built with sepaxml in the version the commune's bank
asks (pain.008.001.02 or .001.08) and validated by libxml2 against the official schema that
sepaxml ships.

sepaxml draws its ids at random and stamps the creation time from the computer's clock; here
the ids are the batch's own (message id, one PmtInf id per sequence type and collection date,
the invoice number as end-to-end id) and the time is the use case's, so the file says what the
batch recorded. The debtor's structured address (mandatory from November 2026) is written by
sepaxml from the mandate's street, number, postcode, town and country."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from importlib.resources import files

from lxml import etree
from sepaxml import SepaDD
from text_unidecode import unidecode

from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.sepa import bank_of
from eticket_desk.rules.treasury import bank_bic
from eticket_desk.services.invoicing.debit_preview import DebitLine

CURRENCY = "EUR"


class _BatchSepaDD(SepaDD):
    """sepaxml's direct-debit builder with the batch's ids and time instead of random ones."""

    def __init__(self, config: dict, schema: str, message_id: str, created_at: datetime):
        self._fixed_message_id = message_id
        self._created_at = created_at
        self.amendments: dict[str, str] = {}  # end-to-end id -> the IBAN before the amendment
        super().__init__(config, schema=schema, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._fixed_message_id
        super()._create_header()
        node = self._xml.find("CstmrDrctDbtInitn/GrpHdr/CreDtTm")
        node.text = self._created_at.strftime("%Y-%m-%dT%H:%M:%S")

    def _finalize_batch(self) -> None:
        keys = list(self._batches)
        for nodes in self._batches.values():
            for transaction in nodes:
                original = self.amendments.get(transaction.findtext("PmtId/EndToEndId"))
                if original:
                    add_amendment(transaction, original)
        super()._finalize_batch()
        nodes = self._xml.findall("CstmrDrctDbtInitn/PmtInf/PmtInfId")
        for node, key in zip(nodes, keys, strict=True):
            kind, day = key.split("::")
            node.text = f"{self._fixed_message_id}-{kind}-{day.replace('-', '')}"


def add_amendment(transaction: ET.Element, original_iban: str) -> None:
    """The mandate's amendment, announced in the debit that follows it (sepaxml writes none):
    AmdmntInd true, and the account before — its IBAN when it stayed in the same bank, else
    « SMNDA » (same mandate, new debtor agent) as the EPC rulebook asks."""
    mandate = transaction.find("DrctDbtTx/MndtRltdInf")
    signed = mandate.find("DtOfSgntr")
    position = list(mandate).index(signed) + 1
    indicator = ET.Element("AmdmntInd")
    indicator.text = "true"
    details = ET.Element("AmdmntInfDtls")
    iban = transaction.findtext("DbtrAcct/Id/IBAN") or ""
    if bank_of(original_iban) == bank_of(iban):
        account = ET.SubElement(ET.SubElement(details, "OrgnlDbtrAcct"), "Id")
        ET.SubElement(account, "IBAN").text = original_iban
    else:
        agent = ET.SubElement(ET.SubElement(details, "OrgnlDbtrAgt"), "FinInstnId")
        ET.SubElement(ET.SubElement(agent, "Othr"), "Id").text = "SMNDA"
    mandate.insert(position, indicator)
    mandate.insert(position + 1, details)


def _address(line: DebitLine) -> dict:
    debtor = line.debtor
    address = {
        "street_name": debtor.street.strip(),
        "building_number": debtor.building_number.strip(),
        "postcode": debtor.postcode.strip(),
        "town": debtor.town.strip(),
        "country": (debtor.country or "FR").strip().upper(),
    }
    # the banks' SEPA character set is Latin without accents, as sepaxml does for the name
    return {key: unidecode(value) for key, value in address.items() if value}


def _payment(line: DebitLine) -> dict:
    debtor = line.debtor
    payment = {
        "name": debtor.name,
        "IBAN": debtor.iban,
        "amount": line.amount_cents,
        "type": line.sequence_type,
        "collection_date": line.collection_date,
        "mandate_id": debtor.rum,
        "mandate_date": debtor.signed_on,
        "description": f"Facture {line.invoice_number} {line.period_label}",
        "endtoend_id": line.invoice_number,
        "address": _address(line),
    }
    bic = debtor.bic or bank_bic(debtor.iban)
    if bic:
        payment["BIC"] = bic
    return payment


def pain008(
    org: OrganisationData,
    lines: Sequence[DebitLine],
    message_id: str,
    created_at: datetime,
) -> bytes:
    """The file's bytes, validated; DomainError (French) when it does not validate."""
    config = {
        "name": org.name,
        "IBAN": org.sepa_iban,
        "batch": True,
        "creditor_id": org.sepa_ics,
        "currency": CURRENCY,
    }
    bic = org.sepa_bic or bank_bic(org.sepa_iban)
    if bic:
        config["BIC"] = bic
    elif org.sepa_pain_version == "pain.008.001.02":
        raise DomainError(
            "Le BIC de la commune est nécessaire au format pain.008.001.02 : "
            "indiquez-le dans Paramètres › Organisation."
        )
    builder = _BatchSepaDD(config, org.sepa_pain_version, message_id, created_at)
    for line in sorted(lines, key=lambda x: (x.sequence_type, x.collection_date)):
        builder.add_payment(_payment(line))
        if line.debtor.amended_from_iban:
            builder.amendments[line.invoice_number] = line.debtor.amended_from_iban
    content = builder.export(validate=False)
    validate_pain008(content, org.sepa_pain_version)
    return content


@functools.cache
def _schema(version: str) -> etree.XMLSchema:
    path = files("sepaxml") / "schemas" / f"{version}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validate_pain008(content: bytes, version: str) -> None:
    """Refuses a file the official schema of `version` (sepaxml's copy) does not accept."""
    schema = _schema(version)
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        valid = schema.validate(etree.fromstring(content, parser))
    except etree.XMLSyntaxError as error:
        valid, reason = False, str(error)
    else:
        reason = "" if valid else str(schema.error_log.last_error.message)
    if not valid:
        raise DomainError(
            f"Le fichier de prélèvement ne respecte pas le schéma {version} ({reason}). "
            "Aucun fichier n'a été écrit : corrigez le mandat ou les paramètres de la commune."
        )
