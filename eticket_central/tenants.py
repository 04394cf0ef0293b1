"""Administration of tenants (communes) and their desk devices (the CLI's commands)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from eticket_central.models import Device, Tenant
from eticket_central.tokens import new_device_token


class AdminError(Exception):
    """A command that cannot be carried out; the message is French."""


@dataclass(frozen=True)
class NewDevice:
    device_id: uuid.UUID
    tenant_id: uuid.UUID
    label: str
    token: str  # shown once, never stored


def slug_for(name: str, taken: set[str]) -> str:
    """The commune's name as its portal addresses say it (« Commune de Neuvecelle » →
    « neuvecelle »; « saint-cergues-2 » when taken). Migration 0008 froze a copy."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"^(commune|mairie|ville|syndicat)\s+(de\s+|d'|du\s+|des\s+)?", "", plain)
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:70] or "commune"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def add_tenant(factory: sessionmaker[Session], name: str, now: datetime) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise AdminError("Le nom de la commune est obligatoire.")
    with factory.begin() as session:
        # One creation at a time: two communes cannot take the same slug.
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext("tenants.slug"))))
        if session.execute(select(Tenant.id).where(Tenant.name == name)).first():
            raise AdminError(f"La commune « {name} » existe déjà.")
        taken = set(session.execute(select(Tenant.slug)).scalars())
        tenant = Tenant(
            id=uuid.uuid4(),
            name=name,
            slug=slug_for(name, taken),
            created_at=now,
            change_horizon=0,
        )
        session.add(tenant)
    return tenant.id


def tenant_slug(factory: sessionmaker[Session], tenant_id: uuid.UUID) -> str:
    with factory() as session:
        return session.get(Tenant, tenant_id).slug


def find_tenant(session: Session, name_or_id: str) -> Tenant:
    try:
        tenant = session.get(Tenant, uuid.UUID(name_or_id))
    except ValueError:
        tenant = session.execute(
            select(Tenant).where(Tenant.name == name_or_id.strip())
        ).scalar_one_or_none()
    if tenant is None:
        raise AdminError(f"Commune inconnue : « {name_or_id} ».")
    return tenant


def add_device(factory: sessionmaker[Session], tenant: str, label: str, now: datetime) -> NewDevice:
    """Registers a desk of `tenant` (name or id); the token is returned once."""
    with factory.begin() as session:
        found = find_tenant(session, tenant)
        # The tenant's row is locked: two registrations at once get numbers one after another.
        session.execute(select(Tenant.id).where(Tenant.id == found.id).with_for_update())
        number = session.execute(
            select(func.coalesce(func.max(Device.number), 0)).where(Device.tenant_id == found.id)
        ).scalar_one()
        device_id = uuid.uuid4()
        token, token_hash = new_device_token(device_id)
        session.add(
            Device(
                id=device_id,
                tenant_id=found.id,
                label=label.strip() or "Poste",
                token_hash=token_hash,
                created_at=now,
                number=number + 1,
            )
        )
        return NewDevice(device_id, found.id, label, token)


def revoke_device(factory: sessionmaker[Session], device_id: str, now: datetime) -> None:
    with factory.begin() as session:
        try:
            device = session.get(Device, uuid.UUID(device_id))
        except ValueError:
            device = None
        if device is None:
            raise AdminError(f"Appareil inconnu : « {device_id} ».")
        if device.revoked_at is None:
            device.revoked_at = now
