"""Commune isolation: every route of the server, walked with another commune's ids (as a desk
and as a parent of commune A), answers exactly as for ids that exist nowhere, and changes
nothing of commune B. The walk lists the app's routes: a new route fails until it is walked.
Also the per-op checks of invoices (the family's commune, the credit used) and school years."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, select

from eticket_central.changes import flush_changes
from eticket_central.documents import store_document
from eticket_central.models import Base, Invoice, PasswordReset, PortalAccount, Tenant
from eticket_central.payfip.table import PayfipTransaction
from eticket_central.snapshot import ENTITIES
from eticket_central.tokens import hash_secret
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import START, new_commune
from tests.central.helpers import (
    SCHOOL,
    TUESDAY,
    child,
    family_payload,
    invoice_payload,
    wallet_payload,
)
from tests.central.portal_pages import csrf_of

PASSWORD = "Soleil2026"
_HASH = PasswordHasher().hash(PASSWORD)


@dataclass
class Side:
    """One commune with a bit of everything, and its desk and parent."""

    commune: object
    desk: object
    family_id: uuid.UUID = field(default_factory=uuid.uuid4)
    child_id: uuid.UUID = field(default_factory=uuid.uuid4)
    invoice_id: uuid.UUID = field(default_factory=uuid.uuid4)
    payment_id: uuid.UUID = field(default_factory=uuid.uuid4)
    activity_id: uuid.UUID = field(default_factory=uuid.uuid4)
    year_id: uuid.UUID = field(default_factory=uuid.uuid4)
    message_id: uuid.UUID = field(default_factory=uuid.uuid4)
    document_id: uuid.UUID | None = None
    records: dict = field(default_factory=lambda: {t: uuid.uuid4() for t in _RECORD_OPS})
    parent: dict = field(default_factory=dict)

    @property
    def adult_id(self) -> uuid.UUID:
        return uuid.uuid5(self.family_id, "adult")

    @property
    def login(self) -> str:
        return f"famille.{self.family_id.hex[:8]}"

    def ids(self) -> set[str]:
        return {
            str(i)
            for i in (
                self.family_id,
                self.child_id,
                self.invoice_id,
                self.payment_id,
                self.activity_id,
                self.year_id,
                self.message_id,
                self.document_id,
                self.adult_id,
                *self.records.values(),
            )
        }


_RECORD_OPS = (
    OpType.TICKET_TYPE_UPSERT,
    OpType.TARIFF_UPSERT,
    OpType.SCHOOL_UPSERT,
    OpType.ORGANISATION_UPSERT,
)


def _record_payload(op_type: OpType, record_id: uuid.UUID) -> dict:
    return {
        OpType.TICKET_TYPE_UPSERT: {
            "ticket_type_id": str(record_id),
            "code": "CANTINE",
            "name": "Cantine",
        },
        OpType.TARIFF_UPSERT: {
            "tariff_id": str(record_id),
            "ticket_type": "CANTINE",
            "valid_from": "2026-09-01",
            "brackets": [{"qf_max": None, "price_cents": 350, "outside_price_cents": 450}],
        },
        OpType.SCHOOL_UPSERT: {"school_id": str(record_id), "name": "École Jules Ferry"},
        OpType.ORGANISATION_UPSERT: {"organisation_id": str(record_id), "name": "Mairie"},
    }[op_type]


def _calendar(desk, year_id, start="2026-09-01", end="2027-07-03"):
    return desk.op(
        OpType.CALENDAR_UPSERT, year_id=str(year_id), label="2026-2027", start=start, end=end
    )


def _activity(desk, activity_id):
    return desk.op(
        OpType.ACTIVITY_UPSERT,
        activity_id=str(activity_id),
        code="CANTINE",
        name="Cantine",
        weekdays=[0, 1, 3, 4],
        deadline={"kind": "previous_open_day", "at": "10:00"},
        billing_mode="unit",
        capacity=5,
    )


def _booking(desk, op_type, child_id, activity_id, day=TUESDAY):
    return desk.op(
        op_type, child_id=str(child_id), activity_id=str(activity_id), day=day.isoformat()
    )


def _printed(name: str) -> dict:
    """What the invoice printed at the desk (the portal renders its PDF from it)."""
    line = ["Cantine", "10 jours × 4,25 €", 10, 425, 4250, ""]
    children = [{"name": f"Léa {name}", "school": "École Jules Ferry", "lines": [line]}]
    return {"billing_name": f"Claire {name}", "address": [name], "children": children}


def _side(central, name: str) -> Side:
    commune = new_commune(central, name)
    side = Side(commune, commune.desk())
    desk = side.desk
    family = family_payload(
        side.family_id,
        reference=f"F-{name}",
        children=[child(side.child_id, SCHOOL)],
        portal={"login": side.login, "password_hash": _HASH},
    )
    ops = [
        _calendar(desk, side.year_id),
        _activity(desk, side.activity_id),
        *(desk.op(t, **_record_payload(t, i)) for t, i in side.records.items()),
        desk.op(OpType.FAMILY_UPSERT, **family),
        desk.op(
            OpType.INVOICE_ISSUE,
            **invoice_payload(side.family_id, side.invoice_id, 4250),
            printed=_printed(name),
        ),
        _cash(desk, side.family_id, side.invoice_id, 1000, side.payment_id),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(side.family_id, 5)),
        _booking(desk, OpType.BOOKING_BOOK, side.child_id, side.activity_id),
        _message(desk, side.message_id, side.family_id),
    ]
    answers = desk.push(*ops)
    assert {a["status"] for a in answers} == {"applied"}, answers
    side.document_id = _document(central, commune.tenant_id, side.family_id)
    login = {"tenant_id": str(commune.tenant_id), "login": side.login, "password": PASSWORD}
    token = httpx.post(f"{central.url}/portal/login", json=login).json()["token"]
    side.parent = {"Authorization": f"Bearer {token}"}
    return side


def _message(desk, message_id, family_id):
    return desk.op(
        OpType.MESSAGE_UPSERT,
        message_id=str(message_id),
        family_id=str(family_id) if family_id else None,
        title="Fermeture",
        text="La cantine est fermée.",
        valid_until="2026-10-02",
    )


def _document(central, tenant_id, family_id) -> uuid.UUID:
    """A certificate the family's parent sent from the portal."""
    with central.sessions.begin() as session:
        document = store_document(
            session,
            tenant_id,
            family_id,
            kind="certificat_medical",
            filename="certificat.pdf",
            content=b"%PDF-1.4 certificat",
            child_id=None,
            comment="",
            sent_by="Claire",
            now=START,
        )
        flush_changes(session, tenant_id, None, START)
        return document.id


