"""What the server holds from one desk (GET /sync/device), shared by the desk and the server:
its number and label in the commune, how many ops it answered from it and their highest seq,
and the last numbers given by it or by the commune, so that a desk restored from a backup sees
it is behind its own past and never gives one of those numbers again
(services/syncing/restore.py); the desk's clock offset measured at this call; and the
commune's desks by number and label, so that a sync issue names the other desk
(« créé au poste Annexe école »).

Fields the other side does not know are ignored, so either may add some.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class CommuneDesk(BaseModel):
    """One desk of the commune, as the others name it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    number: int
    label: str = ""


class DeviceState(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    device_id: uuid.UUID
    label: str = ""
    number: int  # 1, 2… in its commune: its dossiers' block and its receipts' series (« Q2 »)
    # How many ops the server answered from this device (an op refused INVALID_OP excepted:
    # the desk refuses some itself, never sent).
    ops: int = 0
    last_seq: int = 0  # the highest op seq the server answered from this device (0: none)
    # The last receipt of each of this device's series and year (« Q2-2026-000017 »…).
    last_receipts: list[str] = Field(default_factory=list)
    # The commune's last invoice and credit note of each year (« F-2026-000120 », « A-… »).
    last_invoices: list[str] = Field(default_factory=list)
    last_credit_notes: list[str] = Field(default_factory=list)
    # The desk's clock offset measured at this call (server − desk, seconds; the desk sends
    # its time as `sent_at`) and whether it is trusted: every sync measures it, even one that
    # had nothing to push. None: the desk did not send its time.
    clock_offset_s: int | None = None
    clock_trusted: bool | None = None
    # Every desk of the commune (this one included); empty from an older server.
    desks: list[CommuneDesk] = Field(default_factory=list)
