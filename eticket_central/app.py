"""The FastAPI application factory: the sync routes behind the guard (authentication and
body limits before anything is read, guard.py) and French refusals (answers.py).

Nothing is kept in memory between requests but the connection pool: every instance started
on the same database answers the same way (they may run side by side behind a balancer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from eticket_central import changes, clock_trust, documents, portal
from eticket_central.answers import (
    invalid,
    on_database_error,
    on_http_error,
    on_invalid_request,
)
from eticket_central.auth import AuthenticatedDevice, device_caller
from eticket_central.db import make_engine, session_factory
from eticket_central.device_state import device_state
from eticket_central.guard import PUSH_MAX_BYTES, Guard, route_families
from eticket_central.models import Family
from eticket_central.ops.families import family_data
from eticket_central.payfip import routes as payfip_routes
from eticket_central.portal import web as portal_web
from eticket_central.push import push
from eticket_central.push_watch import Abandoned, Busy, Watch
from eticket_central.snapshot import ENTITIES, snapshot_page
from eticket_central.sync_requests import (
    busy,
    busy_as_503,
    check_unique,
    read_envelope,
    watch_request,
)
from eticket_desk.clock import Clock
from eticket_desk.rules.desk_clock import DEFAULT_LIMIT_S
from eticket_desk.sync.device_state import DeviceState
from eticket_desk.sync.protocol import (
    MAX_CHANGES_PER_PULL,
    MAX_SEQ,
    PullResponse,
    PushResponse,
    SnapshotPage,
    parse_ops,
)


@dataclass(frozen=True)
class Settings:
    change_log_days: int = 90  # an older cursor gets `full_reload`
    portal_session_hours: int = 8
    # A push still running after this is rolled back (503): the desk gives up at 30 s. A
    # chunk may queue that long behind the chunks of other desks booking the same days.
    push_seconds: float = 25.0
    # The server's PostgreSQL waits (db.make_engine), when create_app makes the engine.
    lock_timeout_s: float = 20.0
    statement_timeout_s: float = 25.0
    pool_size: int = 10
    # Portal login failures allowed per login and per client address within the window.
    login_failures_per_login: int = 5
    login_failures_per_address: int = 20
    login_window_minutes: int = 15
    argon2_concurrency: int = 2  # password checks at once (each holds a core 0.1–0.3 s)
    push_max_bytes: int = PUSH_MAX_BYTES  # a bigger push is refused (413) before it is read
    # A desk's clock further than this from the server's (seconds) is not trusted to date
    # its ops: their deadlines are judged at the server's time (rules.desk_clock).
    clock_limit_s: int = DEFAULT_LIMIT_S
    # The portal's cookies are sent over HTTPS only; False on plain HTTP (tests, the demo).
    portal_cookie_secure: bool = True
    # PayFiP's payment page, where a parent's payment form is sent (the CSP allows it); its
    # web service is on the same host (eticket_central/payfip). The commune's client number
    # and test/production mode are its organisation's.
    payfip_url: str = "https://www.payfip.gouv.fr/tpa/paiementws.web"
    # Our own address as PayFiP and the parents' browsers reach it (its notification and
    # return pages); empty: the address the parent's request came to.
    public_url: str = ""
    # Outgoing e-mail (password reset, payment receipts): eticket_central/mail.py.
    smtp_host: str = ""  # empty: no e-mail is sent (said in the log)
    smtp_port: int = 25
    smtp_security: str = "starttls"  # none, starttls, ssl
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = "portail-famille@localhost"

    def payfip_origins(self) -> tuple[str, ...]:
        parts = urlsplit(self.payfip_url)
        return (f"{parts.scheme}://{parts.netloc}",) if parts.scheme and parts.netloc else ()


def _device(request: Request) -> AuthenticatedDevice:
    caller = getattr(request.state, "caller", None)  # the guard checked the token
    if isinstance(caller, AuthenticatedDevice):
        return caller
    return device_caller(request.app.state, request.headers.get("authorization", ""))


DeviceDep = Annotated[AuthenticatedDevice, Depends(_device)]


def server_engine(database_url: str, settings: Settings) -> Engine:
    return make_engine(
        database_url,
        pool_size=settings.pool_size,
        lock_timeout_s=settings.lock_timeout_s,
        statement_timeout_s=settings.statement_timeout_s,
    )


def create_app(
    database_url: str | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The server over `database_url` (or an engine); `clock` decides every `now`."""
    settings = settings or Settings()
    if engine is None:
        if database_url is None:
            raise ValueError("create_app needs a database URL or an engine")
        engine = server_engine(database_url, settings)
    # No generated documentation pages: nothing is served that the desks and parents don't use.
    app = FastAPI(
        title="eTicket — serveur central",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = clock or Clock()
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(PoolTimeout, on_database_error)
    app.add_exception_handler(DBAPIError, on_database_error)
    app.add_middleware(Guard, families=route_families(app.state.settings.push_max_bytes))
    app.include_router(portal.router)
    app.include_router(payfip_routes.router)
    app.include_router(documents.desk_router)
    portal_web.mount(app)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/sync/push", response_model=PushResponse)
    async def sync_push(request: Request, device: DeviceDep):
        """The envelope first (a malformed one: 422), then each op alone (a malformed op is
        answered INVALID_OP); the push runs in a worker thread while this watches the
        request, so that a desk that hangs up stops it."""
        envelope, errors = await read_envelope(request)
        if envelope is None:
            return invalid(errors)
        if envelope.device_id != device.device_id:
            raise HTTPException(403, "Ce jeton appartient à un autre appareil.")
        ops, refused, unanswerable = parse_ops(envelope.ops)
        errors = unanswerable or check_unique(ops + refused)
        if errors:
            return invalid(errors)
        watch = Watch(app.state.settings.push_seconds)
        run = partial(
            push,
            app.state.sessions,
            device.tenant_id,
            device.device_id,
            ops,
            app.state.clock,
            refused=refused,
            watch=watch,
            sent_at=envelope.sent_at,
            clock_limit_s=app.state.settings.clock_limit_s,
        )
        answer: PushResponse | JSONResponse | HTTPException
        async with anyio.create_task_group() as group:  # (raising inside would wrap it)
            group.start_soon(watch_request, request, watch)
            try:
                answer = await anyio.to_thread.run_sync(run)
            except (Busy, Abandoned) as error:
                answer = busy(error.message)
            except HTTPException as error:
                answer = error
            finally:
                group.cancel_scope.cancel()
        if isinstance(answer, HTTPException):
            raise answer
        return answer

    @app.get("/sync/pull", response_model=PullResponse)
    def sync_pull(
        device: DeviceDep,
        since: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_PER_PULL)] = 1000,
    ):
        with busy_as_503():
            with app.state.sessions.begin() as session:
                now = app.state.clock.now()
                changes.prune(session, device.tenant_id, now, app.state.settings.change_log_days)
                clock_trust.contact(session, device.device_id, now)
            with app.state.sessions.begin() as session:
                return changes.pull(session, device.tenant_id, since, limit)

    @app.get("/sync/snapshot", response_model=SnapshotPage)
    def sync_snapshot(
        entity: str,
        device: DeviceDep,
        after: str | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_PER_PULL)] = 1000,
    ):
        if entity not in ENTITIES:
            return invalid([f"entity : inconnue (attendu : {', '.join(ENTITIES)})"])
        with busy_as_503(), app.state.sessions.begin() as session:
            try:
                return snapshot_page(session, device.tenant_id, entity, after, limit)
            except ValueError:
                return invalid(["after : curseur de page illisible"])

    @app.get("/sync/device", response_model=DeviceState)
    def this_device(device: DeviceDep, sent_at: datetime | None = None):
        """The desk's number in its commune (1 for the first registered, 2…: the block of its
        new dossiers, the series of its receipts) and what the server holds from it (the last
        op seq and numbers: a desk restored from a backup sees it is behind, device_state.py);
        with `sent_at` (the desk's time), its clock offset measured and kept."""
        if sent_at is not None and sent_at.tzinfo is not None:
            return invalid(["sent_at : heure locale attendue, sans fuseau horaire"])
        with busy_as_503(), app.state.sessions.begin() as session:
            state = device_state(session, device.tenant_id, device.device_id)
            if sent_at is None:
                return state
            now, limit = app.state.clock.now(), app.state.settings.clock_limit_s
            measured = clock_trust.measure(session, device.device_id, sent_at, now, limit)
            return state.model_copy(
                update={"clock_offset_s": measured.offset_s, "clock_trusted": measured.trusted}
            )

    @app.get("/sync/families/{family_id}")
    def one_family(family_id: uuid.UUID, device: DeviceDep):
        with app.state.sessions.begin() as session:
            family = session.get(Family, family_id)
            if family is None or family.tenant_id != device.tenant_id:  # alike: no oracle
                raise HTTPException(404, "Dossier inconnu du serveur.")
            return family_data(family)

    return app