def _cash(desk, family_id, invoice_id, amount, payment_id=None):
    return desk.op(
        OpType.PAYMENT_RECEIVED,
        payment_id=str(payment_id or uuid.uuid4()),
        family_id=str(family_id),
        invoice_id=str(invoice_id) if invoice_id else None,
        method="cash",
        amount_cents=amount,
        received_at=datetime(2026, 9, 14, 9, 0).isoformat(),
    )


@dataclass
class World:
    central: object
    a: Side
    b: Side

    @property
    def url(self) -> str:
        return self.central.url


@pytest.fixture(scope="module")
def world(_central_module):
    _central_module.clock.current = START
    made = World(
        _central_module, _side(_central_module, "Aville"), _side(_central_module, "Bville")
    )
    yield made
    for side in (made.a, made.b):
        side.desk.close()


def _commune_rows(world: World, tenant_id: uuid.UUID) -> dict[str, list[str]]:
    """Every row of the commune in every table (but the login attempts' bookkeeping)."""
    rows = {}
    with world.central.thread.app.state.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "tenant_id" in table.c and table.name != "login_attempts":
                found = connection.execute(select(table).where(table.c.tenant_id == tenant_id))
                rows[table.name] = sorted(repr(tuple(row)) for row in found)
    return rows


def _alike(foreign: httpx.Response, unknown: httpx.Response, status: int | None = 404) -> None:
    """Another commune's id is answered exactly like an id that exists nowhere."""
    assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())
    assert 400 <= foreign.status_code < 500
    if status is not None:
        assert foreign.status_code == status, foreign.text


def _shows_nothing_of(world: World, answer: httpx.Response) -> None:
    assert answer.status_code in (200, 422), answer.text
    leaked = {i for i in world.b.ids() if i in answer.text}
    assert not leaked


# ---------------------------------------------------------------- one walk per route

WALKS: dict[tuple[str, str], Callable[[World], None]] = {}


def walks(method: str, path: str):
    def register(walk):
        WALKS[(method, path)] = walk
        return walk

    return register


@walks("GET", "/health")
def _health(world: World) -> None:
    assert httpx.get(f"{world.url}/health").json() == {"status": "ok"}  # takes no id


@walks("GET", "/sync/device")
def _device(world: World) -> None:
    answer = world.a.desk.http.get("/sync/device").json()
    assert answer["device_id"] == str(world.a.desk.device_id)


@walks("GET", "/sync/pull")
def _pull(world: World) -> None:
    _shows_nothing_of(world, world.a.desk.http.get("/sync/pull", params={"since": 0}))


@walks("GET", "/sync/snapshot")
def _snapshot(world: World) -> None:
    for entity in ENTITIES:
        for after in (None, str(world.b.family_id), str(world.b.activity_id)):
            params = {"entity": entity} | ({"after": after} if after else {})
            _shows_nothing_of(world, world.a.desk.http.get("/sync/snapshot", params=params))


@walks("GET", "/sync/families/{family_id}")
def _family(world: World) -> None:
    http = world.a.desk.http
    unknown = http.get(f"/sync/families/{uuid.uuid4()}")
    for foreign in (world.b.family_id, world.b.child_id):
        _alike(http.get(f"/sync/families/{foreign}"), unknown)


