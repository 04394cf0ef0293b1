"""Every connection of the server's pool taken (a crowd of slow requests): the desks and the
parents are told in French that the server is busy (503, retried), never a 500."""

from __future__ import annotations

import uuid

from eticket_central.app import Settings, create_app
from eticket_central.db import make_engine
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import ServerThread, wallet_payload

BUSY = "Le serveur est très occupé"


def test_no_free_connection_is_a_french_503_on_every_route(database_url, central, desk):
    engine = make_engine(database_url, pool_size=1, pool_timeout_s=0.3)
    thread = ServerThread(create_app(engine=engine, clock=central.clock, settings=Settings()))
    thread.start()
    held = [engine.connect(), engine.connect()]  # the pool's one and its one overflow
    try:
        desk.http.base_url = thread.url
        answers = {
            "push": desk.push_raw([desk.op(OpType.WALLET_ENTRY, **wallet_payload(uuid.uuid4()))]),
            "pull": desk.http.get("/sync/pull"),
            "snapshot": desk.http.get("/sync/snapshot", params={"entity": "family"}),
            "device": desk.http.get("/sync/device"),
            "login": desk.http.post(
                "/portal/login",
                json={"tenant_id": str(uuid.uuid4()), "login": "x", "password": "y"},
            ),
        }
    finally:
        for connection in held:
            connection.close()
        thread.stop()
        engine.dispose()
    for route, answer in answers.items():
        assert answer.status_code == 503, (route, answer.status_code, answer.text)
        assert answer.json()["detail"].startswith(BUSY), (route, answer.text)
