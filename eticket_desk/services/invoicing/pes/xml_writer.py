"""The « PES_Aller » XML of a PES V2 recette export (ORMC flow, TypFic PESALR2), written in
ISO-8859-1 with each value in a `V` attribute, as Hélios reads it. The invoices' PDFs found in
the documents folder ride along in the PES_PJ block, base64, one element at a time so a run
of thousands of invoices never sits whole in memory. Field choices: docs/pes_v2.md."""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import BinaryIO
from xml.etree import ElementTree as ET

from eticket_desk.services.invoicing.pes.data import (
    REDUCTION,
    PesBordereau,
    PesDebtor,
    PesHeader,
    PesMandate,
    PesPiece,
)

NAMESPACE = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"
ENCODING = "ISO-8859-1"
SEQUENCES = {"OOFF": "01", "FRST": "02", "RCUR": "03", "FNAL": "04"}  # SequencePres
# Characters the French text of an invoice may hold that ISO-8859-1 has not.
_LATIN1 = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-",
     "œ": "oe", "Œ": "OE", "…": "...", "€": "EUR", "\u00a0": " ", "\u202f": " ",
     "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ŀ": "L", "ŀ": "l"}
)  # fmt: skip


_GUILLEMETS = re.compile(r"«[\s\u00a0\u202f]*|[\s\u00a0\u202f]*»")


def text(value: str, limit: int) -> str:
    """A value as PES takes it: one line, ISO-8859-1 only, at most `limit` characters."""
    value = _GUILLEMETS.sub('"', value)
    value = " ".join(value.translate(_LATIN1).split())
    if not value.isascii():
        value = "".join(
            char
            if ord(char) < 256
            else unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            for char in value
        )
    return value[:limit]


def euros(cents: int) -> str:
    """1234 → « 12.34 »: amounts in euros with two decimals, a point, no sign."""
    return f"{cents // 100}.{cents % 100:02d}"


