"""The password pages: the parent's own password (forced at the first login with the
letter's one-time password: every other page sends there until it is done), « mot de passe
oublié » and the page its e-mailed link opens.

Rules (rules/passwords.py): at least ten characters, not the login, not the old one; each
refusal in French next to its field. The page only renders and redirects: the checks and
writes are portal/passwords.py and portal/password_resets.py."""

from __future__ import annotations

import logging

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from eticket_central.mail import MailError, send_mail
from eticket_central.portal.login import check_password, client_address, new_hash
from eticket_central.portal.password_resets import (
    LinkState,
    ResetMail,
    check_link,
    request_links,
    use_link,
)
from eticket_central.portal.passwords import change_password, find_account, load_account
from eticket_central.portal.throttle import Throttle
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.login_pages import Commune, find_commune
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import WebParentAnyDep
from eticket_central.portal.web.templating import render
from eticket_desk.rules.passwords import PORTAL_PASSWORD_LENGTH, check_portal_password

router = APIRouter()
_MAX = 200
SENT = (
    "Si cet identifiant ou cette adresse correspond à un compte du portail, un e-mail vient "
    "d'être envoyé à l'adresse du dossier avec un lien valable une heure. Pensez à regarder "
    "dans les courriers indésirables."
)
LINK_SAYS = {
    LinkState.USED: "Ce lien a déjà servi : il ne fonctionne qu'une fois. Demandez-en un "
    "nouveau si besoin.",
    LinkState.EXPIRED: "Ce lien a expiré (il est valable une heure). Demandez-en un nouveau.",
    LinkState.UNKNOWN: "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou "
    "demandez-en un nouveau.",
}
log = logging.getLogger(__name__)


def _field(form, name: str) -> str:
    value = form.get(name)
    return value[:_MAX] if isinstance(value, str) else ""


# ---------------------------------------------------------------- the parent's own password


@router.get("/mot-de-passe", response_class=HTMLResponse)
def password_page(request: Request, parent: WebParentAnyDep) -> HTMLResponse:
    return render(request, "mot_de_passe.html", parent, errors={}, length=PORTAL_PASSWORD_LENGTH)


def _account_of(state, parent):
    with state.sessions.begin() as session:
        row = find_account(session, parent.tenant_id, parent.family_id, parent.adult_id)
        return row.id if row is not None else None


@router.post("/mot-de-passe")
async def change_own_password(
    request: Request, parent: WebParentAnyDep, form: CsrfFormDep
) -> Response:
    state = request.app.state
    account_id = await anyio.to_thread.run_sync(_account_of, state, parent)
    account = await anyio.to_thread.run_sync(load_account, state, account_id)
    if account is None:
        raise HTTPException(404, "Compte inconnu.")
    errors = await change_password(
        state,
        account,
        _field(form, "actuel"),
        _field(form, "nouveau"),
        _field(form, "confirmation"),
        keep_token_hash=parent.token_hash,
    )
    if errors:
        return render(
            request,
            "mot_de_passe.html",
            parent,
            status=422,
            errors=errors,
            length=PORTAL_PASSWORD_LENGTH,
        )
    return see_other("/portail/", "Votre nouveau mot de passe est enregistré.")


# ---------------------------------------------------------------- mot de passe oublié


@router.get("/{slug}/mot-de-passe-oublie", response_class=HTMLResponse)
def forgotten_page(request: Request, slug: str) -> HTMLResponse:
    commune = find_commune(request.app.state, slug)
    return render(request, "mot_de_passe_oublie.html", commune=commune, typed="")


def _links(state, commune: Commune, typed: str, address: str) -> list[ResetMail]:
    with state.sessions.begin() as session:
        return request_links(
            session, Throttle.of(state.settings), commune.id, typed, address, state.clock.now()
        )


def _mail_text(commune: Commune, link: str, login: str) -> str:
    return (
        "Bonjour,\n\n"
        f"Une nouvelle adresse de mot de passe a été demandée pour l'identifiant « {login} » "
        f"du portail famille de {commune.name}.\n\n"
        f"Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule "
        f"fois) :\n{link}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste "
        "valable.\n\n"
        f"{commune.name} — services périscolaires\n"
    )