@walks("GET", "/sync/documents/{document_id}")
def _document_bytes(world: World) -> None:
    http = world.a.desk.http
    own = http.get(f"/sync/documents/{world.a.document_id}")
    assert (own.status_code, own.content) == (200, b"%PDF-1.4 certificat")
    unknown = http.get(f"/sync/documents/{uuid.uuid4()}")
    _alike(http.get(f"/sync/documents/{world.b.document_id}"), unknown)


def _foreign_ops(world: World) -> list:
    desk, b, a = world.a.desk, world.b, world.a
    family = family_payload(
        b.family_id, base_version=1, reference="F-Bville", children=[child(b.child_id, SCHOOL)]
    )
    return [
        desk.op(OpType.FAMILY_UPSERT, **family),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(b.family_id, 50)),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(b.family_id, uuid.uuid4(), 100)),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(a.family_id, b.invoice_id, 4250)),
        _cash(desk, b.family_id, b.invoice_id, 3250),
        _cash(desk, a.family_id, b.invoice_id, 3250),
        _activity(desk, b.activity_id),
        _calendar(desk, b.year_id, start="2027-09-01", end="2028-07-03"),
        _booking(desk, OpType.BOOKING_BOOK, b.child_id, b.activity_id),
        _booking(desk, OpType.BOOKING_BOOK, a.child_id, b.activity_id),
        _booking(desk, OpType.BOOKING_CANCEL, b.child_id, b.activity_id),
        desk.op(
            OpType.BOOKINGS_APPLY,
            child_id=str(a.child_id),
            activity_id=str(b.activity_id),
            book=[TUESDAY.isoformat()],
        ),
        # A first upload's days (facts, written a run at a time): no foreign key checks the
        # booking's commune, the push refuses them first.
        *(
            desk.op(
                OpType.BOOKINGS_APPLY,
                child_id=str(child_id),
                activity_id=str(activity_id),
                book=[TUESDAY.isoformat()],
                initial=True,
            )
            for child_id, activity_id in ((a.child_id, b.activity_id), (b.child_id, a.activity_id))
        ),
        desk.op(
            OpType.BOOKING_MARK,
            child_id=str(b.child_id),
            activity_id=str(b.activity_id),
            day=TUESDAY.isoformat(),
            state="present",
        ),
        desk.op(
            OpType.INVOICE_CANCEL,
            invoice_id=str(b.invoice_id),
            credit_note_number="A-2026-000001",
            reason="Essai",
            cancelled_at=datetime(2026, 9, 14, 9, 0).isoformat(),
        ),
        desk.op(
            OpType.PAYMENT_CANCEL,
            payment_id=str(b.payment_id),
            reason="Essai",
            cancelled_at=datetime(2026, 9, 14, 9, 0).isoformat(),
        ),
        *(desk.op(t, **_record_payload(t, i)) for t, i in b.records.items()),
        desk.op(
            OpType.DOCUMENT_REVIEW, document_id=str(b.document_id), state="refused", reason="Non"
        ),
        _message(desk, b.message_id, None),  # another commune's message rewritten
        _message(desk, uuid.uuid4(), b.family_id),  # a message for another commune's family
        *(  # a dossier of this commune merged with one of the other, either way round
            desk.op(
                OpType.FAMILY_MERGE,
                kept_id=str(kept),
                absorbed_id=str(absorbed),
                kept_reference="F00001",
                absorbed_reference="F00002",
                children=[{"absorbed_id": str(b.child_id), "kept_id": str(a.child_id)}],
            )
            for kept, absorbed in ((a.family_id, b.family_id), (b.family_id, a.family_id))
        ),
    ]


@walks("POST", "/sync/push")
def _push(world: World) -> None:
    ops = _foreign_ops(world)
    assert {op.type for op in ops} == set(OpType)  # a new op type must be walked too
    for op in ops:  # one push each: a refused push must not hide another op
        answer = world.a.desk.push_raw([op])
        assert answer.status_code == 200, (op.type, answer.text)
        (result,) = answer.json()["results"]
        assert result["status"] == "rejected", (op.type, result)
        assert not any(i in result["message"] for i in world.b.ids()), result
        if op.type in _NAMES_EXISTING_ROWS:  # the same op on ids that exist nowhere
            twin = _with_unknown_ids(world, op)
            (unknown,) = world.a.desk.push(twin)
            assert (result["code"], result["message"]) == (unknown["code"], unknown["message"])


# Ops that name rows which must already exist (the others create theirs).
_NAMES_EXISTING_ROWS = {
    OpType.BOOKING_BOOK,
    OpType.BOOKING_CANCEL,
    OpType.BOOKINGS_APPLY,
    OpType.BOOKING_MARK,
    OpType.INVOICE_CANCEL,
    OpType.PAYMENT_CANCEL,
    OpType.FAMILY_MERGE,
    OpType.DOCUMENT_REVIEW,
}


