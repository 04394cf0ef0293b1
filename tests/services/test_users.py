"""Logins with argon2 hashes, the permission matrix enforced in services, the audit trail."""

from __future__ import annotations

import pytest

from eticket_desk.models import User
from eticket_desk.rules.errors import DomainError, PermissionDenied, ValidationFailed
from eticket_desk.rules.permissions import Role
from eticket_desk.services.access import users
from eticket_desk.services.core.audit import list_audit
from tests.conftest import AGENT_PASSWORD


def test_passwords_are_stored_as_argon2_hashes(store, agent):
    with store.read() as session:
        stored = session.get(User, agent.user_id).password_hash
    assert stored.startswith("$argon2id$")
    assert AGENT_PASSWORD not in stored


def test_a_wrong_password_is_refused_and_audited(store, admin, agent):
    with pytest.raises(DomainError, match="Identifiant ou mot de passe incorrect."):
        users.authenticate(store, "paul", "mauvais123")
    assert any(
        "Échec de connexion pour « paul »" in line.summary for line in list_audit(store, admin)
    )


def test_a_password_set_by_an_admin_must_be_changed(store, agent):
    actor, must_change = users.authenticate(store, "paul", AGENT_PASSWORD)
    assert must_change is True
    users.change_own_password(store, actor, AGENT_PASSWORD, "nouveau2026")
    assert users.authenticate(store, "PAUL ", "nouveau2026")[1] is False


def test_a_deactivated_agent_cannot_log_in(store, admin, agent):
    users.save_user(
        store,
        admin,
        users.UserDraft("paul", "Paul Guichet", Role.AGENT, active=False),
        agent.user_id,
    )
    with pytest.raises(DomainError):
        users.authenticate(store, "paul", AGENT_PASSWORD)


def test_an_agent_cannot_manage_users(store, agent):
    with pytest.raises(PermissionDenied, match="gérer les utilisateurs"):
        users.list_users(store, agent)
    with pytest.raises(PermissionDenied):
        users.save_user(
            store, agent, users.UserDraft("pirate", "Pirate", Role.ADMIN, True, "pirate2026")
        )


def test_the_last_admin_cannot_be_demoted(store, admin):
    with pytest.raises(DomainError, match="au moins un administrateur actif"):
        users.save_user(
            store, admin, users.UserDraft("admin", "Anne Martin", Role.AGENT), admin.user_id
        )


def test_bad_user_fields(store, admin, agent):
    with pytest.raises(ValidationFailed) as refused:
        users.save_user(store, admin, users.UserDraft("Élodie B", "", Role.AGENT, True, "court"))
    assert set(refused.value.errors) == {"login", "full_name", "password"}
    with pytest.raises(ValidationFailed, match="déjà utilisé"):
        users.save_user(
            store, admin, users.UserDraft("paul", "Autre Paul", Role.AGENT, True, "autre2026x")
        )


def test_unlock_checks_the_password_of_the_person_logged_in(store, agent):
    assert users.check_password(store, agent, AGENT_PASSWORD)
    assert not users.check_password(store, agent, "motdepasse1")
