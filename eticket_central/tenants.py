"""Administration of tenants (communes) and their desk devices (the CLI's commands)."""

from __future__ import annotations

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


def add_tenant(factory: sessionmaker[Session], name: str, now: datetime) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise AdminError("Le nom de la commune est obligatoire.")
    with factory.begin() as session:
        if session.execute(select(Tenant.id).where(Tenant.name == name)).first():
            raise AdminError(f"La commune « {name} » existe déjà.")
        tenant = Tenant(id=uuid.uuid4(), name=name, created_at=now, change_horizon=0)
        session.add(tenant)
    return tenant.id


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
