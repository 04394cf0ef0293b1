"""Agents' accounts: log in, create, change role, deactivate, reset and change passwords."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from eticket_desk.models import User
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound, ValidationFailed
from eticket_desk.rules.passwords import check_password_policy
from eticket_desk.rules.permissions import Civility, Permission, Role
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYSTEM, Actor, Store

_HASHER = PasswordHasher()
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    login: str
    full_name: str
    role: Role
    active: bool
    must_change_password: bool
    last_login_at: datetime | None
    civility: str = ""

    @property
    def role_label(self) -> str:
        """The role in the person's gender (« Coordinatrice périscolaire »)."""
        return self.role.label_for(self.civility)


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.id,
        user.login,
        user.full_name,
        Role(user.role),
        user.active,
        user.must_change_password,
        user.last_login_at,
        user.civility or "",
    )


def _actor(user: User) -> Actor:
    return Actor(user.id, user.login, user.full_name, Role(user.role), user.civility or "")


def has_users(store: Store) -> bool:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(User)) > 0


@changes(unseen="the login's audit line and the user's last login")
def authenticate(store: Store, login: str, password: str) -> tuple[Actor, bool]:
    """The actor for these credentials and whether the password must be changed now."""
    login = login.strip().lower()
    with store.write(SYSTEM) as session:
        user = session.scalar(select(User).where(User.login == login))
        if user is None or not user.active or not verify_password(user.password_hash, password):
            record(
                session,
                "login_failed",
                "app_user",
                user.id if user else "",
                f"Échec de connexion pour « {login} »",
                login=login,
            )
            failed = True
        else:
            failed = False
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.last_login_at = session.info["now"]
            session.info["actor"] = _actor(user)
            record(session, "login", "app_user", user.id, f"Connexion de {user.full_name}")
            result = (_actor(user), user.must_change_password)
    if failed:
        raise DomainError(BAD_CREDENTIALS)
    return result


def check_password(store: Store, actor: Actor, password: str) -> bool:
    """Unlocking the idle screen: is this the password of the person logged in?"""
    with store.read() as session:
        user = session.get(User, actor.user_id)
        return bool(user and user.active and verify_password(user.password_hash, password))


@changes(unseen="the unlock's audit line")
def record_unlock(store: Store, actor: Actor, success: bool) -> None:
    with store.write(actor) as session:
        action = "unlock" if success else "login_failed"
        text = "Déverrouillage" if success else "Échec de déverrouillage"
        record(session, action, "app_user", actor.user_id, f"{text} ({actor.full_name})")


def list_users(store: Store, actor: Actor) -> list[UserInfo]:
    actor.require(Permission.USER_MANAGE)
    with store.read() as session:
        users = session.scalars(select(User).order_by(User.active.desc(), User.full_name))
        return [_info(u) for u in users]


@dataclass
class UserDraft:
    login: str
    full_name: str
    role: Role
    active: bool = True
    password: str = ""  # required for a new user; for an existing one, resets the password
    civility: str = ""  # « Mme », « M. » or "" (not said)


def _check_draft(draft: UserDraft, new: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _LOGIN.match(draft.login.strip().lower()):
        errors["login"] = (
            "L'identifiant doit faire 2 à 50 caractères : lettres minuscules "
            "sans accent, chiffres, point, tiret."
        )
    if not " ".join(draft.full_name.split()):
        errors["full_name"] = "Le nom complet est obligatoire."
    if draft.civility not in {c.value for c in Civility}:
        errors["civility"] = "Choisissez Madame, Monsieur ou « non précisée »."
    if new or draft.password:
        try:
            check_password_policy(draft.password)
        except InvalidInput as exc:
            errors["password"] = exc.message
    return errors


def _ensure_an_admin_remains(session, changed: User, role: Role, active: bool) -> None:
    if changed.role == Role.ADMIN and changed.active and (role != Role.ADMIN or not active):
        admins = session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
        )
        if admins <= 1:
            raise DomainError("Il doit rester au moins un administrateur actif.")


@changes(Topic.USERS)
def save_user(
    store: Store, actor: Actor, draft: UserDraft, user_id: uuid.UUID | None = None
) -> UserInfo:
    actor.require(Permission.USER_MANAGE)
    errors = _check_draft(draft, new=user_id is None)
    if errors:
        raise ValidationFailed(errors)
    login = draft.login.strip().lower()
    with store.write(actor) as session:
        clash = session.scalar(select(User).where(User.login == login, User.id != user_id))
        if clash is not None:
            raise ValidationFailed({"login": f"L'identifiant « {login} » est déjà utilisé."})
        if user_id is None:
            user = User(login=login, created_at=session.info["now"], password_hash="")
            session.add(user)
        else:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("Cet utilisateur n'existe plus.")
            _ensure_an_admin_remains(session, user, draft.role, draft.active)
            if user.id == actor.user_id and not draft.active:
                raise DomainError("Vous ne pouvez pas désactiver votre propre compte.")
        user.login = login
        user.full_name = " ".join(draft.full_name.split())
        user.civility = draft.civility
        user.role = Role(draft.role).value
        user.active = draft.active
        if draft.password:
            user.password_hash = hash_password(draft.password)
            # A password set by an admin is temporary: the agent chooses their own at login.
            user.must_change_password = user.id != actor.user_id
        session.flush()
        return _info(user)


@changes(Topic.USERS)
def change_own_password(store: Store, actor: Actor, current: str, new: str) -> None:
    check_password_policy(new)
    if current == new:
        raise InvalidInput("Le nouveau mot de passe doit être différent de l'ancien.")
    with store.write(actor) as session:
        user = session.get(User, actor.user_id)
        if user is None or not verify_password(user.password_hash, current):
            raise InvalidInput("Le mot de passe actuel est incorrect.")
        user.password_hash = hash_password(new)
        user.must_change_password = False


def create_first_admin(
    session, login: str, full_name: str, password: str, now: datetime, civility: str = ""
) -> User:
    """Used by the set-up wizard and the demo: the first account of a new database."""
    check_password_policy(password)
    user = User(
        login=login.strip().lower(),
        full_name=full_name.strip(),
        civility=civility,
        role=Role.ADMIN.value,
        password_hash=hash_password(password),
        created_at=now,
    )
    session.add(user)
    return user
