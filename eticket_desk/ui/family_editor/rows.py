"""What each person's row says in the editor's lists (name, relation, roles, class)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from eticket_desk.services.catalogue.organisation import SchoolInfo
from eticket_desk.services.families.data import DIETS, AdultData, ChildData

FLAG_WORDS = (
    ("legal_guardian", "Resp. légal"),
    ("billing", "Payeur"),
    ("emergency_contact", "Urgence"),
    ("may_pick_up", "Récupère"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("FamilyEditorDialog", text)


def describe_adult(adult: AdultData) -> list[str]:
    """The name, then the relation, then the roles in the dossier."""
    lines = [adult.display_name or _tr("(nom à saisir)")]
    if adult.relation:
        lines.append(adult.relation)
    flags = [_tr(word) for key, word in FLAG_WORDS if getattr(adult, key)]
    if flags:
        lines.append(" · ".join(flags))
    return lines


def describe_child(child: ChildData, schools: list[SchoolInfo]) -> list[str]:
    """The name, the class and school, then the birth date and diet."""
    lines = [child.display_name or _tr("(nom à saisir)")]
    school = next((s for s in schools if s.id == child.school_id), None)
    where = []
    if school is not None:
        where += [c.name for c in school.classes if c.id == child.class_id]
        where.append(school.name)
    if where:
        lines.append(" · ".join(where))
    details = []
    if child.birth_date:
        details.append(_tr("né(e) le %s") % child.birth_date.strftime("%d/%m/%Y"))
    if child.diet:
        details.append(_tr(DIETS.get(child.diet, child.diet)))
    if details:
        lines.append(" · ".join(details))
    return lines
