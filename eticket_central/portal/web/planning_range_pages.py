"""« Réserver sur une période » (seed 000: « inscrire à la garderie du soir les jeudis des
semaines paires »): children, an activity, from / to, weekdays, every / even / odd ISO weeks,
book or cancel. « Aperçu » runs the very decisions of « Confirmer » in a transaction that is
rolled back, so the counts shown are the rules' (deadlines, seats, tickets); « Confirmer »
applies them in one transaction, a refused day leaving the others done.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from eticket_central.ops.planning import calendar_set
from eticket_central.portal.planning_changes import Ask, apply_asks, range_days
from eticket_central.portal.planning_grid import family_children, tenant_activities
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.session import WebParent, WebParentDep
from eticket_central.portal.web.templating import render
from eticket_desk.rules.booking import Action
from eticket_desk.rules.calendar import WEEKDAY_NAMES, monday_of
from eticket_desk.rules.templates import PARITY_LABELS, Parity, WeekTemplate

router = APIRouter()
LONGEST = 366  # days: a school year at most in one form
ACTIONS = {Action.BOOK.value: "Réserver", Action.CANCEL.value: "Annuler"}


@dataclass
class RangeForm:
    """The form as sent, and what is wrong with it (French)."""

    children: list[str] = field(default_factory=list)
    activity: str = ""
    start: str = ""
    end: str = ""
    weekdays: list[str] = field(default_factory=list)
    parity: str = Parity.ALL.value
    action: str = Action.BOOK.value
    errors: list[str] = field(default_factory=list)


def _read(form) -> RangeForm:
    return RangeForm(
        children=form.getlist("enfant"),
        activity=form.get("activite", ""),
        start=form.get("du", ""),
        end=form.get("au", ""),
        weekdays=form.getlist("jours"),
        parity=form.get("semaines", Parity.ALL.value),
        action=form.get("action", Action.BOOK.value),
    )


def _day(value: str, label: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"La date « {label} » est absente ou invalide (jj/mm/aaaa).")
        return None


def _asks(session, parent: WebParent, sent: RangeForm) -> tuple[list[Ask], int]:
    """The days the form asks for ([], 0 with `sent.errors` filled when it is wrong), and
    the days skipped because the activity does not run then (holidays, closures)."""
    errors = sent.errors
    children = {str(c.id): c for c in family_children(session, parent.tenant_id, parent.family_id)}
    if any(c not in children for c in sent.children):
        raise HTTPException(404, "Cet enfant n'est pas dans votre dossier.")
    try:
        spec = tenant_activities(session, parent.tenant_id).get(uuid.UUID(sent.activity))
    except ValueError:
        spec = None
    if spec is None:
        errors.append("Choisissez une activité.")
    if not sent.children:
        errors.append("Choisissez au moins un enfant.")
    start, end = _day(sent.start, "du", errors), _day(sent.end, "au", errors)
    if start and end and end < start:
        errors.append("La date de fin est avant la date de début.")
    elif start and end and (end - start).days >= LONGEST:
        errors.append("Une période va au plus sur une année (366 jours).")
    weekdays = {int(d) for d in sent.weekdays if d in {"0", "1", "2", "3", "4", "5", "6"}}
    if not weekdays:
        errors.append("Cochez au moins un jour de la semaine.")
    if sent.parity not in {p.value for p in Parity} or sent.action not in ACTIONS:
        errors.append("Choix invalide : rechargez la page.")
    if errors:
        return [], 0
    template = WeekTemplate(frozenset(weekdays), Parity(sent.parity))
    days, closed = range_days(spec, calendar_set(session, parent.tenant_id), start, end, template)
    action = Action(sent.action)
    asks = [
        Ask(children[c].id, children[c].name, spec, d, action) for c in sent.children for d in days
    ]
    if not asks:
        errors.append("Aucun jour d'activité dans cette période avec ces jours de la semaine.")
    return asks, len(closed) * len(sent.children)


def _render(request, parent, sent: RangeForm, *, preview=None, summary=None, closed=0):
    this_monday = monday_of(request.app.state.clock.now().date())
    with request.app.state.sessions() as session:
        children = family_children(session, parent.tenant_id, parent.family_id)
        activities = [
            s
            for s in tenant_activities(session, parent.tenant_id).values()
            if not s.subscription_only
        ]
    return render(
        request,
        "planning_plage.html",
        parent,
        active="planning",
        status=400 if sent.errors else 200,
        sent=sent,
        children=children,
        activities=activities,
        weekday_names=WEEKDAY_NAMES[:5],
        parities=PARITY_LABELS,
        actions=ACTIONS,
        preview=preview,
        summary=summary,
        closed=closed,
        this_monday=this_monday,
        this_week=this_monday.isocalendar().week,
    )


@router.get("/planning/plage", response_class=HTMLResponse)
def range_page(request: Request, parent: WebParentDep, enfant: str = "") -> HTMLResponse:
    today = request.app.state.clock.now().date()
    sent = RangeForm(children=[enfant] if enfant else [], start=today.isoformat())
    return _render(request, parent, sent)


@router.post("/planning/plage", response_class=HTMLResponse)
def range_form(request: Request, parent: WebParentDep, form: CsrfFormDep) -> HTMLResponse:
    """« Aperçu » (etape=apercu): the rules' decisions, rolled back; « Confirmer »: applied."""
    state = request.app.state
    sent = _read(form)
    confirm = form.get("etape") == "confirmer"
    now = state.clock.now()
    opened = state.sessions.begin() if confirm else state.sessions()
    with opened as session:
        asks, closed = _asks(session, parent, sent)
        summary = None
        if not sent.errors:
            summary = apply_asks(
                session, parent.tenant_id, parent.family_id, asks, now, record=confirm
            )
        if not confirm:
            session.rollback()  # a preview: nothing written, no lock kept
    if confirm and summary is not None:
        return _render(request, parent, sent, summary=summary, closed=closed)
    return _render(request, parent, sent, preview=summary, closed=closed)
