"""The demo town sent to a central server and one family's portal letter, for the server's
demo (`eticket-central demo` runs this in its own process: the server never imports the
desk's services). The desk is registered as an agent would (`save_device`, which queues the
first upload), synced until nothing is left to send, then the letter is made by the desk
service that prints it and synced too, so the login works on the portal at once.

    python -m eticket_desk.services.demo.portal_upload DB URL DEVICE_ID TOKEN
prints one JSON line: the family's reference, the guardian's name, login and password.
"""

from __future__ import annotations

import json
import sys
import uuid

import keyring
from keyring.backend import KeyringBackend
from sqlalchemy import select

from eticket_desk.clock import Clock, FrozenClock
from eticket_desk.models import Adult, Family
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD, DEMO_TODAY
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.state import pending_ops
from eticket_desk.services.syncing.status import save_device

MAX_SYNCS = 50


class _ProcessKeyring(KeyringBackend):
    """The device's token for this process only: a demo never writes the OS keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


def _sync_all(store: Store) -> None:
    for _ in range(MAX_SYNCS):
        report = run_sync(store)
        if report is None or report.error:
            raise RuntimeError(f"La synchronisation a échoué : {report and report.error}")
        if not pending_ops(store, 1):
            return
    raise RuntimeError("La synchronisation n'a pas tout envoyé.")


def _a_family(store: Store) -> tuple[uuid.UUID, uuid.UUID]:
    """The first validated dossier (by reference) with a paying legal guardian to address
    the letter to: (the dossier, the guardian)."""
    with store.read() as session:
        return session.execute(
            select(Family.id, Adult.id)
            .join(Adult, Adult.family_id == Family.id)
            .where(
                Family.status == "validated",
                Adult.billing,
                Adult.legal_guardian,
                ~Adult.third_party,
            )
            .order_by(Family.reference)
            .limit(1)
        ).one()


@changes(*Topic)
def upload_demo_town(
    path: str, url: str, device_id: uuid.UUID, token: str, clock: Clock | None = None
) -> dict[str, str]:
    keyring.set_keyring(_ProcessKeyring())
    store = Store(path, clock or FrozenClock(DEMO_TODAY))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    save_device(store, admin, url, device_id, token)
    _sync_all(store)
    letter = issue_portal_access(store, admin, *_a_family(store))
    _sync_all(store)
    return {
        "family": letter.family_reference,
        "guardian": letter.addressee,
        "login": letter.login,
        "password": letter.password,
    }


def _main(argv: list[str] | None = None) -> int:
    path, url, device_id, token = argv if argv is not None else sys.argv[1:]
    print(json.dumps(upload_demo_town(path, url, uuid.UUID(device_id), token)))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
