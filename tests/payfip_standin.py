"""A PayFiP stand-in for the tests only (never shipped, never started by the server): a small
HTTP server on loopback that follows PayFiP's documented test mode (saisie T).

- `POST /tpa/services/securite`, SOAP: `creerPaiementSecurise` checks the request as PayFiP
  does (numcli of 6 digits, exer, refdet of 6 to 30 letters or digits, montant in cents from
  1,00 €, mel, objet, saisie T, both URLs) and answers an idOp; `recupererDetailPaiementSecurise`
  answers the operation's detail (resultrans P paid, R refused, A abandoned), or the fault P5
  while the parent has not finished.
- `GET /tpa/paiementws.web?idop=…`: the card page of the test mode (« Payer », « Refuser »,
  « Abandonner »), or, when the test chose an automatic outcome (`auto`), that outcome at once.
  The outcome is notified server to server (a POST of `idop` to urlnotif) before the
  browser is sent back to urlredirect, as PayFiP does.
- What PayFiP may do and the tests must survive: the same notification again (`notify`), a
  notification held back and sent late (`held`, then `release()`), an operation whose detail is
  forged (`forge`: another amount, another commune's refdet or numcli), an idop never issued
  (`notify_unknown`).

Fault codes other than P5 are the stand-in's own (a refusal of the request's fields)."""

from __future__ import annotations

import html
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import httpx
from defusedxml.ElementTree import fromstring

REQUEST_FIELDS = (
    "exer",
    "mel",
    "montant",
    "numcli",
    "objet",
    "refdet",
    "saisie",
    "urlnotif",
    "urlredirect",
)


@dataclass
class Operation:
    idop: str
    fields: dict[str, str]
    resultrans: str = ""  # "" until the parent finished on the page
    numauto: str = ""
    forged: dict[str, str] = field(default_factory=dict)

    def detail(self) -> dict[str, str]:
        found = {k: self.fields[k] for k in ("exer", "mel", "montant", "numcli", "objet")}
        found |= {"refdet": self.fields["refdet"], "saisie": self.fields["saisie"]}
        found |= {"idOp": self.idop, "resultrans": self.resultrans, "numauto": self.numauto}
        found |= {"dattrans": "07122026", "heurtrans": "1930"}
        return found | self.forged


def _soap(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><S:Envelope '
        'xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        f"{body}</S:Body></S:Envelope>"
    ).encode()


def _fault(code: str, message: str) -> bytes:
    return _soap(
        "<S:Fault><faultcode>S:Server</faultcode><faultstring>"
        "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>"
        f'<detail><ns2:FonctionnelleErreur xmlns:ns2="http://securite.service.tpa.cp.finances'
        f'.gouv.fr/reponse"><code>{code}</code><descriptif>{escape(message)}</descriptif>'
        "</ns2:FonctionnelleErreur></detail></S:Fault>"
    )


def _check(fields: dict[str, str]) -> str:
    """What PayFiP's test mode refuses in a request ("" when it is acceptable)."""
    missing = [k for k in REQUEST_FIELDS if k != "objet" and not fields.get(k)]
    if missing:
        return f"champs manquants : {', '.join(missing)}"
    checks = {
        "numcli": fields["numcli"].isdigit() and len(fields["numcli"]) == 6,
        "exer": fields["exer"].isdigit() and len(fields["exer"]) == 4,
        "refdet": fields["refdet"].isalnum() and 6 <= len(fields["refdet"]) <= 30,
        "montant": fields["montant"].isdigit() and 100 <= int(fields["montant"]) <= 9999999,
        "mel": "@" in fields["mel"] and 6 <= len(fields["mel"]) <= 80,
        "objet": len(fields.get("objet", "")) <= 100
        and all(c.isalnum() or c == " " for c in fields.get("objet", "")),
        "saisie": fields["saisie"] == "T",  # the stand-in is PayFiP's test mode
    }
    wrong = [k for k, ok in checks.items() if not ok]
    return f"champs invalides : {', '.join(wrong)}" if wrong else ""