@router.post("/{slug}/mot-de-passe-oublie")
async def ask_for_a_link(request: Request, slug: str, form: CsrfFormDep) -> Response:
    state = request.app.state
    commune = await anyio.to_thread.run_sync(find_commune, state, slug)
    typed = _field(form, "identifiant").strip()
    if not typed:
        return render(
            request,
            "mot_de_passe_oublie.html",
            status=422,
            commune=commune,
            typed="",
            error="Saisissez votre identifiant ou votre adresse e-mail.",
        )
    try:
        mails = await anyio.to_thread.run_sync(
            _links, state, commune, typed, client_address(request)
        )
    except HTTPException as refused:
        if refused.status_code != 429:
            raise
        page = render(
            request,
            "mot_de_passe_oublie.html",
            status=429,
            commune=commune,
            typed=typed,
            error=refused.detail.replace("de connexion", "de demande"),
        )
        page.headers["Retry-After"] = refused.headers["Retry-After"]
        return page
    base = str(request.base_url).rstrip("/")
    for mail in mails:
        link = f"{base}/portail/{commune.slug}/mot-de-passe-oublie/{mail.token}"
        try:
            await anyio.to_thread.run_sync(
                send_mail,
                state,
                mail.to,
                f"Portail famille de {commune.name} : nouveau mot de passe",
                _mail_text(commune, link, mail.login),
            )
        except MailError as error:  # the parent is told the same; the log keeps why
            log.warning("%s", error)
    return see_other(f"/portail/{commune.slug}/mot-de-passe-oublie", SENT, "info")


def _check(state, commune: Commune, token: str):
    with state.sessions.begin() as session:
        return check_link(session, commune.id, token, state.clock.now())


@router.get("/{slug}/mot-de-passe-oublie/{token}", response_class=HTMLResponse)
def reset_page(request: Request, slug: str, token: str) -> HTMLResponse:
    state = request.app.state
    commune = find_commune(state, slug)
    check = _check(state, commune, token)
    if check.state is not LinkState.VALID:
        return _spent(request, commune, check.state)
    return render(
        request,
        "mot_de_passe_nouveau.html",
        commune=commune,
        token=token,
        login=check.login,
        errors={},
        length=PORTAL_PASSWORD_LENGTH,
    )


def _spent(request: Request, commune: Commune, state: LinkState) -> HTMLResponse:
    return render(
        request,
        "mot_de_passe_lien.html",
        status=410 if state is not LinkState.UNKNOWN else 404,
        commune=commune,
        text=LINK_SAYS[state],
    )


@router.post("/{slug}/mot-de-passe-oublie/{token}")
async def reset_password(request: Request, slug: str, token: str, form: CsrfFormDep) -> Response:
    state = request.app.state
    commune = await anyio.to_thread.run_sync(find_commune, state, slug)
    check = await anyio.to_thread.run_sync(_check, state, commune, token)
    if check.state is not LinkState.VALID:
        return _spent(request, commune, check.state)
    new, again = _field(form, "nouveau"), _field(form, "confirmation")
    errors = {}
    refused = check_portal_password(new, check.login, "")
    account = await anyio.to_thread.run_sync(load_account, state, check.account_id)
    if refused:
        errors["nouveau"] = refused
    elif await check_password(state, account.password_hash, new):
        errors["nouveau"] = "Le nouveau mot de passe doit être différent de l'ancien."
    elif new != again:
        errors["confirmation"] = "Les deux saisies du nouveau mot de passe sont différentes."
    if errors:
        return render(
            request,
            "mot_de_passe_nouveau.html",
            status=422,
            commune=commune,
            token=token,
            login=check.login,
            errors=errors,
            length=PORTAL_PASSWORD_LENGTH,
        )
    hashed = await new_hash(state, new)
    used = await anyio.to_thread.run_sync(use_link, state, commune.id, token, hashed)
    if used is not LinkState.VALID:
        return _spent(request, commune, used)
    return see_other(
        f"/portail/{commune.slug}/connexion",
        "Votre nouveau mot de passe est enregistré : connectez-vous avec.",
    )
