"""The organisation's logo printed in the letterhead of invoices and letters (a PNG or JPEG
kept in the settings, so every desk prints the same)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from eticket_desk.models import Setting
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.settings import read_setting
from eticket_desk.services.core.store import Actor, Store

KEY = "organisation_logo"
MAX_BYTES = 1_000_000
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def load_logo(store: Store) -> bytes | None:
    with store.read() as session:
        encoded = read_setting(session, KEY, "")
    return base64.b64decode(encoded) if encoded else None


@changes(Topic.ORGANISATION)
def save_logo(store: Store, actor: Actor, path: Path | None) -> None:
    """Set the logo from an image file, or remove it (`path` None)."""
    actor.require(Permission.SETTINGS_EDIT)
    encoded = ""
    if path is not None:
        data = Path(path).read_bytes()
        if not data.startswith(_SIGNATURES):
            raise InvalidInput("Le logo doit être une image PNG ou JPEG.")
        if len(data) > MAX_BYTES:
            raise InvalidInput(
                "Le logo dépasse 1 Mo : réduisez l'image (300 pixels de large suffisent)."
            )
        encoded = base64.b64encode(data).decode("ascii")
    with store.write(actor) as session:
        row = session.get(Setting, KEY)
        value = json.dumps(encoded)
        if row is None:
            session.add(Setting(key=KEY, value=value))
        else:
            row.value = value
