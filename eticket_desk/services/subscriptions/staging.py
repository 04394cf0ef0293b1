"""Writing what the forms' planner decided: each form staged into buffers (its days, seats,
wallet hook, sync op, audit line), then all written with a few bulk statements."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.models import AuditEntry, Booking, Occupancy, Subscription
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.waiting_list import next_rank
from eticket_desk.services.bookings.booking import offer_freed_seat
from eticket_desk.services.bookings.hooks import hooks_for
from eticket_desk.services.bookings.waiting_queue import highest_rank
from eticket_desk.services.subscriptions.data import SubscriptionDraft, SubscriptionPreview
from eticket_desk.sync.days_ops import FormDays, terms_of
from eticket_desk.sync.outbox import FormsBooked, emit_batch

BOOKED, WAITING = BookingState.BOOKED.value, BookingState.WAITING.value
CANCELLED = BookingState.CANCELLED.value
TEMPLATE = "template"
_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite
_UPSERT = (
    "INSERT INTO booking (activity_id, day, child_id, school_id, state, late, source, "
    "waiting_since, waiting_rank, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, 0, 'template', ?, ?, ?, ?) "
    "ON CONFLICT (activity_id, day, child_id) DO UPDATE SET school_id = excluded.school_id, "
    "state = excluded.state, late = 0, source = 'template', "
    "waiting_since = excluded.waiting_since, waiting_rank = excluded.waiting_rank, "
    "updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by"
)
_CANCEL = (
    "UPDATE booking SET state = 'cancelled', updated_at = ?, updated_by = ? "
    "WHERE activity_id = ? AND day = ? AND child_id = ?"
)


def _table_order(row: tuple) -> tuple:
    return row[:3]  # activity, day, child: the booking table's primary key


@dataclass
class Buffers:
    upserts: list[dict] = field(default_factory=list)
    cancels: list[dict] = field(default_factory=list)
    # activity -> (day, school) -> [seats taken, children waiting] to add to the counters
    seats: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    freed: set = field(default_factory=set)
    audit: list[dict] = field(default_factory=list)
    taken: list[tuple] = field(default_factory=list)
    forms: list[FormDays] = field(default_factory=list)  # for the sync's outbox


@lru_cache(maxsize=1024)
def isofrench_day(day: date) -> str:
    """'2026-09-21': a year of forms writes millions of days, a few hundred distinct ones."""
    return day.isoformat()


@lru_cache(maxsize=1024)
def french_day(day: date) -> str:
    return format_date(day, "dd/MM/yyyy", locale="fr_FR")


class Staging:
    """The planner's writing half (the Planner holds the session, the actor, the clock, the
    children and activities read once, and the bookings of the batch)."""

    def stage(
        self,
        draft: SubscriptionDraft,
        preview: SubscriptionPreview,
        source: str,
        out: Buffers,
        *,
        save: bool = True,
        audit: bool = True,
    ) -> None:
        child = self.children[draft.child_id]
        activity = self.activities[draft.activity_id]
        now, login = self.now, self.actor.login
        stamp = now.strftime(_STAMP)
        a, c = activity.id.hex, child.id.hex
        school = child.school_id.hex if child.school_id else None
        seats = out.seats[activity.id]
        bookings = self.bookings[(child.id, activity.id)]
        for day in preview.to_book:
            out.upserts.append((a, isofrench_day(day), c, school, BOOKED, None, None, stamp, login))
            seats[(day, school)][0] += 1
            bookings[day] = (BOOKED, TEMPLATE)
        for day in preview.waiting:
            rank = self.next_waiting_rank(activity.id, day)  # in the order the forms came
            out.upserts.append(
                (a, isofrench_day(day), c, school, WAITING, stamp, rank, stamp, login)
            )
            seats[(day, school)][1] += 1
            bookings[day] = (WAITING, TEMPLATE)
        if preview.to_book and hooks_for(activity):
            out.taken.append((activity, child, preview.to_book))
        for day in preview.to_cancel:
            previous = bookings[day][0]
            out.cancels.append((stamp, login, a, isofrench_day(day), c))
            seat = seats[(day, school)]
            if previous == WAITING:
                seat[1] -= 1
            else:
                seat[0] -= 1
                out.freed.add((activity.id, day))
                self.total[activity.id][day] -= 1
            bookings[day] = (CANCELLED, TEMPLATE)
        if save:
            self.save(draft, source)
        saved = (
            self.existing.get((draft.child_id, draft.activity_id, draft.start)) if save else None
        )
        out.forms.append(
            FormDays(
                child.id,
                activity.id,
                f"{child.name} — {activity.name} du {french_day(draft.start)} au {french_day(draft.end)}",
                preview.to_book,
                preview.waiting,
                preview.to_cancel,
                saved.id if saved is not None else None,
                subscription=terms_of(saved),
                terms=(draft.template, draft.start, draft.end) if draft.regular else None,
            )
        )
        if not audit:
            return
        out.audit.append(
            {
                "id": uuid.uuid4(),
                "at": now,
                "user_id": self.actor.user_id,
                "user_login": login,
                "action": "subscription",
                "entity": "subscription",
                "entity_id": f"{child.id}:{activity.id}",
                "summary": (
                    f"Inscription {child.name} — {activity.name} du {french_day(draft.start)} au "
                    f"{french_day(draft.end)} ({draft.template.describe()}) : {len(preview.to_book)} "
                    f"jour(s) réservé(s), {len(preview.to_cancel)} annulé(s), "
                    f"{len(preview.waiting)} en liste d'attente"
                ),
                "details": json.dumps(
                    {
                        "weekdays": draft.template.text,
                        "parity": draft.template.parity.value,
                        "regular": draft.regular,
                        "fare_option": draft.fare_option.value,
                        "source": source,
                    },
                    ensure_ascii=False,
                ),
            }
        )

    def next_waiting_rank(self, activity_id: uuid.UUID, day: date) -> int:
        """The rank of the batch's next child queued on that day: after every child already
        waiting, and after the batch's earlier forms."""
        key = (activity_id, day)
        if key not in self.waiting_ranks:
            self.waiting_ranks[key] = highest_rank(self.session, activity_id, day)
        rank = self.waiting_ranks[key] = next_rank(self.waiting_ranks[key])
        return rank

    def save(self, draft: SubscriptionDraft, source: str) -> None:
        """Records the form (a new one, or the same child, activity and start changed)."""
        key = (draft.child_id, draft.activity_id, draft.start)
        values = {
            "end": draft.end,
            "period_label": draft.period_label,
            "regular": draft.regular,
            "weekdays": draft.template.text,
            "parity": draft.template.parity.value,
            "fare_option": draft.fare_option.value,
            "source": source,
            "updated_at": self.now,
            "updated_by": self.actor.login,
        }
        row = self.existing.get(key)
        same = self._by_pair.setdefault((draft.child_id, draft.activity_id), [])
        if row is None:
            for other in same:
                if other.start <= draft.end and other.end >= draft.start:
                    raise InvalidInput(
                        f"Une inscription à cette activité couvre déjà la période du "
                        f"{french_day(other.start)} au {french_day(other.end)} : modifiez-la plutôt."
                    )
            row = Subscription(
                id=uuid.uuid4(),
                child_id=draft.child_id,
                activity_id=draft.activity_id,
                start=draft.start,
                created_at=self.now,
                **values,
            )
            self.session.add(row)
            self.existing[key] = row
            same.append(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)

    def write(self, out: Buffers) -> None:
        session = self.session
        connection = session.connection()
        if out.upserts:
            out.upserts.sort(
                key=_table_order
            )  # the table's own order: the B-tree is filled page by page
            connection.exec_driver_sql(_UPSERT, out.upserts)
        if out.cancels:
            connection.exec_driver_sql(_CANCEL, out.cancels)
        rows = [
            {
                "activity_id": activity_id,
                "day": d,
                "school_id": uuid.UUID(s),
                "booked": b,
                "waiting": w,
            }
            for activity_id, seats in out.seats.items()
            for (d, s), (b, w) in seats.items()
            if b or w
        ]
        if rows:
            statement = sqlite_insert(Occupancy)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["activity_id", "day", "school_id"],
                    set_={
                        "booked": Occupancy.booked + statement.excluded.booked,
                        "waiting": Occupancy.waiting + statement.excluded.waiting,
                    },
                ),
                rows,
            )
        by_hook: dict[int, tuple[object, list[tuple]]] = {}
        for activity, child, days in out.taken:  # one item per form: its days together
            for hook in hooks_for(activity):
                by_hook.setdefault(id(hook), (hook, []))[1].append(
                    (activity, child.id, child.family_id, days)
                )
        for hook, items in by_hook.values():
            many = getattr(hook, "seats_taken_many", None)
            if many is not None:
                many(session, items)  # a bulk hook: one statement for the whole batch
                continue
            for activity, child_id, family_id, days in items:
                for day in days:
                    booking = Booking(activity_id=activity.id, day=day, child_id=child_id)
                    hook.seat_taken(session, booking, activity, family_id, day)
        session.flush()
        emit_batch(session, FormsBooked(tuple(out.forms)))  # before the freed seats' ops
        for activity_id, day in sorted(out.freed):
            offer_freed_seat(self, self.activities[activity_id], day)
        if out.audit:
            session.execute(AuditEntry.__table__.insert(), out.audit)