def _with_unknown_ids(world: World, op):
    body = op.payload.model_dump_json()
    for foreign in world.b.ids():
        body = body.replace(foreign, str(uuid.uuid4()))
    return world.a.desk.op(OpType(op.type), **json.loads(body))


@walks("POST", "/portal/login")
def _login(world: World) -> None:
    def login(tenant_id, login, password=PASSWORD):
        body = {"tenant_id": str(tenant_id), "login": login, "password": password}
        return httpx.post(f"{world.url}/portal/login", json=body)

    unknown = login(uuid.uuid4(), world.a.login)
    assert unknown.status_code == 401
    _alike(login(world.b.commune.tenant_id, world.a.login), unknown, 401)
    _alike(login(world.a.commune.tenant_id, world.b.login), unknown, 401)


@walks("GET", "/portal/invoices")
def _invoices(world: World) -> None:
    _shows_nothing_of(world, httpx.get(f"{world.url}/portal/invoices", headers=world.a.parent))


@walks("POST", "/portal/payments")
def _payments(world: World) -> None:
    def pay(invoice_id):
        body = {"invoice_id": str(invoice_id), "amount_cents": 100, "transaction_ref": "T"}
        return httpx.post(f"{world.url}/portal/payments", json=body, headers=world.a.parent)

    _alike(pay(world.b.invoice_id), pay(uuid.uuid4()))


@walks("POST", "/portal/bookings")
def _bookings(world: World) -> None:
    a, b = world.a, world.b

    def book(child_id, activity_id, action="book"):
        body = {
            "child_id": str(child_id),
            "activity_id": str(activity_id),
            "day": TUESDAY.isoformat(),
            "action": action,
        }
        return httpx.post(f"{world.url}/portal/bookings", json=body, headers=a.parent)

    for action in ("book", "cancel"):
        _alike(
            book(a.child_id, b.activity_id, action), book(a.child_id, uuid.uuid4(), action), None
        )
        for activity in (a.activity_id, b.activity_id):
            _alike(book(b.child_id, activity, action), book(uuid.uuid4(), activity, action), None)


@walks("POST", "/portal/contacts")
def _contacts(world: World) -> None:
    def change(adult_id):
        body = {"adult_id": str(adult_id), "city": "Ailleurs"}
        return httpx.post(f"{world.url}/portal/contacts", json=body, headers=world.a.parent)

    _alike(change(world.b.adult_id), change(uuid.uuid4()))


# ---------------------------------------------------------------- the portal's pages


def page_cookies(side: Side) -> dict[str, str]:
    """The parent's session as the pages carry it (the same session, in its cookie)."""
    return {"portail_session": side.parent["Authorization"].removeprefix("Bearer ")}


def page_alike(foreign: httpx.Response, unknown: httpx.Response) -> None:
    """Another family's or commune's id on a page: the same French page as an unknown one."""
    assert (foreign.status_code, foreign.text) == (unknown.status_code, unknown.text)
    assert foreign.status_code == 404, foreign.text


@walks("GET", "/portail/")
def _home_page(world: World) -> None:
    answer = httpx.get(f"{world.url}/portail/", cookies=page_cookies(world.a))
    _shows_nothing_of(world, answer)
    assert str(world.a.child_id) in answer.text  # the parent's own child is there


@walks("POST", "/portail/deconnexion")
def _logout_page(world: World) -> None:
    # Logging out closes the caller's own session only, whatever the form says.
    side = _side(world.central, f"Cville {uuid.uuid4().hex[:6]}")
    with httpx.Client(base_url=world.url, cookies=page_cookies(side)) as own:
        token = csrf_of(own.get("/portail/").text)
        own.post("/portail/deconnexion", data={"csrf": token, "family_id": str(world.b.family_id)})
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.b)) as other:
        assert other.get("/portail/").status_code == 200


# ---------------------------------------------------------------- login and password pages


def _slug(world: World, side: Side) -> str:
    with world.central.sessions() as session:
        return session.get(Tenant, side.commune.tenant_id).slug


def _anonymous(world: World) -> httpx.Client:
    return httpx.Client(base_url=world.url, timeout=60)


def _incorrect(answer: httpx.Response) -> None:
    assert answer.status_code == 401, answer.text
    assert "Identifiant ou mot de passe incorrect." in answer.text


@walks("GET", "/portail/connexion")
def _communes_page(world: World) -> None:
    with _anonymous(world) as http:
        _shows_nothing_of(world, http.get("/portail/connexion"))


@walks("GET", "/portail/{slug}/connexion")
def _login_page(world: World) -> None:
    with _anonymous(world) as http:
        answer = http.get(f"/portail/{_slug(world, world.a)}/connexion")
    _shows_nothing_of(world, answer)
    assert world.b.commune.name not in answer.text


