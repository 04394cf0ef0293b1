"""The two SOAP calls of PayFiP's web service (PaiementSecuriseService), as DGFiP documents
them: `creerPaiementSecurise` (numcli, exer, refdet, montant in cents, mel, objet, saisie,
urlnotif, urlredirect → idOp) and `recupererDetailPaiementSecurise` (idOp → the payment's
detail: resultrans, montant, refdet, numcli, exer, numauto, dattrans, heurtrans…).

The envelopes are written by hand (two operations do not need a SOAP library); answers are
parsed with defusedxml and read by local name, namespaces aside. A PayFiP refusal comes as a
SOAP fault whose detail names a FonctionnelleErreur code (P5: the result is not known yet)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element  # noqa: S405 (types only; parsing is defusedxml)
from xml.sax.saxutils import escape

import httpx
from defusedxml.ElementTree import fromstring

SERVICE_PATH = "/tpa/services/securite"
PAYMENT_PAGE_PATH = "/tpa/paiementws.web"
_NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
TIMEOUT_S = 15.0


class PayfipError(Exception):
    """PayFiP could not be reached or refused the call (its code, e.g. P5, and message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PaymentDetail:
    """What recupererDetailPaiementSecurise says of an operation."""

    idop: str
    numcli: str
    exer: str
    refdet: str
    montant: int
    mel: str
    saisie: str
    resultrans: str
    numauto: str
    dattrans: str
    heurtrans: str


def service_url(payment_page: str) -> str:
    """PayFiP's web service, beside its payment page (Settings.payfip_url) on the same host."""
    parts = urlsplit(payment_page)
    return f"{parts.scheme}://{parts.netloc}{SERVICE_PATH}"


def envelope(operation: str, fields: dict[str, str]) -> bytes:
    """A SOAP 1.1 envelope calling `operation` with `fields` inside its arg0."""
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:pai="{_NS}"><soapenv:Body><pai:{operation}><arg0>{inner}</arg0>'
        f"</pai:{operation}></soapenv:Body></soapenv:Envelope>"
    ).encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: Element, name: str) -> Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _text(root: Element, name: str) -> str:
    found = _find(root, name)
    return (found.text or "").strip() if found is not None else ""


def _call(service_url: str, operation: str, fields: dict[str, str]) -> Element:
    try:
        response = httpx.post(
            service_url,
            content=envelope(operation, fields),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=TIMEOUT_S,
        )
    except httpx.HTTPError as error:
        raise PayfipError("reseau", f"PayFiP injoignable ({error.__class__.__name__})") from error
    try:
        root = fromstring(response.content)
    except Exception as error:  # noqa: BLE001 (anything unreadable is PayFiP's fault)
        raise PayfipError("illisible", "réponse de PayFiP illisible") from error
    if _find(root, "Fault") is not None:
        code = _text(root, "code") or "inconnu"
        message = _text(root, "descriptif") or _text(root, "libelle") or _text(root, "faultstring")
        raise PayfipError(code, message)
    if response.status_code != 200:
        raise PayfipError("http", f"PayFiP a répondu {response.status_code}")
    return root


def create_payment(service_url: str, fields: dict[str, str]) -> str:
    """creerPaiementSecurise: PayFiP's operation id (idOp) for this request."""
    idop = _text(_call(service_url, "creerPaiementSecurise", fields), "idOp")
    if not idop:
        raise PayfipError("idop", "PayFiP n'a pas donné d'identifiant d'opération")
    return idop


def payment_detail(service_url: str, idop: str) -> PaymentDetail:
    """recupererDetailPaiementSecurise: what PayFiP says of the operation `idop`."""
    root = _call(service_url, "recupererDetailPaiementSecurise", {"idOp": idop})
    montant = _text(root, "montant")
    return PaymentDetail(
        idop=_text(root, "idOp") or idop,
        numcli=_text(root, "numcli"),
        exer=_text(root, "exer"),
        refdet=_text(root, "refdet"),
        montant=int(montant) if montant.isdigit() else -1,
        mel=_text(root, "mel"),
        saisie=_text(root, "saisie"),
        resultrans=_text(root, "resultrans"),
        numauto=_text(root, "numauto"),
        dattrans=_text(root, "dattrans"),
        heurtrans=_text(root, "heurtrans"),
    )