class PayfipStandin:
    def __init__(self) -> None:
        self.operations: dict[str, Operation] = {}
        self.auto: str | None = None  # "P", "R" or "A": decided as soon as the page opens
        self.held = False  # notifications kept back until `release`
        self._held: list[str] = []
        self.notifications: list[tuple[str, int]] = []  # (idop, our server's status)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def page(self) -> str:
        """Its payment page (the server's Settings.payfip_url)."""
        return f"{self.url}/tpa/paiementws.web"

    def start(self) -> PayfipStandin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---------------------------------------------------------------- what a test drives

    def last(self) -> Operation:
        return list(self.operations.values())[-1]

    def decide(self, idop: str, resultrans: str, notify: bool = True) -> None:
        operation = self.operations[idop]
        operation.resultrans = resultrans
        operation.numauto = f"{uuid.uuid4().int % 10**12:012d}-tip" if resultrans == "P" else ""
        if notify:
            self.notify(idop)

    def forge(self, idop: str, **detail: str) -> None:
        """The detail PayFiP will answer for this operation differs from the request."""
        self.operations[idop].forged.update(detail)

    def notify(self, idop: str) -> int | None:
        """PayFiP's server-to-server notification (or kept back while `held`)."""
        if self.held:
            self._held.append(idop)
            return None
        url = self.operations[idop].fields["urlnotif"]
        return self._post(url, idop)

    def notify_unknown(self, urlnotif: str, idop: str) -> int:
        return self._post(urlnotif, idop)

    def release(self) -> list[int | None]:
        self.held, pending, self._held = False, self._held, []
        return [self.notify(idop) for idop in pending]

    def _post(self, url: str, idop: str) -> int:
        status = httpx.post(url, data={"idop": idop}, timeout=30).status_code
        with self._lock:
            self.notifications.append((idop, status))
        return status

    # ---------------------------------------------------------------- HTTP

    def _soap_answer(self, body: bytes) -> bytes:
        root = fromstring(body)
        call = next(e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "arg0")
        operation = [e for e in root.iter() if e.tag.endswith("PaiementSecurise")][0]
        fields = {child.tag: (child.text or "") for child in call}
        name = operation.tag.rsplit("}", 1)[-1]
        if name == "creerPaiementSecurise":
            refusal = _check(fields)
            if refusal:
                return _fault("STANDIN", refusal)
            idop = str(uuid.uuid1())
            with self._lock:
                self.operations[idop] = Operation(idop, fields)
            return _soap(
                '<ns2:creerPaiementSecuriseResponse xmlns:ns2="http://securite.service.tpa.cp'
                f'.finances.gouv.fr/reponse"><return><idOp>{idop}</idOp></return>'
                "</ns2:creerPaiementSecuriseResponse>"
            )
        operation = self.operations.get(fields.get("idOp", ""))
        if operation is None:
            return _fault("P1", "idOp inconnu")
        if not operation.resultrans:
            return _fault("P5", "Résultat de la transaction non connu")
        inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in operation.detail().items())
        return _soap(
            '<ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="http://securite.service'
            f'.tpa.cp.finances.gouv.fr/reponse"><return>{inner}</return>'
            "</ns2:recupererDetailPaiementSecuriseResponse>"
        )

    def _card_page(self, operation: Operation) -> bytes:
        f = operation.fields
        euros = f"{int(f['montant']) // 100},{int(f['montant']) % 100:02d} €"
        buttons = "".join(
            f'<button name="resultat" value="{code}">{label}</button>'
            for code, label in (("P", "Payer"), ("R", "Refuser"), ("A", "Abandonner"))
        )
        return (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>PayFiP '
            "(bouchon de test)</title></head><body><h1>PayFiP — mode test</h1>"
            f"<p>{html.escape(f.get('objet', ''))}</p><p>Montant : {euros}</p>"
            f'<form method="post" action="/tpa/paiementws.web"><input type="hidden" '
            f'name="idop" value="{operation.idop}"><label>Numéro de carte '
            f'<input name="carte" value="4970100000000154"></label>{buttons}</form>'
            "</body></html>"
        ).encode()

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet tests
                pass

            def _send(self, status: int, body: bytes, kind: str, location: str = "") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(body)

            def _finish(self, idop: str, resultrans: str) -> None:
                standin.decide(idop, resultrans)  # notified first, server to server
                target = standin.operations[idop].fields["urlredirect"]
                self._send(303, b"", "text/plain", location=target)

            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                idop = parse_qs(url.query).get("idop", [""])[0]
                operation = standin.operations.get(idop)
                if url.path != "/tpa/paiementws.web" or operation is None:
                    self._send(404, "Opération inconnue".encode(), "text/plain; charset=utf-8")
                elif standin.auto:
                    self._finish(idop, standin.auto)
                else:
                    self._send(200, standin._card_page(operation), "text/html; charset=utf-8")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/tpa/services/securite":
                    answer = standin._soap_answer(body)
                    status = 500 if b"Fault>" in answer else 200
                    self._send(status, answer, "text/xml; charset=utf-8")
                    return
                form = parse_qs(body.decode())
                idop = form.get("idop", [""])[0]
                if self.path != "/tpa/paiementws.web" or idop not in standin.operations:
                    self._send(404, "Opération inconnue".encode(), "text/plain; charset=utf-8")
                    return
                self._finish(idop, form.get("resultat", ["A"])[0])

        return Handler