@walks("POST", "/portail/{slug}/connexion")
def _login_form(world: World) -> None:
    # B's login and password at A's address: as unknown as a login that exists nowhere.
    slug = _slug(world, world.a)
    with _anonymous(world) as http:
        token = csrf_of(http.get(f"/portail/{slug}/connexion").text)
        for login in (world.b.login, "personne.nulle-part"):
            form = {"csrf": token, "identifiant": login, "mot_de_passe": PASSWORD}
            _incorrect(http.post(f"/portail/{slug}/connexion", data=form))


@walks("GET", "/portail/mot-de-passe")
def _password_page(world: World) -> None:
    _shows_nothing_of(
        world, httpx.get(f"{world.url}/portail/mot-de-passe", cookies=page_cookies(world.a))
    )


@walks("POST", "/portail/mot-de-passe")
def _password_form(world: World) -> None:
    # A's parent changes only A's password, whatever the form adds (here: a wrong current one).
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:
        token = csrf_of(own.get("/portail/mot-de-passe").text)
        form = {
            "csrf": token,
            "actuel": "faux",
            "nouveau": "Nouveau-2026-x",
            "login": world.b.login,
        }
        answer = own.post("/portail/mot-de-passe", data={**form, "confirmation": form["nouveau"]})
    assert answer.status_code == 422
    _shows_nothing_of(world, answer)


@walks("GET", "/portail/{slug}/mot-de-passe-oublie")
def _forgotten_page(world: World) -> None:
    with _anonymous(world) as http:
        _shows_nothing_of(world, http.get(f"/portail/{_slug(world, world.a)}/mot-de-passe-oublie"))


@walks("POST", "/portail/{slug}/mot-de-passe-oublie")
def _forgotten_form(world: World) -> None:
    # B's login at A's address: the same answer as any, and no link made for B.
    slug = _slug(world, world.a)
    shown = []
    with _anonymous(world) as http:
        for login in (world.b.login, "personne.nulle-part"):
            token = csrf_of(http.get(f"/portail/{slug}/mot-de-passe-oublie").text)
            form = {"csrf": token, "identifiant": login}
            answer = http.post(f"/portail/{slug}/mot-de-passe-oublie", data=form)
            shown.append(http.get(answer.headers["location"]).text)
    assert shown[0] == shown[1]


def _b_reset_link(world: World, walk) -> None:
    """B's own valid link, followed at A's address: as unknown as a forged one. The link is
    removed afterwards (B's rows as they were)."""
    token = "B" * 43
    with world.central.sessions.begin() as session:
        account = session.execute(
            select(PortalAccount).where(PortalAccount.tenant_id == world.b.commune.tenant_id)
        ).scalar_one()
        session.add(
            PasswordReset(
                token_hash=hash_secret(token),
                tenant_id=account.tenant_id,
                account_id=account.id,
                created_at=START,
                expires_at=START + timedelta(hours=1),
            )
        )
    try:
        walk(f"/portail/{_slug(world, world.a)}/mot-de-passe-oublie/", token)
    finally:
        with world.central.sessions.begin() as session:
            session.execute(
                delete(PasswordReset).where(PasswordReset.token_hash == hash_secret(token))
            )


@walks("GET", "/portail/{slug}/mot-de-passe-oublie/{token}")
def _reset_page(world: World) -> None:
    def walk(prefix: str, token: str) -> None:
        with _anonymous(world) as http:
            page_alike(http.get(prefix + token), http.get(prefix + "C" * 43))

    _b_reset_link(world, walk)


@walks("POST", "/portail/{slug}/mot-de-passe-oublie/{token}")
def _reset_form(world: World) -> None:
    def walk(prefix: str, token: str) -> None:
        with _anonymous(world) as http:
            csrf = csrf_of(http.get(prefix.replace("mot-de-passe-oublie/", "connexion")).text)
            form = {"csrf": csrf, "nouveau": "Nouveau-2026-x", "confirmation": "Nouveau-2026-x"}
            page_alike(
                http.post(prefix + token, data=form), http.post(prefix + "C" * 43, data=form)
            )

    _b_reset_link(world, walk)


@walks("GET", "/portail/porte-monnaie")
def _wallet_page(world: World) -> None:
    answer = httpx.get(f"{world.url}/portail/porte-monnaie", cookies=page_cookies(world.a))
    _shows_nothing_of(world, answer)
    assert "5 tickets" in answer.text  # the parent's own wallet


@walks("GET", "/portail/porte-monnaie/achat")
def _purchase_summary(world: World) -> None:
    # Ticket types are the commune's: B's code names nothing A sells.
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:
        answer = own.get("/portail/porte-monnaie/achat", params={"type": "CANTINE", "quantite": 2})
        assert answer.status_code == 303
        _shows_nothing_of(world, own.get(answer.headers["location"]))


@walks("GET", "/portail/factures")
def _invoices_page(world: World) -> None:
    answer = httpx.get(f"{world.url}/portail/factures", cookies=page_cookies(world.a))
    _shows_nothing_of(world, answer)
    assert str(world.a.invoice_id) in answer.text


