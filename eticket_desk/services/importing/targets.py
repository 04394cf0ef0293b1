"""What an import can fill: the target fields a column is mapped to, and the mapping itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TargetField:
    key: str  # "adult1.phone_mobile", "child.class"…
    label: str  # what the mapping page shows
    phrase: str  # how a reason names it: "le téléphone portable du responsable 1"
    group: str  # "Famille", "Responsable 1", "Responsable 2", "Enfant"


_ADULT = (
    ("last_name", "Nom", "le nom"),
    ("first_name", "Prénom", "le prénom"),
    ("relation", "Lien avec l'enfant", "le lien avec l'enfant"),
    ("phone_mobile", "Tél. portable", "le téléphone portable"),
    ("phone_home", "Tél. domicile", "le téléphone du domicile"),
    ("email", "E-mail", "l'e-mail"),
    ("address1", "Adresse", "l'adresse"),
    ("address2", "Complément d'adresse", "le complément d'adresse"),
    ("address3", "Adresse (ligne 3)", "la ligne 3 de l'adresse"),
    ("postcode", "Code postal", "le code postal"),
    ("city", "Ville", "la ville"),
    ("billing", "Payeur (facturation)", "« payeur »"),
    ("legal_guardian", "Responsable légal", "« responsable légal »"),
    ("emergency_contact", "Contact d'urgence", "« contact d'urgence »"),
)
ADULT_ATTRIBUTES = tuple(name for name, _label, _phrase in _ADULT)
FLAGS = ("billing", "legal_guardian", "emergency_contact")
PHONES = ("phone_mobile", "phone_home")


def _fields() -> tuple[TargetField, ...]:
    """In the order the mapping page lists them: a row is a child, so the child first."""
    out = [
        TargetField("child.last_name", "Nom de l'enfant", "le nom de l'enfant", "Enfant"),
        TargetField("child.first_name", "Prénom de l'enfant", "le prénom de l'enfant", "Enfant"),
        TargetField("child.birth_date", "Date de naissance", "la date de naissance", "Enfant"),
        TargetField("child.school", "École", "l'école", "Enfant"),
        TargetField("child.class", "Classe", "la classe", "Enfant"),
        TargetField("child.diet", "Régime alimentaire", "le régime alimentaire", "Enfant"),
        TargetField("family.reference", "Référence famille", "la référence", "Famille"),
        TargetField("family.qf", "Quotient familial", "le quotient familial", "Famille"),
    ]
    for n in (1, 2):
        group = f"Responsable {n}"
        for name, label, phrase in _ADULT:
            out.append(
                TargetField(
                    f"adult{n}.{name}",
                    f"{label} ({group.lower()})",
                    f"{phrase} du responsable {n}",
                    group,
                )
            )
    return tuple(out)


TARGETS: tuple[TargetField, ...] = _fields()
TARGETS_BY_KEY = {t.key: t for t in TARGETS}
REQUIRED = ("adult1.last_name", "child.first_name")


@dataclass
class ImportMapping:
    """Which column feeds which field, and which columns hold registrations.

    `fields`: target key -> column index; `activities`: column index -> activity code (a
    code the base does not know is kept, so the dry run can say so on every row using it).
    """

    fields: dict[str, int] = field(default_factory=dict)
    activities: dict[int, str] = field(default_factory=dict)

    def column_of(self, key: str) -> int | None:
        return self.fields.get(key)

    def missing_required(self) -> list[str]:
        """The French names of the fields a file cannot be imported without."""
        return [TARGETS_BY_KEY[k].label for k in REQUIRED if k not in self.fields]
