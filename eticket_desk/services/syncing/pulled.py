"""Pulled changes applied here: portal bookings, dossiers (contact changes, and dossiers made
on another desk), wallet lines and online payments, the planning and the prices, all in ONE
transaction with the cursor; then the waiting lists of the seats they freed. A dossier pulled
from another desk that looks like one made here raises a likely-duplicate issue (once a pair). Each change is
applied by the module of its domain (pulled_*.py); this one says what they changed here (the
topics the open screens reload).

Nothing here emits an op: applying the server's changes writes none back. A row with an
op of this desk not yet answered is left alone (the server will answer it first). This
desk's own changes coming back are skipped, but a dossier the server merged with other
edits (`merged`): the desk takes the merged dossier, which becomes its baseline like every
dossier applied here (sync/family_ops.py), and like every dossier known before baselines
were kept, once it has no op waiting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from eticket_desk.models import Child
from eticket_desk.models.sync import OutboxOp
from eticket_desk.services.bookings.booking import Promotion, offer_freed_seat
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic, changes
from eticket_desk.services.families.duplicates import raise_pulled_duplicates
from eticket_desk.services.syncing.answers import server_versions
from eticket_desk.services.syncing.pulled_bookings import (
    FREED,
    apply_booking,
    apply_booking_days,
    apply_subscription,
)
from eticket_desk.services.syncing.pulled_commune import apply_organisation, apply_school
from eticket_desk.services.syncing.pulled_documents import apply_document, apply_message
from eticket_desk.services.syncing.pulled_families import apply_family
from eticket_desk.services.syncing.pulled_merge import apply_family_merge
from eticket_desk.services.syncing.pulled_money import apply_payment, apply_wallet_entry
from eticket_desk.services.syncing.pulled_planning import apply_activity, apply_school_year
from eticket_desk.services.syncing.pulled_tariffs import apply_tariff, apply_ticket_type
from eticket_desk.services.syncing.state import CURSOR, SYNC_ACTOR, put_state
from eticket_desk.sync.family_ops import keep_baselines, without_baseline

# Each entity the server sends: how it is applied here, and what it changes here (besides
# its family's own screens, see `_family_of`).
_APPLY = {
    "booking": (apply_booking, Topic.BOOKINGS),
    "booking_days": (apply_booking_days, Topic.BOOKINGS),
    "family": (apply_family, Topic.FAMILIES),
    "family_merge": (apply_family_merge, Topic.FAMILIES),
    "wallet_entry": (apply_wallet_entry, Topic.SALES),
    "payment": (apply_payment, Topic.INVOICES),
    "subscription": (apply_subscription, Topic.BOOKINGS),
    "activity": (apply_activity, Topic.ACTIVITIES),
    "school_year": (apply_school_year, Topic.CALENDAR),
    "ticket_type": (apply_ticket_type, Topic.TARIFFS),
    "tariff": (apply_tariff, Topic.TARIFFS),
    "school": (apply_school, Topic.SCHOOLS),
    "organisation": (apply_organisation, Topic.ORGANISATION),
    "document": (apply_document, Topic.FAMILIES),  # a dossier's documents
    "message": (apply_message, Topic.ORGANISATION),  # what the mairie says
}
# A seat given to a waiting child: its day, and the ticket it may take from the wallet (and
# the child's family's own screens).
_PROMOTED = frozenset({Topic.BOOKINGS, Topic.SALES})


@dataclass
class Pulled:
    """What applying pulled changes did: how many changed something here, the topics they
    changed, and the (activity, day) whose seat they freed (served after)."""

    applied: int = 0
    changed: set[Change] = field(default_factory=set)
    freed: list[tuple[uuid.UUID, date]] = field(default_factory=list)


def _waiting_keys(session) -> set[str]:
    return set(
        session.scalars(select(OutboxOp.entity_key).where(OutboxOp.status == "pending")).all()
    )


@changes(Topic.SYNC, lambda call: call.result.changed)
def apply_changes(store, device_id: uuid.UUID, changes, cursor: int) -> Pulled:
    """Applies the pulled changes and moves the cursor in ONE transaction. The (activity,
    day) whose seat a pulled change freed (a parent cancelled on the portal) are in the
    result's `freed`: their waiting list is served after (`serve_waiting_lists`)."""
    pulled = Pulled()
    with store.write(SYNC_ACTOR) as session:
        session.info[FREED] = pulled.freed
        waiting = _waiting_keys(session)
        versions = []  # the dossiers' versions, kept in one statement (nothing reads them here)
        last = _last_booking_changes(changes)
        baselines: dict[uuid.UUID, None] = {}  # the dossiers brought to the server's state
        dossiers = []  # the dossiers changed here, looked at for likely duplicates
        for index, change in enumerate(changes):
            merged = change.entity == "family" and change.data.get("merged")
            if change.entity == "family":
                versions.append((change.id, change.data))
            if change.device_id == device_id and not merged:
                continue  # our own op coming back: already here
            if change.entity == "booking" and last[change.id] != index:
                continue  # a later change of the day follows (this desk's mark, say)
            if change.entity == "family" and f"family:{change.id}" not in waiting:
                baselines[uuid.UUID(change.id)] = None
            apply, topic = _APPLY.get(change.entity, (None, None))
            if apply is not None and apply(session, change, waiting):
                pulled.applied += 1
                pulled.changed.add(topic)
                family_id = _family_of(session, change)
                if family_id is not None:
                    pulled.changed.add(FamilyTopic(family_id))
                if change.entity == "family":
                    dossiers.append(family_id)
        if raise_pulled_duplicates(session, dossiers):  # once per pair: sync issues
            pulled.changed.add(Topic.SYNC)
        server_versions(session, "family", versions)
        keep_baselines(session, list(baselines) + without_baseline(session))
        put_state(session, {CURSOR: cursor})
    return pulled


def _last_booking_changes(changes) -> dict[str, int]:
    """The index of each booked day's last change in the pull: a change carries the day's
    whole state, so an earlier one is superseded, above all by this desk's own (which is
    skipped): another desk's cancellation must not undo the presence this desk marked
    after it (facts over requests)."""
    return {c.id: i for i, c in enumerate(changes) if c.entity == "booking"}


def _family_of(session, change) -> uuid.UUID | None:
    """The family whose own screens an applied change touches, if it is one family's."""
    if change.entity == "family":
        return uuid.UUID(change.id)
    data = change.data
    if data.get("family_id"):
        return uuid.UUID(data["family_id"])
    if data.get("child_id"):
        return session.scalar(
            select(Child.family_id).where(Child.id == uuid.UUID(data["child_id"]))
        )
    return None


@changes(lambda call: call.result)
def serve_waiting_lists(store, freed: list[tuple[uuid.UUID, date]]) -> frozenset[Change]:
    """Offers the seats a pulled change freed to the waiting children, in a transaction of
    its own that writes its ops (the server judges the promotions like any booking).
    Returns what changed here (nothing when nobody got a seat)."""
    if not freed:
        return frozenset()
    promoted: list[Promotion] = []
    with store.write(SYNC_ACTOR) as session:
        activities = {a.id: a for a in activities_in(session, include_inactive=True)}
        ctx = SimpleNamespace(session=session, actor=SYNC_ACTOR, now=session.info["now"])
        for activity_id, day in sorted(set(freed)):
            if activity_id in activities:
                promoted += offer_freed_seat(ctx, activities[activity_id], day)
    if not promoted:
        return frozenset()
    return _PROMOTED | {FamilyTopic(p.family_id) for p in promoted}