@walks("POST", "/portail/factures/{invoice_id}/payer")
def _pay_invoice_page(world: World) -> None:
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:

        def pay(invoice_id):
            token = csrf_of(own.get("/portail/").text)
            return own.post(f"/portail/factures/{invoice_id}/payer", data={"csrf": token})

        page_alike(pay(world.b.invoice_id), pay(uuid.uuid4()))


@walks("POST", "/portail/paiements/tickets")
def _pay_tickets_page(world: World) -> None:
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:
        token = csrf_of(own.get("/portail/").text)
        data = {
            "csrf": token,
            "type": "CANTINE",
            "quantite": "2",
            "family_id": str(world.b.family_id),
        }
        answer = own.post("/portail/paiements/tickets", data=data)
        assert answer.status_code == 303  # no PayFiP in Aville: refused, nothing asked
        _shows_nothing_of(world, own.get(answer.headers["location"]))


@contextmanager
def _payfip_attempt(world: World, side: Side):
    """An attempt of `side`'s family, as a PayFiP request records it, for the walk's length
    (taken away after: the walk must leave the commune as it found it)."""
    attempt_id = uuid.uuid4()
    with world.central.sessions.begin() as session:
        session.add(
            PayfipTransaction(
                id=attempt_id,
                idop=str(uuid.uuid4()),
                tenant_id=side.commune.tenant_id,
                family_id=side.family_id,
                invoice_id=side.invoice_id,
                numcli="012345",
                exer="2026",
                refdet="F2026000001",
                saisie="T",
                amount_cents=3250,
                email="b@example.org",
                objet="Facture",
                state="pending",
                created_at=START,
                resultrans="",
                numauto="",
            )
        )
    try:
        yield attempt_id
    finally:
        with world.central.sessions.begin() as session:
            session.execute(delete(PayfipTransaction).where(PayfipTransaction.id == attempt_id))


@walks("GET", "/portail/paiements/{transaction_id}")
def _return_page(world: World) -> None:
    with (
        _payfip_attempt(world, world.b) as foreign,
        httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own,
    ):
        page_alike(
            own.get(f"/portail/paiements/{foreign}"), own.get(f"/portail/paiements/{uuid.uuid4()}")
        )


@walks("POST", "/portail/paiements/{transaction_id}")
def _return_from_payfip(world: World) -> None:
    # PayFiP's browser return writes nothing and reads nothing: sent to the GET, alike.
    with _payfip_attempt(world, world.b) as foreign:
        for attempt in (foreign, uuid.uuid4()):
            answer = httpx.post(f"{world.url}/portail/paiements/{attempt}")
            assert (answer.status_code, answer.headers["location"]) == (
                303,
                f"/portail/paiements/{attempt}",
            )


@walks("POST", "/payfip/notification")
def _payfip_notification(world: World) -> None:
    # PayFiP's call names an operation only; one never asked for is refused, nothing written.
    answer = httpx.post(f"{world.url}/payfip/notification", data={"idop": str(uuid.uuid4())})
    assert answer.status_code == 404
    assert httpx.post(f"{world.url}/payfip/notification", data={}).status_code == 400


@walks("GET", "/portail/dossier")
def _dossier_page(world: World) -> None:
    answer = httpx.get(f"{world.url}/portail/dossier", cookies=page_cookies(world.a))
    _shows_nothing_of(world, answer)
    assert str(world.a.adult_id) in answer.text  # the parent's own form is there


@walks("POST", "/portail/dossier/coordonnees")
def _contacts_page(world: World) -> None:
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as pages:
        token = csrf_of(pages.get("/portail/dossier").text)

        def change(adult_id):
            form = {"csrf": token, "adulte": str(adult_id), "city": "Ailleurs"}
            return pages.post("/portail/dossier/coordonnees", data=form)

        page_alike(change(world.b.adult_id), change(uuid.uuid4()))


@walks("GET", "/portail/documents")
def _documents_page(world: World) -> None:
    answer = httpx.get(f"{world.url}/portail/documents", cookies=page_cookies(world.a))
    _shows_nothing_of(world, answer)
    assert str(world.a.document_id) in answer.text


@walks("POST", "/portail/documents")
def _send_document_page(world: World) -> None:
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as pages:
        token = csrf_of(pages.get("/portail/documents").text)

        def send(child_id):
            form = {"csrf": token, "type": "certificat_medical", "enfant": str(child_id)}
            files = {"fichier": ("c.pdf", b"%PDF-1.4 x", "application/pdf")}
            return pages.post("/portail/documents", data=form, files=files)

        foreign, unknown = send(world.b.child_id), send(uuid.uuid4())
        assert (foreign.status_code, foreign.text) == (unknown.status_code, unknown.text)
        assert foreign.status_code == 422


