"""PayFiP's door into our server: its notification (POST idop, server to server, no login:
the operation's detail is asked back from PayFiP, never taken from the caller). Answers 200
when the notification was handled (paid, refused, abandoned or still pending), 404 for an
operation we never asked for, 409 for a detail that does not match our request, 502 when
PayFiP could not be asked (it notifies again)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from eticket_central.payfip.notifications import NotificationRefused, handle_notification
from eticket_central.payfip.receipts import send_receipt
from eticket_central.payfip.requests import NOTIFICATION_PATH
from eticket_central.payfip.soap import PayfipError

router = APIRouter()
log = logging.getLogger(__name__)


@router.post(NOTIFICATION_PATH)
async def notification(request: Request) -> PlainTextResponse:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    idop = (form.get("idop") or [""])[0].strip()
    if not idop or len(idop) > 64:
        return PlainTextResponse("idop manquant", status_code=400)
    state = request.app.state
    try:
        outcome = await anyio.to_thread.run_sync(handle_notification, state, idop)
    except NotificationRefused as refusal:
        return PlainTextResponse(refusal.message, status_code=refusal.status)
    except PayfipError as error:
        log.warning("PayFiP detail of %s not available: %s", idop, error)
        return PlainTextResponse("PayFiP injoignable : réessayez.", status_code=502)
    if outcome.newly_paid:  # after the commit, never holding a connection
        await anyio.to_thread.run_sync(send_receipt, state, outcome.transaction_id)
    return PlainTextResponse(outcome.state)
