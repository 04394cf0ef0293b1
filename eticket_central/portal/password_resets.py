"""« Mot de passe oublié »: a link by e-mail, valid one hour, used once.

A request names a login or an e-mail address; whatever it names, the parent is told the
same thing (nobody learns whether an account exists). The link goes only to the guardian's
own address on the dossier (the one the desk keeps), never to an address typed in the form.
Requests are throttled like logins (per address typed and per client address). The base
keeps only the token's SHA-256 hash; using the link sets the password (passwords.py),
closes every session of that guardian and spends every link of the account.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import Text, cast, func, select, update
from sqlalchemy.orm import Session

from eticket_central.changes import flush_changes
from eticket_central.models import Family, PasswordReset, PortalAccount
from eticket_central.portal.passwords import set_password
from eticket_central.portal.throttle import Throttle, mark_failed, record_attempt
from eticket_central.tokens import hash_secret
from eticket_desk.rules.passwords import normalised_login

LINK_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class ResetMail:
    """A link to send (after the transaction): to whom, the token, the login it is for."""

    to: str
    token: str
    login: str


class LinkState(Enum):
    VALID = "valide"
    USED = "utilisé"
    EXPIRED = "expiré"
    UNKNOWN = "inconnu"


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    account_id: uuid.UUID | None = None
    login: str = ""


def guardian_email(family: Family, account: PortalAccount) -> str:
    """The address on the dossier of the account's guardian (an older desk's family account:
    the billing adult's)."""
    adults = [a for a in family.data.get("adults", []) if not a.get("third_party")]
    if account.adult_id is not None:
        adults = [a for a in adults if a.get("id") == str(account.adult_id)]
    else:
        adults.sort(key=lambda a: not a.get("billing"))
    return next((a.get("email", "").strip() for a in adults if a.get("email")), "")


def request_links(
    session: Session, throttle: Throttle, tenant_id: uuid.UUID, typed: str, address: str, now
) -> list[ResetMail]:
    """The links a « mot de passe oublié » asks for (raises 429 when throttled): the
    account of that login, or every account of a guardian with that e-mail address."""
    wanted = normalised_login(typed)
    attempt = record_attempt(session, throttle, tenant_id, f"oubli:{wanted}", address, now)
    mark_failed(session, attempt)  # every request counts against the client's address
    accounts = session.execute(
        select(PortalAccount, Family)
        .join(Family, Family.id == PortalAccount.family_id)
        .where(PortalAccount.tenant_id == tenant_id)
        .where(
            PortalAccount.login == wanted
            if "@" not in wanted
            else func.lower(cast(Family.data["adults"], Text)).contains(wanted, autoescape=True)
        )
    ).all()
    mails = []
    for account, family in accounts:
        to = guardian_email(family, account)
        if not to or ("@" in wanted and to.lower() != wanted):
            continue
        token = secrets.token_urlsafe(32)
        session.add(
            PasswordReset(
                token_hash=hash_secret(token),
                tenant_id=tenant_id,
                account_id=account.id,
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
        mails.append(ResetMail(to, token, account.login))
    return mails


def check_link(session: Session, tenant_id: uuid.UUID, token: str, now: datetime) -> LinkCheck:
    if not 20 <= len(token) <= 100:
        return LinkCheck(LinkState.UNKNOWN)
    row = session.get(PasswordReset, hash_secret(token))
    if row is None or row.tenant_id != tenant_id:
        return LinkCheck(LinkState.UNKNOWN)
    if row.used_at is not None:
        return LinkCheck(LinkState.USED)
    if row.expires_at <= now:
        return LinkCheck(LinkState.EXPIRED)
    account = session.get(PortalAccount, row.account_id)
    return LinkCheck(LinkState.VALID, account.id, account.login)


def use_link(state, tenant_id: uuid.UUID, token: str, hashed: str) -> LinkState:
    """Sets the password the link's page was given, once: the link and the account's other
    links are spent, every session of the guardian closed. What the link was (a second
    click in another tab finds it used)."""
    now = state.clock.now()
    with state.sessions.begin() as session:
        row = session.get(PasswordReset, hash_secret(token), with_for_update=True)
        check = check_link(session, tenant_id, token, now)
        if check.state is not LinkState.VALID:
            return check.state
        session.execute(
            update(PasswordReset)
            .where(PasswordReset.account_id == row.account_id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        account = session.get(PortalAccount, row.account_id, with_for_update=True)
        set_password(session, account, hashed, now, keep=None)
        flush_changes(session, tenant_id, None, now)
    return LinkState.VALID
