"""Request bodies are capped and callers authenticated before a byte of the body is read;
what the framework would refuse in English is refused in French."""

from __future__ import annotations

import socket
import threading
import uuid

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select

from eticket_central.guard import MB
from eticket_central.models import Family, LoginAttempt
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload

CHUNK = MB  # a 300 MB upload, sent 1 MB at a time
HUGE = 300


def _send_head(port: int, path: str, headers: dict[str, str]) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def _response(sock: socket.socket) -> tuple[int, str]:
    """The status and body of the server's answer (read until it closes or is complete)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ")[1]), body.decode()


def _closed(sock: socket.socket) -> bool:
    """Whether the server hung up (it will read nothing more of this connection)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _upload(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, int]:
    """Streams a 300 MB chunked body while waiting for the answer: (status, body, MB sent
    before the server answered and stopped reading). The server must hang up after it."""
    sock = _send_head(port, path, {"Transfer-Encoding": "chunked", **headers})
    frame = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
    sent = 0
    answered = threading.Event()

    def send() -> None:
        nonlocal sent
        try:
            for _ in range(HUGE):
                if answered.is_set():
                    return
                sock.sendall(frame)
                sent += 1
        except OSError:
            return  # the server closed the connection: the upload stops here

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        status, body = _response(sock)
        assert _closed(sock), "le serveur continue de lire le corps refusé"
    finally:
        answered.set()
        sock.close()
        sender.join(timeout=30)
    return status, body, sent


def test_an_anonymous_300_mb_push_is_refused_before_its_body_is_read(central):
    # Declared up front: refused at once, nothing sent after the headers.
    sock = _send_head(central.thread.port, "/sync/push", {"Content-Length": str(HUGE * MB)})
    with sock:
        status, body = _response(sock)
        assert _closed(sock)
    assert status == 413
    assert "plus de 16 Mo" in body
    # Streamed without a length and without a token: 401 before reading any of it.
    status, body, sent = _upload(central.thread.port, "/sync/push", {})
    assert status == 401
    assert "Authentification requise" in body
    assert sent < 40, f"{sent} Mo lus avant le refus"


def test_a_desks_streamed_body_over_the_limit_stops_at_the_limit(central, desk):
    headers = {"Authorization": f"Bearer {desk.token}"}
    status, body, sent = _upload(central.thread.port, "/sync/push", headers)
    assert status == 413
    assert "Requête refusée, rien n'a été appliqué : corps de la requête : plus de 16 Mo" in body
    assert sent < 40, f"{sent} Mo lus avant le refus"
    # The desk goes on: a normal push right after is applied.
    pushed = desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4())))
    assert pushed[0]["status"] == "applied"


def test_a_wrong_token_gets_401_before_the_body(central, desk):
    device_hex = desk.token.partition(".")[0]
    status, body, sent = _upload(
        central.thread.port, "/sync/push", {"Authorization": f"Bearer {device_hex}.faux"}
    )
    assert (status, sent < 40) == (401, True)
    assert "Jeton d'appareil invalide." in body


def test_portal_bodies_are_small(central, commune, desk):
    family_id = uuid.uuid4()
    portal = {"login": f"petit.{family_id.hex[:6]}", "password_hash": PasswordHasher().hash("x")}
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, portal=portal)))
    login = {"tenant_id": str(commune.tenant_id), "login": portal["login"], "password": "x"}
    padded = httpx.post(f"{central.url}/portal/login", json={**login, "password": "x" * 5000})
    assert padded.status_code == 413
    assert padded.json()["errors"] == [
        "corps de la requête : plus de 4 Ko, la limite de cette adresse"
    ]
    token = httpx.post(f"{central.url}/portal/login", json=login).json()["token"]
    big = httpx.post(
        f"{central.url}/portal/contacts",
        json={"adult_id": str(uuid.uuid4()), "city": "x" * 40_000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert big.status_code == 413
    assert "plus de 32 Ko" in big.json()["detail"]
    anonymous = httpx.post(f"{central.url}/portal/contacts", json={"adult_id": "x"})
    assert anonymous.status_code == 401


def test_unreadable_bodies_and_unknown_addresses_are_refused_in_french(central, desk):
    for content in (b"{pas du json", b'{"login": "\xff\xfe"}', b"\xff"):
        answer = httpx.post(
            f"{central.url}/portal/login",
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 422, content
        assert answer.json() == {
            "detail": "Requête refusée, rien n'a été appliqué : "
            "corps de la requête : JSON illisible (texte UTF-8 attendu)",
            "errors": ["corps de la requête : JSON illisible (texte UTF-8 attendu)"],
        }
        pushed = desk.http.post(
            "/sync/push", content=content, headers={"Content-Type": "application/json"}
        )
        assert pushed.status_code == 422, content
        assert "JSON illisible" in pushed.json()["detail"]
    nowhere = desk.http.get("/sync/nulle-part")
    assert (nowhere.status_code, nowhere.json()["detail"]) == (404, "Adresse inconnue du serveur.")
    wrong_method = desk.http.delete("/sync/push")
    assert (wrong_method.status_code, wrong_method.json()["detail"]) == (
        405,
        "Méthode non permise pour cette adresse.",
    )
    for generated in ("/docs", "/openapi.json"):
        assert httpx.get(central.url + generated).status_code == 404


def test_nul_bytes_in_a_parents_text_are_refused_in_french_not_a_500(central, commune, desk, db):
    family_id = uuid.uuid4()
    portal = {"login": f"nul.{family_id.hex[:6]}", "password_hash": PasswordHasher().hash("x")}
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, portal=portal)))
    tenant = str(commune.tenant_id)
    for login, password in ((portal["login"] + "\x00", "x"), (portal["login"], "x\x00")):
        answer = httpx.post(
            f"{central.url}/portal/login",
            json={"tenant_id": tenant, "login": login, "password": password},
        )
        assert answer.status_code == 422
        assert answer.json()["errors"] in (
            ["login : format non reconnu"],
            ["password : format non reconnu"],
        )
    attempts = select(func.count()).where(LoginAttempt.login.startswith(portal["login"]))
    assert db.execute(attempts).scalar_one() == 0
    token = httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": tenant, "login": portal["login"], "password": "x"},
    ).json()["token"]
    changed = httpx.post(
        f"{central.url}/portal/contacts",
        json={"adult_id": str(uuid.uuid5(family_id, "adult")), "city": "Pa\x00ris"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert changed.status_code == 422
    assert changed.json()["errors"] == ["city : format non reconnu"]
    db.expire_all()
    assert db.get(Family, family_id).version == 1
