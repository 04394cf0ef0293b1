"""Random secrets for devices and portal sessions, kept only as SHA-256 hashes.

A device token reads `<device id hex>.<secret>`: the id finds the device, the hash of the
secret is then compared in constant time (see auth.py).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_device_token(device_id: uuid.UUID) -> tuple[str, bytes]:
    """(token shown once to the administrator, hash kept in the database)."""
    secret = secrets.token_urlsafe(32)
    return f"{device_id.hex}.{secret}", hash_secret(secret)
