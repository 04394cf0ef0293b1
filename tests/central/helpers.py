"""What the central server's tests share: uvicorn in a thread, a desk's HTTP client, op
builders and a loopback TCP proxy that can cut a connection before the reply."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from datetime import date, datetime
from typing import Any

import httpx
import uvicorn

from eticket_central.throwaway import free_port
from eticket_desk.sync.protocol import OpType, make_op


class ServerThread:
    """The app served by uvicorn on 127.0.0.1:<free port>, in a daemon thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn n'a pas démarré")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.engine.dispose()


class Desk:
    """A desk device talking to the server: its own op sequence and cursor."""

    def __init__(self, url: str, device_id: uuid.UUID, token: str) -> None:
        self.device_id, self.token = device_id, token
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.seq = 0
        self.cursor = 0

    def op(self, op_type: OpType, **payload: Any):
        self.seq += 1
        return make_op(op_type, payload, self.seq)

    def push_raw(self, ops, device_id: uuid.UUID | None = None) -> httpx.Response:
        body = {
            "device_id": str(device_id or self.device_id),
            "ops": [op.model_dump(mode="json") for op in ops],
        }
        return self.http.post("/sync/push", json=body)

    def push(self, *ops) -> list[dict[str, Any]]:
        answer = self.push_raw(ops)
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def pull(self, since: int | None = None, limit: int = 1000) -> dict[str, Any]:
        answer = self.http.get(
            "/sync/pull", params={"since": self.cursor if since is None else since, "limit": limit}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pull_all(self) -> list[dict[str, Any]]:
        changes = []
        while True:
            page = self.pull()
            changes += page["changes"]
            self.cursor = page["cursor"]
            if not page["more"]:
                return changes

    def close(self) -> None:
        self.http.close()


# ---------------------------------------------------------------- op payloads


def family_payload(
    family_id: uuid.UUID,
    *,
    base_version: int = 0,
    reference: str | None = None,
    status: str = "validated",
    last_name: str = "Dupont",
    children: list[dict[str, Any]] | None = None,
    portal: dict[str, str] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "family_id": str(family_id),
        "base_version": base_version,
        "reference": reference or f"F-{family_id.hex[:8]}",  # one dossier's in the commune
        "status": status,
        "adults": [
            {
                "id": str(uuid.uuid5(family_id, "adult")),
                "last_name": last_name,
                "first_name": "Claire",
                "relation": "Mère",
                "phone_mobile": "06 12 34 56 78",
                "email": "claire.dupont@example.org",
                "legal_guardian": True,
                "billing": True,
                "emergency_contact": True,
            }
        ],
        "children": children or [],
    }
    if portal is not None:
        payload["portal"] = portal
    return payload


def child(child_id: uuid.UUID, school_id: uuid.UUID, first_name: str = "Léa", level="CP"):
    return {
        "id": str(child_id),
        "last_name": "Dupont",
        "first_name": first_name,
        "school_id": str(school_id),
        "level": level,
    }


def cheque_payment(desk, family_id: uuid.UUID, invoice_id: uuid.UUID, amount: int):
    """A cheque of `amount` cents taken at `desk` for an invoice (payment.received)."""
    return desk.op(
        OpType.PAYMENT_RECEIVED,
        payment_id=str(uuid.uuid4()),
        family_id=str(family_id),
        invoice_id=str(invoice_id),
        method="cheque",
        amount_cents=amount,
        received_at=datetime(2026, 10, 5, 11, 0).isoformat(),
        receipt_number=f"R-2026-{amount:05d}",
        cheque={"number": "1234567", "bank": "Crédit Agricole", "drawer": "Dupont"},
    )


def wallet_payload(family_id: uuid.UUID, quantity: int = 10, entry_id=None) -> dict[str, Any]:
    return {
        "entry_id": str(entry_id or uuid.uuid4()),
        "family_id": str(family_id),
        "ticket_type": "CANTINE",
        "quantity": quantity,
        "kind": "purchase" if quantity > 0 else "booking",
        "occurred_at": datetime(2026, 9, 14, 9, 0).isoformat(),
    }


def invoice_payload(
    family_id: uuid.UUID, invoice_id: uuid.UUID, amount: int = 4250, number: str | None = None
):
    """An invoice; its number (unique in the commune) derived from its id unless given."""
    return {
        "invoice_id": str(invoice_id),
        "family_id": str(family_id),
        "number": number or f"F-2026-{invoice_id.int % 1_000_000:06d}",
        "amount_cents": amount,
        "issued_on": date(2026, 10, 1).isoformat(),
        "due_on": date(2026, 10, 31).isoformat(),
    }


# ---------------------------------------------------------------- a proxy that cuts


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the server. While `cut` is set, the connection to the
    client is reset as soon as the server starts answering: the server has committed,
    the client never hears it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.cut = False
        self.cuts = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, replies: bool) -> None:
        try:
            while data := source.recv(65536):
                if replies and self.cut:
                    self.cuts += 1
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                # shutdown wakes the other pump, blocked in recv on the same sockets.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self._stopped.set()
        self.listener.close()


# ---------------------------------------------------------------- a commune's planning

SCHOOL = uuid.UUID("5b1f9a52-8a43-4c3e-9a51-3d1c2b7f0e01")
TUESDAY = date(2026, 9, 15)  # its deadline: Monday 14 September, 10:00


def a_child(desk, name: str, status: str = "validated", portal: dict | None = None):
    """A validated family with one child at SCHOOL, pushed by `desk`; the child's id."""
    family_id, child_id = uuid.uuid4(), uuid.uuid4()
    answer = desk.push(
        desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(
                family_id,
                reference=f"F-{name}",
                status=status,
                children=[child(child_id, SCHOOL, first_name=name)],
                portal=portal,
            ),
        )
    )[0]
    assert answer["status"] == "applied", answer
    return child_id