@walks("GET", "/portail/documents/{document_id}")
def _download_page(world: World) -> None:
    cookies = page_cookies(world.a)
    own = httpx.get(f"{world.url}/portail/documents/{world.a.document_id}", cookies=cookies)
    assert own.content == b"%PDF-1.4 certificat"
    page_alike(
        httpx.get(f"{world.url}/portail/documents/{world.b.document_id}", cookies=cookies),
        httpx.get(f"{world.url}/portail/documents/{uuid.uuid4()}", cookies=cookies),
    )


@walks("GET", "/portail/factures/{invoice_id}/pdf")
def _invoice_pdf(world: World) -> None:
    def pdf(invoice_id):
        url = f"{world.url}/portail/factures/{invoice_id}/pdf"
        return httpx.get(url, cookies=page_cookies(world.a))

    own = pdf(world.a.invoice_id)
    assert (own.status_code, own.headers["content-type"]) == (200, "application/pdf")
    page_alike(pdf(world.b.invoice_id), pdf(uuid.uuid4()))


@walks("GET", "/portail/factures/{invoice_id}/avoir/pdf")
def _credit_note_pdf(world: World) -> None:
    def pdf(invoice_id):
        url = f"{world.url}/portail/factures/{invoice_id}/avoir/pdf"
        return httpx.get(url, cookies=page_cookies(world.a))

    page_alike(pdf(world.b.invoice_id), pdf(uuid.uuid4()))


def _planning_posts(world: World, path: str, forms: list[dict]) -> list[httpx.Response]:
    """Parent A posts each form to a planning page with a valid CSRF token."""
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:
        token = csrf_of(own.get("/portail/planning").text)
        return [own.post(path, data={**form, "csrf": token}) for form in forms]


@walks("GET", "/portail/planning")
def _planning_page(world: World) -> None:
    a, b = world.a, world.b
    with httpx.Client(base_url=world.url, cookies=page_cookies(a)) as own:
        page_alike(
            own.get(f"/portail/planning?enfant={b.child_id}"),
            own.get(f"/portail/planning?enfant={uuid.uuid4()}"),
        )
        _shows_nothing_of(world, own.get(f"/portail/planning?enfant={a.child_id}"))


@walks("POST", "/portail/planning")
def _planning_form(world: World) -> None:
    a, b = world.a, world.b

    def form(child_id, activity_id) -> dict:
        key = f"{activity_id}/{TUESDAY.isoformat()}"
        week = "2026-09-14"
        return {"enfant": str(child_id), "semaine": week, "vu": key, "j": key, "enregistrer": "1"}

    foreign, unknown, their_activity, no_activity = _planning_posts(
        world,
        "/portail/planning",
        [
            form(b.child_id, b.activity_id),
            form(uuid.uuid4(), b.activity_id),
            form(a.child_id, b.activity_id),
            form(a.child_id, uuid.uuid4()),
        ],
    )
    page_alike(foreign, unknown)
    page_alike(their_activity, no_activity)


@walks("GET", "/portail/planning/semaine-type")
def _week_copy_page(world: World) -> None:
    a, b = world.a, world.b
    path = "/portail/planning/semaine-type?semaine=2026-09-14"
    with httpx.Client(base_url=world.url, cookies=page_cookies(a)) as own:
        page_alike(
            own.get(f"{path}&enfant={b.child_id}&activite={a.activity_id}"),
            own.get(f"{path}&enfant={uuid.uuid4()}&activite={a.activity_id}"),
        )
        page_alike(
            own.get(f"{path}&enfant={a.child_id}&activite={b.activity_id}"),
            own.get(f"{path}&enfant={a.child_id}&activite={uuid.uuid4()}"),
        )


@walks("POST", "/portail/planning/semaine-type")
def _week_copy_form(world: World) -> None:
    a, b = world.a, world.b

    def form(child_id, activity_id) -> dict:
        return {"enfant": str(child_id), "activite": str(activity_id), "semaine": "2026-09-14"}

    answers = _planning_posts(
        world,
        "/portail/planning/semaine-type",
        [
            form(b.child_id, a.activity_id),
            form(uuid.uuid4(), a.activity_id),
            form(a.child_id, b.activity_id),
            form(a.child_id, uuid.uuid4()),
        ],
    )
    page_alike(*answers[:2])
    page_alike(*answers[2:])


@walks("GET", "/portail/planning/plage")
def _range_page(world: World) -> None:
    with httpx.Client(base_url=world.url, cookies=page_cookies(world.a)) as own:
        _shows_nothing_of(world, own.get(f"/portail/planning/plage?enfant={world.b.child_id}"))


@walks("POST", "/portail/planning/plage")
def _range_form(world: World) -> None:
    a, b = world.a, world.b

    def form(child_id, activity_id) -> dict:
        return {
            "enfant": str(child_id),
            "activite": str(activity_id),
            "du": "2026-09-14",
            "au": "2026-09-30",
            "jours": ["1"],
            "semaines": "all",
            "action": "book",
            "etape": "confirmer",
        }

    answers = _planning_posts(
        world,
        "/portail/planning/plage",
        [
            form(b.child_id, a.activity_id),
            form(uuid.uuid4(), a.activity_id),
            form(a.child_id, b.activity_id),
            form(a.child_id, uuid.uuid4()),
        ],
    )
    page_alike(*answers[:2])
    # Another commune's activity is no choice of A's, like one that does not exist (400).
    assert (answers[2].status_code, answers[2].text) == (400, answers[3].text)
    assert "Choisissez une activité." in answers[2].text