def _v(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.set("V", value.isoformat() if isinstance(value, date) else str(value))
    return element


def _envelope(root: ET.Element, file_name: str, header: PesHeader) -> None:
    envelope = ET.SubElement(root, "Enveloppe")
    parameters = ET.SubElement(envelope, "Parametres")
    _v(parameters, "Version", "2")
    _v(parameters, "TypFic", "PESALR2")
    _v(parameters, "NomFic", text(file_name, 100))
    sender = ET.SubElement(envelope, "Emetteur")
    _v(sender, "Sigle", text(header.name, 38))
    _v(sender, "Adresse", text(header.address or header.name, 160))


def _header(root: ET.Element, header: PesHeader, created_on: date) -> None:
    head = ET.SubElement(root, "EnTetePES")
    _v(head, "DteStr", created_on)
    _v(head, "IdPost", header.id_post)
    _v(head, "IdColl", header.siret)
    _v(head, "CodCol", header.cod_col)
    _v(head, "CodBud", header.cod_bud)
    _v(head, "LibelleColBud", text(header.name, 38))


def _piece(parent: ET.Element, piece: PesPiece, kind: str) -> None:
    element = ET.SubElement(parent, "Piece")
    block = ET.SubElement(element, "BlocPiece")
    _v(block, "IdPce", piece.id_pce)
    _v(block, "TypPce", kind)
    _v(block, "NatPce", "01")
    _v(block, "ObjPce", text(_subject(piece), 160))
    _v(block, "DebFact", piece.period_start)
    _v(block, "FinFact", piece.period_end)
    reference = ET.SubElement(block, "PJRef")
    _v(reference, "Support", "01")  # électronique
    _v(reference, "IdUnique", text(piece.number, 50))
    _v(reference, "NomPJ", text(piece.pdf_name, 100))
    _v(block, "NumeroFacture", text(piece.number, 50))
    for number, line in enumerate(piece.lines, start=1):
        row = ET.SubElement(element, "LigneDePiece")
        bloc = ET.SubElement(row, "BlocLignePiece")
        info = ET.SubElement(bloc, "InfoLignePiece")
        _v(info, "IdLigne", number)
        _v(info, "ObjLignePce", text(line.label, 160))
        _v(info, "CodProdLoc", line.product_code)
        _v(info, "Nature", line.nature)
        _v(info, "Majo", "0")
        _v(info, "TvaIntraCom", "0")
        _v(info, "MtHT", euros(line.amount_cents))
        if piece.mandate is not None:
            _debit(bloc, piece, line.amount_cents, piece.mandate)
        if piece.corrects is not None:
            link = ET.SubElement(bloc, "RattachPiece")
            _v(link, "NatPceOrig", "01")
            _v(link, "ExerRat", piece.corrects.year)
            _v(link, "IdPceOrig", piece.corrects.id_pce)
            _v(link, "IdLigneOrig", number)
        _tiers(row, piece.debtor, piece.mandate)


def _subject(piece: PesPiece) -> str:
    if piece.corrects is not None:
        return f"Annulation de la facture {piece.corrects.number} - {piece.period_label}"
    return f"Facture {piece.number} - {piece.period_label}"


def _debit(bloc: ET.Element, piece: PesPiece, cents: int, mandate: PesMandate) -> None:
    sepa = ET.SubElement(bloc, "InfoPrelevementSEPA")
    _v(sepa, "NatPrel", "01")
    _v(sepa, "PerPrel", "07")  # ponctuel: one debit per titre
    _v(sepa, "DtePrel", mandate.debit_on)
    _v(sepa, "MtPrel", euros(cents))
    _v(sepa, "SequencePres", SEQUENCES[mandate.sequence])
    _v(sepa, "DateSignMandat", mandate.signed_on)
    _v(sepa, "RefUniMdt", mandate.rum)
    _v(sepa, "LibPrel", text(f"Facture {piece.number} {piece.period_label}", 140))
    if mandate.previous_iban:
        _v(sepa, "AncienIBAN", mandate.previous_iban)


def _tiers(row: ET.Element, debtor: PesDebtor, mandate: PesMandate | None) -> None:
    tiers = ET.SubElement(row, "Tiers")
    info = ET.SubElement(tiers, "InfoTiers")
    _v(info, "RefTiers", text(debtor.family_reference, 15))
    _v(info, "CatTiers", "01")  # personne physique
    _v(info, "NatJur", "01")  # particulier
    _v(info, "TypTiers", "01")  # débiteur
    if debtor.civility:
        _v(info, "Civilite", debtor.civility)
    _v(info, "Nom", text(debtor.last_name.upper(), 38))
    if debtor.first_name:
        _v(info, "Prenom", text(debtor.first_name, 38))
    address = ET.SubElement(tiers, "Adresse")
    _v(address, "TypAdr", "1")  # principale
    street, *more = debtor.address
    _v(address, "Adr2", text(street, 38))
    if more:
        _v(address, "Adr3", text(" ".join(more), 38))
    _v(address, "CP", text(debtor.postcode, 5))
    _v(address, "Ville", text(debtor.town.upper(), 38))
    _v(address, "CodRes", "0")  # résident
    if mandate is not None and mandate.iban[:2] in ("FR", "MC") and len(mandate.iban) == 27:
        bank = ET.SubElement(tiers, "CpteBancaire")
        iban = mandate.iban
        _v(bank, "IdPayInt", iban[:2])
        _v(bank, "CodeEtab", iban[4:9])
        _v(bank, "CodeGuic", iban[9:14])
        _v(bank, "IdCpte", iban[14:25])
        _v(bank, "CleRib", iban[25:27])
        _v(bank, "BIC", mandate.bic)
        _v(bank, "IBAN", iban)
        _v(bank, "TitCpte", text(mandate.holder, 32))


def _bordereau(parent: ET.Element, bordereau: PesBordereau) -> ET.Element:
    element = ET.SubElement(parent, "Bordereau")
    block = ET.SubElement(element, "BlocBordereau")
    _v(block, "Exer", bordereau.year)
    _v(block, "IdBord", bordereau.number)
    _v(block, "DteBordEm", bordereau.issued_on)
    _v(block, "TypBord", bordereau.kind)
    _v(block, "NbrPce", len(bordereau.pieces))
    if bordereau.cumulated_cents is not None:
        _v(block, "MtCumulAnnuel", euros(bordereau.cumulated_cents))
    _v(block, "MtBordHt", euros(bordereau.total_cents))
    _v(block, "Objet", text(bordereau.subject, 160))
    return element


def write_pes(
    out: BinaryIO,
    file_name: str,
    header: PesHeader,
    bordereaux: list[PesBordereau],
    created_on: date,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """The whole file into `out`; `progress(done, total)` counts the pièces then the PDFs."""
    report = progress or (lambda _done, _total: None)
    root = ET.Element("n:PES_Aller", {"xmlns:n": NAMESPACE})
    _envelope(root, file_name, header)
    _header(root, header, created_on)
    recette = ET.SubElement(root, "PES_RecetteAller")
    head = ET.SubElement(recette, "EnTeteRecette")
    _v(head, "IdVer", "2")
    _v(head, "InfoDematerialisee", "0")
    pieces = [p for b in bordereaux for p in b.pieces]
    done = 0
    for bordereau in bordereaux:
        element = _bordereau(recette, bordereau)
        for piece in bordereau.pieces:
            _piece(element, piece, REDUCTION if bordereau.kind == REDUCTION else "01")
            done += 1
            if done % 200 == 0:
                report(done, len(pieces))
    attached = [p for p in pieces if p.pdf_path is not None]
    if attached:
        ET.SubElement(root, "PES_PJ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    out.write(f'<?xml version="1.0" encoding="{ENCODING}"?>\n'.encode("ascii"))
    if not attached:
        out.write(body.encode(ENCODING, "xmlcharrefreplace"))
        report(len(pieces), len(pieces))
        return
    head_part, _tail = body.rsplit("<PES_PJ />", 1)
    out.write(head_part.encode(ENCODING, "xmlcharrefreplace"))
    out.write(b"<PES_PJ>")
    pj_head = ET.Element("EnTetePES_PJ")
    _v(pj_head, "IdVer", "1")
    out.write(ET.tostring(pj_head, encoding="unicode").encode(ENCODING, "xmlcharrefreplace"))
    for index, piece in enumerate(attached, start=1):
        pj = ET.Element("PJ")
        content = ET.SubElement(pj, "Contenu")
        embedded = ET.SubElement(content, "Fichier", {"MIMEType": "application/pdf"})
        embedded.text = base64.b64encode(piece.pdf_path.read_bytes()).decode("ascii")
        _v(pj, "IdUnique", text(piece.number, 50))
        _v(pj, "NomPJ", text(piece.pdf_name, 100))
        _v(pj, "TypePJ", "006")  # facture
        out.write(ET.tostring(pj, encoding="unicode").encode(ENCODING, "xmlcharrefreplace"))
        if index % 200 == 0:
            report(index, len(attached))
    out.write(b"</PES_PJ></n:PES_Aller>")
    report(len(pieces), len(pieces))
