"""SQLAlchemy 2.0 tables of the local store (imported here so the metadata is complete)."""

from eticket_desk.models.base import Base
from eticket_desk.models.families import Adult, Child, Family, PortalAccount
from eticket_desk.models.organisation import NumberSeries, Organisation, Setting
from eticket_desk.models.schools import School, SchoolClass
from eticket_desk.models.users import AuditEntry, User

__all__ = [
    "Adult",
    "AuditEntry",
    "Base",
    "Child",
    "Family",
    "NumberSeries",
    "Organisation",
    "PortalAccount",
    "School",
    "SchoolClass",
    "Setting",
    "User",
]