def test_the_walk_covers_every_route_of_the_app(world):
    # The schema lists every route, those of included routers too (it is not served).
    paths = world.central.thread.app.openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    assert routes == set(WALKS)


@pytest.mark.parametrize("route", sorted(WALKS), ids=" ".join)
def test_another_communes_ids_are_unknown_and_untouched(central, world, route):
    before = _commune_rows(world, world.b.commune.tenant_id)
    assert before["families"] and before["bookings"] and before["payments"]
    WALKS[route](world)
    assert _commune_rows(world, world.b.commune.tenant_id) == before


# ---------------------------------------------------------------- per-op checks


def test_an_invoice_for_another_communes_family_is_refused_alone(world, db):
    desk, b = world.a.desk, world.b
    foreign, unknown = uuid.uuid4(), uuid.uuid4()
    answers = desk.push(
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(b.family_id, foreign, 100, "F-X-1")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(uuid.uuid4(), unknown, 100, "F-X-2")),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(world.a.family_id, 2)),
    )
    assert [(a["status"], a.get("code")) for a in answers] == [
        ("rejected", "NOT_FOUND"),
        ("rejected", "NOT_FOUND"),
        ("applied", None),
    ]
    assert answers[0]["message"] == (
        "La facture F-X-1 désigne un dossier inconnu du serveur : recevez les changements "
        "puis refaites la facturation de ce dossier."
    )
    db.expire_all()
    assert db.get(Invoice, foreign) is None and db.get(Invoice, unknown) is None


def test_an_invoice_may_use_no_more_credit_than_the_family_has(central, desk, db):
    family_id = uuid.uuid4()
    paid_invoice = uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, paid_invoice, 1000)),
        _cash(desk, family_id, paid_invoice, 1500),  # 5,00 € of credit
    )
    too_much, just_right = uuid.uuid4(), uuid.uuid4()
    greedy = invoice_payload(family_id, too_much, 4250) | {"credit_used_cents": 501}
    fair = invoice_payload(family_id, just_right, 4250) | {"credit_used_cents": 500}
    refused, applied = desk.push(
        desk.op(OpType.INVOICE_ISSUE, **greedy), desk.op(OpType.INVOICE_ISSUE, **fair)
    )
    assert (refused["status"], refused["code"]) == ("rejected", "INVALID_DATA")
    assert refused["message"] == (
        f"La facture {greedy['number']} déduit 5,01\xa0€ d'avoir, mais la famille n'en a que "
        "5,00\xa0€ sur le serveur : recevez les changements puis refaites la facture."
    )
    assert applied["status"] == "applied"
    db.expire_all()
    assert db.get(Invoice, too_much) is None
    assert db.get(Invoice, just_right).paid_cents == 500
    again = invoice_payload(family_id, uuid.uuid4(), 4250) | {"credit_used_cents": 1}
    (spent,) = desk.push(desk.op(OpType.INVOICE_ISSUE, **again))
    assert (spent["status"], spent["code"]) == ("rejected", "INVALID_DATA")  # credit at 0


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(1, 1, 1), date(9999, 12, 31)), (date(1999, 9, 1), date(2000, 7, 3))],
    ids=["0001-9999", "1999"],
)
def test_a_school_year_lies_between_2000_and_2100(desk, start, end):
    # Sent as raw JSON: the desk's own protocol checks may refuse to even build such an op.
    desk.seq += 1
    op = {
        "op_id": str(uuid.uuid4()),
        "seq": desk.seq,
        "type": OpType.CALENDAR_UPSERT.value,
        "payload": {
            "year_id": str(uuid.uuid4()),
            "label": "2026-2027",
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    }
    pushed = desk.http.post("/sync/push", json={"device_id": str(desk.device_id), "ops": [op]})
    (answer,) = pushed.json()["results"]
    assert answer["status"] == "rejected"
    assert "2000" in answer["message"] and "2100" in answer["message"], answer["message"]


def test_a_school_year_lasts_at_most_13_months(desk):
    (answer,) = desk.push(_calendar(desk, uuid.uuid4(), "2026-09-01", "2027-10-15"))
    assert (answer["status"], answer["code"]) == ("rejected", "INVALID_DATA")
    assert answer["message"] == (
        "L'année scolaire 2026-2027 dure plus de 13 mois (du 01/09/2026 au 15/10/2027)."
    )
    (fine,) = desk.push(_calendar(desk, uuid.uuid4(), "2026-09-01", "2027-08-31"))
    assert fine["status"] == "applied"
