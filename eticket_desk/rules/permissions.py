"""Roles (named in the person's gender) and the permission matrix, enforced by every
service call."""

from __future__ import annotations

from enum import StrEnum

from eticket_desk.rules.errors import PermissionDenied


class Role(StrEnum):
    AGENT = "agent"
    COORDINATOR = "coordinator"
    REGISSEUR = "regisseur"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The profile's name (« Coordinateur périscolaire »), as the profile list shows it."""
        return ROLE_LABELS[self]

    def label_for(self, civility: str) -> str:
        """The role of one person, in their gender: « Coordinatrice périscolaire » for Mme."""
        return (FEMININE_ROLE_LABELS if civility == Civility.MADAME else ROLE_LABELS)[self]


class Civility(StrEnum):
    """How a user is addressed; it gives the gender of their role's name (« régisseuse »)."""

    MADAME = "Mme"
    MONSIEUR = "M."
    UNKNOWN = ""


CIVILITY_LABELS = {
    Civility.MADAME: "Madame",
    Civility.MONSIEUR: "Monsieur",
    Civility.UNKNOWN: "Non précisée",
}

ROLE_LABELS = {
    Role.AGENT: "Agent d'accueil",
    Role.COORDINATOR: "Coordinateur périscolaire",
    Role.REGISSEUR: "Régisseur",
    Role.ADMIN: "Administrateur",
}
# The feminine forms of the fonction publique's guide (« Femme, j'écris ton nom »).
FEMININE_ROLE_LABELS = {
    Role.AGENT: "Agente d'accueil",
    Role.COORDINATOR: "Coordinatrice périscolaire",
    Role.REGISSEUR: "Régisseuse",
    Role.ADMIN: "Administratrice",
}


class Permission(StrEnum):
    FAMILY_VIEW = "family.view"
    FAMILY_EDIT = "family.edit"
    FAMILY_VALIDATE = "family.validate"
    FAMILY_ARCHIVE = "family.archive"
    FAMILY_MERGE = "family.merge"
    HEALTH_VIEW = "health.view"
    PORTAL_CREDENTIALS = "portal.credentials"
    BOOKING_EDIT = "booking.edit"
    DEADLINE_OVERRIDE = "booking.override_deadline"
    SALE = "counter.sale"
    TILL_CLOSE = "counter.till"
    WALLET_CORRECT = "wallet.correct"
    TARIFF_EDIT = "tariff.edit"
    ACTIVITY_EDIT = "activity.edit"
    CALENDAR_EDIT = "calendar.edit"
    INVOICE_RUN = "invoice.run"
    # A family's SEPA mandate: the régisseur answers for the régie's money and its debits
    # (docs/sepa_mandates.md); every profile still sees the mandate and prints it.
    MANDATE_EDIT = "mandate.edit"
    REPORTS_VIEW = "reports.view"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    SETTINGS_EDIT = "settings.edit"
    BACKUP = "backup"


PERMISSION_LABELS = {
    Permission.FAMILY_VIEW: "consulter les dossiers famille",
    Permission.FAMILY_EDIT: "modifier les dossiers famille",
    Permission.FAMILY_VALIDATE: "valider les dossiers famille",
    Permission.FAMILY_ARCHIVE: "archiver les dossiers famille",
    Permission.FAMILY_MERGE: "fusionner deux dossiers famille",
    Permission.HEALTH_VIEW: "voir les données de santé des enfants",
    Permission.PORTAL_CREDENTIALS: "remettre les codes d'accès au portail",
    Permission.BOOKING_EDIT: "réserver et annuler des jours",
    Permission.DEADLINE_OVERRIDE: "passer outre un délai de réservation",
    Permission.SALE: "vendre des tickets et encaisser",
    Permission.TILL_CLOSE: "ouvrir et clôturer la caisse",
    Permission.WALLET_CORRECT: "corriger un porte-monnaie",
    Permission.TARIFF_EDIT: "modifier les tarifs",
    Permission.ACTIVITY_EDIT: "modifier les activités",
    Permission.CALENDAR_EDIT: "modifier le calendrier",
    Permission.INVOICE_RUN: "lancer la facturation",
    Permission.MANDATE_EDIT: "enregistrer, modifier ou révoquer un mandat de prélèvement SEPA",
    Permission.REPORTS_VIEW: "imprimer les listes et les effectifs",
    Permission.USER_MANAGE: "gérer les utilisateurs",
    Permission.AUDIT_VIEW: "consulter le journal des opérations",
    Permission.SETTINGS_EDIT: "modifier les paramètres",
    Permission.BACKUP: "sauvegarder et restaurer",
}

_AGENT = {
    Permission.FAMILY_VIEW,
    Permission.FAMILY_EDIT,
    Permission.FAMILY_VALIDATE,
    Permission.PORTAL_CREDENTIALS,
    Permission.BOOKING_EDIT,
    Permission.SALE,
    Permission.TILL_CLOSE,
}
_COORDINATOR = _AGENT | {
    Permission.HEALTH_VIEW,
    Permission.DEADLINE_OVERRIDE,
    Permission.REPORTS_VIEW,
    Permission.FAMILY_ARCHIVE,
}
_REGISSEUR = _COORDINATOR | {
    Permission.FAMILY_MERGE,
    Permission.WALLET_CORRECT,
    Permission.TARIFF_EDIT,
    Permission.ACTIVITY_EDIT,
    Permission.CALENDAR_EDIT,
    Permission.INVOICE_RUN,
    Permission.MANDATE_EDIT,
    Permission.BACKUP,
}
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(_AGENT),
    Role.COORDINATOR: frozenset(_COORDINATOR),
    Role.REGISSEUR: frozenset(_REGISSEUR),
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role | str, permission: Permission) -> bool:
    return permission in MATRIX[Role(role)]


def require(role: Role | str, permission: Permission, civility: str = "") -> None:
    if not allows(role, permission):
        raise PermissionDenied(
            f"Votre profil ({Role(role).label_for(civility)}) ne permet pas de "
            f"{PERMISSION_LABELS[permission]}."
        )
