"""« Mon planning »: a child's week grid (seed 002's five states, deadlines, places left, the
waiting list), booked from one form, « toute la semaine » / « toutes les activités » helpers,
and « semaine type » copied to the following weeks of the period (seed 003). Booking by date
range is planning_range_pages (included here).

Every page works without JavaScript: the helpers are submit buttons that send the form back
with their cells checked or unchecked; only « Enregistrer » changes anything, each day decided
by the rules (portal/planning_changes.py). A child or an activity outside the parent's
family and commune is answered 404, like one that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from eticket_central.ops.planning import calendar_set
from eticket_central.portal.planning_changes import Ask, apply_asks, week_copy
from eticket_central.portal.planning_grid import (
    LOOKS,
    day_label,
    family_child,
    family_children,
    load_grid,
    period_of,
    tenant_activities,
)
from eticket_central.portal.web import planning_range_pages
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.session import WebParent, WebParentDep
from eticket_central.portal.web.templating import render
from eticket_desk.rules.booking import Action, subscription_only_message
from eticket_desk.rules.calendar import monday_of

router = APIRouter()
router.include_router(planning_range_pages.router)
_NOT_FOUND = "Cet enfant n'est pas dans votre dossier."


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def own_child(session, parent: WebParent, value):
    """The parent's child named by the request, else 404 (another family's is unknown)."""
    child = family_child(session, parent.tenant_id, parent.family_id, parse_uuid(value))
    if child is None:
        raise HTTPException(404, _NOT_FOUND)
    return child


def _week(request: Request, value) -> tuple[date, str]:
    """The Monday of the week asked (this week when none), and the French error if unreadable."""
    today = request.app.state.clock.now().date()
    if value in (None, ""):
        return monday_of(today), ""
    day = parse_day(value)
    if day is None:
        return monday_of(today), f"« {value} » n'est pas une date : voici la semaine en cours."
    return monday_of(day), ""


def _page(request, parent, child_value, week_value, *, checked=None, before=None, summary=None):
    """The grid page; `checked` / `before` carry a form sent back by a helper button."""
    state = request.app.state
    monday, error = _week(request, week_value)
    with state.sessions() as session:
        children = family_children(session, parent.tenant_id, parent.family_id)
        if child_value in (None, "") and children:
            child_value = str(children[0].id)
        if not children:
            return render(request, "planning.html", parent, active="planning", grid=None)
        child = own_child(session, parent, child_value)
        grid = load_grid(session, parent.tenant_id, child, monday, state.clock.now())
    held = {c.key for r in grid.rows for c in r.cells if c.editable and c.held}
    return render(
        request,
        "planning.html",
        parent,
        active="planning",
        status=400 if error else 200,
        grid=grid,
        children=children,
        looks=LOOKS,
        day_label=day_label,
        error=error,
        checked=held if checked is None else checked,
        before=held if before is None else before,
        summary=summary,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
    )


@router.get("/planning", response_class=HTMLResponse)
def planning_page(
    request: Request, parent: WebParentDep, enfant: str = "", semaine: str = ""
) -> HTMLResponse:
    return _page(request, parent, enfant, semaine)


@router.post("/planning", response_class=HTMLResponse)
def planning_form(request: Request, parent: WebParentDep, form: CsrfFormDep) -> HTMLResponse:
    """« Enregistrer », or a helper that checks / unchecks a row or a day and sends the page
    back unsaved."""
    child_value, week_value = form.get("enfant", ""), form.get("semaine", "")
    shown = set(form.getlist("vu"))
    before = set(form.getlist("avant")) & shown
    checked = set(form.getlist("j")) & shown
    row, day = form.get("ligne"), form.get("jour")
    if row or day:
        prefix, suffix = (f"{row}/", None) if row else (None, f"/{day}")
        group = {
            k for k in shown if (prefix and k.startswith(prefix)) or (suffix and k.endswith(suffix))
        }
        checked = checked - group if group and group <= checked else checked | group
        return _page(request, parent, child_value, week_value, checked=checked, before=before)
    summary = save_week(request, parent, child_value, week_value, before, checked)
    return _page(request, parent, child_value, week_value, summary=summary)


def save_week(request, parent: WebParent, child_value, week_value, before, checked):
    """The cells changed from what the page showed, each decided by the rules, in one
    transaction (a refused day does not undo the others)."""
    state = request.app.state
    monday, _ = _week(request, week_value)
    with state.sessions.begin() as session:
        child = own_child(session, parent, child_value)
        specs = tenant_activities(session, parent.tenant_id)
        asks = []
        for key in sorted(before ^ checked):
            activity_value, _, day_value = key.partition("/")
            spec = specs.get(parse_uuid(activity_value))
            day = parse_day(day_value)
            if spec is None or day is None or not monday <= day < monday + timedelta(days=7):
                raise HTTPException(404, "Cette activité n'existe pas dans votre commune.")
            action = Action.BOOK if key in checked else Action.CANCEL
            asks.append(Ask(child.id, child.name, spec, day, action))
        return apply_asks(session, parent.tenant_id, parent.family_id, asks, state.clock.now())


def _copy_of(session, parent, request, enfant, activite, semaine):
    child = own_child(session, parent, enfant)
    spec = tenant_activities(session, parent.tenant_id).get(parse_uuid(activite))
    if spec is None:
        raise HTTPException(404, "Cette activité n'existe pas dans votre commune.")
    monday, error = _week(request, semaine)
    if error:
        raise HTTPException(400, error)
    period = period_of(session, parent.tenant_id, monday)
    copy = None
    if period is not None and not spec.subscription_only:
        calendar = calendar_set(session, parent.tenant_id)
        copy = week_copy(session, child.id, spec, calendar, monday, period)
    return child, spec, monday, copy


def _week_copy(request, parent, child, spec, monday, copy, summary) -> HTMLResponse:
    """The « semaine type » page: what the copy would do, or (summary) what it did."""
    return render(
        request,
        "planning_semaine_type.html",
        parent,
        active="planning",
        child=child,
        spec=spec,
        monday=monday,
        copy=copy,
        summary=summary,
        read_only_text=subscription_only_message(spec.name),
    )


@router.get("/planning/semaine-type", response_class=HTMLResponse)
def week_copy_page(
    request: Request, parent: WebParentDep, enfant: str = "", activite: str = "", semaine: str = ""
) -> HTMLResponse:
    """What « semaine type » would ask of the following weeks, before confirming."""
    with request.app.state.sessions() as session:
        child, spec, monday, copy = _copy_of(session, parent, request, enfant, activite, semaine)
    return _week_copy(request, parent, child, spec, monday, copy, None)


@router.post("/planning/semaine-type", response_class=HTMLResponse)
def week_copy_form(request: Request, parent: WebParentDep, form: CsrfFormDep) -> HTMLResponse:
    """Copies the week: each following day booked or cancelled by the rules; the summary."""
    state = request.app.state
    args = (form.get("enfant", ""), form.get("activite", ""), form.get("semaine", ""))
    with state.sessions.begin() as session:
        child, spec, monday, copy = _copy_of(session, parent, request, *args)
        summary = None
        if copy is not None:
            asks = [Ask(child.id, child.name, spec, d, Action.BOOK) for d in copy.book]
            asks += [Ask(child.id, child.name, spec, d, Action.CANCEL) for d in copy.cancel]
            now = state.clock.now()
            summary = apply_asks(session, parent.tenant_id, parent.family_id, asks, now)
    return _week_copy(request, parent, child, spec, monday, copy, summary)
