"""Drawing the demo town's family dossiers from one seeded generator: people, children, QF."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from eticket_desk.rules.contact import normalise_phone
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.text import fold
from eticket_desk.services.catalogue.organisation import LEVELS
from eticket_desk.services.demo import data as d
from eticket_desk.services.families.data import AdultData, ChildData

_STATUSES = (
    FamilyStatus.VALIDATED,
    FamilyStatus.INCOMPLETE,
    FamilyStatus.DRAFT,
    FamilyStatus.ARCHIVED,
)
# Shared custody is about 7 % of the two-parent families (82 % of all).
_SHAPES = ("single", "shared", "couple")
_DEFECTS = ("class", "school", "emergency", "billing", "billing_address", "birth_date")


@dataclass
class Dossier:
    """One drawn family, before it becomes rows."""

    status: FamilyStatus
    adults: list[AdultData]
    children: list[ChildData]
    qf_value: int | None = None
    qf_date: date | None = None
    qf_source: str = ""
    notes: str = ""


class FamilyMaker:
    """Draws every value from `rng` in a fixed order: the same seed gives the same town."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.classes: dict[uuid.UUID, dict[str, uuid.UUID]] = {}  # school -> level -> class
        self.school_ids: list[uuid.UUID] = []

    def use_schools(self, classes: dict[uuid.UUID, dict[str, uuid.UUID]]) -> None:
        self.classes, self.school_ids = classes, list(classes)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # ------------------------------------------------------------ contact details

    def phone(self, kind: str) -> str:
        """A valid number in E.164: 'mobile' (06/07), 'home' (04 50) or 'work' (04 xx)."""
        rng = self.rng
        while True:
            if kind == "mobile":
                prefix = rng.choice(("06", "06", "07"))
            elif kind == "home":
                prefix = "0450"
            else:
                prefix = rng.choice(("0450", "0450", "0456", "0479", "0474"))
            digits = prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))
            try:
                number = normalise_phone(digits)
            except InvalidInput:
                continue  # an unassigned range (070…, 072…): draw again
            if number.startswith("+33"):  # 0692… would be a Réunion mobile: draw again
                return number

    def email(self, first: str, last: str) -> str:
        first, last = _ascii_word(first), _ascii_word(last)
        number = self.rng.randrange(1, 99)
        forms = (
            f"{first}.{last}",
            f"{first}.{last}{number}",
            f"{first}.{last}74",
            f"{first}{last}",
            f"{first[0]}.{last}",
            f"{last}.{first}",
        )
        return f"{self.rng.choice(forms)}@{self.rng.choice(d.EMAIL_PROVIDERS)}"

    def town(self) -> tuple[str, str]:
        """Mostly the commune itself, some neighbours, a few families from further away."""
        kind = self.rng.choices(("here", "near", "far"), weights=(80, 15, 5))[0]
        if kind == "here":
            return d.COMMUNE_TOWN
        return self.rng.choice(d.NEIGHBOURS if kind == "near" else d.FAR_AWAY)

    def nearby(self) -> tuple[str, str]:
        return self.rng.choice((d.COMMUNE_TOWN, *d.NEIGHBOURS))

    def address(self, town: tuple[str, str]) -> dict[str, str]:
        rng = self.rng
        number = str(rng.randrange(1, 160)) + (" bis" if self.chance(0.03) else "")
        return {
            "address1": f"{number} {rng.choice(d.STREETS)}",
            "address2": rng.choice(d.RESIDENCES) if self.chance(0.12) else "",
            "address3": rng.choice(d.LIEUX_DITS) if self.chance(0.03) else "",
            "postcode": town[0],
            "city": town[1],
        }

    # ------------------------------------------------------------ people

    def adult(
        self,
        last: str,
        first: str,
        relation: str,
        where: dict[str, str],
        *,
        guardian: bool = False,
        third_party: bool = False,
    ) -> AdultData:
        adult = AdultData(
            last_name=last,
            first_name=first,
            relation=relation,
            third_party=third_party,
            legal_guardian=guardian,
            **where,
        )
        adult.may_pick_up = guardian or self.chance(0.92)
        if third_party:
            adult.phone_mobile = self.phone("mobile") if self.chance(0.7) else ""
            if not adult.phone_mobile or self.chance(0.3):
                adult.phone_home = self.phone("home")
            adult.email = self.email(first, last) if self.chance(0.1) else ""
            return adult
        adult.phone_mobile = self.phone("mobile") if self.chance(0.95) else ""
        adult.phone_work = self.phone("work") if self.chance(0.3) else ""
        adult.phone_work_mobile = self.phone("mobile") if self.chance(0.08) else ""
        adult.email = self.email(first, last) if self.chance(0.9) else ""
        if not adult.phone_mobile:
            adult.phone_home = self.phone("home")  # a parent can always be reached
        return adult

    def parent(self, last: str, relation: str, where: dict[str, str]) -> AdultData:
        first = self.rng.choice(d.WOMEN if relation == "Mère" else d.MEN)
        return self.adult(last, first, relation, where, guardian=True)

    def stepmother(self, where: dict[str, str], p: float) -> list[AdultData]:
        """The father's partner, who may pick the children up but is no legal guardian."""
        if not self.chance(p):
            return []
        last, first = self.rng.choice(d.SURNAMES), self.rng.choice(d.WOMEN)
        return [self.adult(last, first, "Belle-mère", where)]

    def third_parties(self, family_names: tuple[str, str]) -> list[AdultData]:
        rng = self.rng
        people = []
        for _ in range(rng.choices((0, 1, 2), weights=(45, 40, 15))[0]):
            relation = rng.choice(d.THIRD_PARTY_RELATIONS)
            if relation in ("Grand-mère", "Grand-père"):
                last = rng.choice(family_names)
                first = rng.choice(d.GRANDMOTHERS if relation == "Grand-mère" else d.GRANDFATHERS)
            else:
                last = rng.choice(d.SURNAMES)
                female = relation != "Voisin(e)" or self.chance(0.6)
                first = rng.choice(d.WOMEN if female else d.MEN)
            where = self.address(self.nearby())
            people.append(self.adult(last, first, relation, where, third_party=True))
        return people

    # ------------------------------------------------------------ a whole family

    def dossier(self) -> Dossier:
        rng = self.rng
        status = rng.choices(_STATUSES, weights=(85, 8, 4, 3))[0]
        father_name = rng.choice(d.SURNAMES)
        mother_name = father_name if self.chance(0.68) else rng.choice(d.SURNAMES)
        home = self.address(self.town())
        shape = rng.choices(_SHAPES, weights=(18, 6, 76))[0]
        notes = d.SHARED_CUSTODY_NOTE if shape == "shared" else ""
        if shape == "single" and self.chance(0.85):
            parents = [self.parent(mother_name, "Mère", home)]
            kids_name = rng.choice((mother_name, father_name))
        elif shape == "single":
            parents = [self.parent(father_name, "Père", home), *self.stepmother(home, 0.3)]
            kids_name = father_name
        elif shape == "shared":
            while mother_name == father_name:
                mother_name = rng.choice(d.SURNAMES)
            away = self.address(self.nearby())
            parents = [self.parent(mother_name, "Mère", home)]
            parents += [self.parent(father_name, "Père", away), *self.stepmother(away, 0.4)]
            kids_name = father_name
        else:
            parents = [
                self.parent(mother_name, "Mère", home),
                self.parent(father_name, "Père", home),
            ]
            kids_name = father_name
            if mother_name != father_name and self.chance(0.15):
                kids_name = f"{father_name}-{mother_name}"
            if self.chance(0.35):
                parents[0].phone_home = parents[1].phone_home = self.phone("home")
        guardians = [p for p in parents if p.legal_guardian]
        rng.choices(guardians, weights=(7, 3)[: len(guardians)])[0].billing = True
        third = self.third_parties((mother_name, father_name))
        reachable = [t for t in third if t.phone_mobile or t.phone_home]
        weights = [6, 3][: len(guardians)] + [1] * len(reachable)
        rng.choices(guardians + reachable, weights=weights)[0].emergency_contact = True
        if not notes and self.chance(0.06):
            notes = rng.choice(d.OTHER_NOTES)
        dossier = Dossier(status, parents + third, self.children(kids_name), notes=notes)
        if self.chance(0.88):
            dossier.qf_value = int(rng.triangular(300, 2500, 850))
            dossier.qf_date = date(2026, rng.randrange(1, 9), rng.randrange(1, 29))
            dossier.qf_source = "CAF" if self.chance(0.88) else "MSA"
        if status == FamilyStatus.INCOMPLETE or (status == FamilyStatus.DRAFT and self.chance(0.5)):
            self.break_dossier(dossier)
        return dossier

    def children(self, last_name: str) -> list[ChildData]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), weights=(35, 40, 20, 5))[0]
        levels = sorted(rng.sample(range(len(LEVELS)), count), reverse=True)  # oldest first
        school = rng.choices(self.school_ids, weights=(6, 4))[0]  # the big school, the small one
        diet = rng.choices(tuple(d.DIET_WEIGHTS), weights=tuple(d.DIET_WEIGHTS.values()))[0]
        births: list[date] = []
        children: list[ChildData] = []
        for level in (LEVELS[i] for i in levels):
            for _ in range(10):  # siblings are born at least ten months apart
                birth = date(d.BIRTH_YEARS[level], 1, 1) + timedelta(days=rng.randrange(365))
                if all(abs((birth - other).days) > 300 for other in births):
                    break
            births.append(birth)
            first = rng.choice(d.GIRLS if self.chance(0.5) else d.BOYS)
            while any(c.first_name == first for c in children):
                first = rng.choice(d.GIRLS + d.BOYS)
            child_school = school if self.chance(0.95) else rng.choice(self.school_ids)
            allergies = rng.choice(d.ALLERGIES) if self.chance(0.06) else ""
            child = ChildData(
                last_name=last_name,
                first_name=first,
                birth_date=birth,
                school_id=child_school,
                class_id=self.classes[child_school][level],
                diet=diet if self.chance(0.97) else "",
                allergies=allergies,
                pai=(bool(allergies) and self.chance(0.6)) or self.chance(0.01),
                treatments=rng.choice(d.TREATMENTS) if self.chance(0.03) else "",
                image_authorised=self.chance(0.9),
                outing_authorised=self.chance(0.97),
            )
            children.append(child)
        return children

    def break_dossier(self, dossier: Dossier) -> None:
        """One or two things the agent still has to ask the family for."""
        rng = self.rng
        for defect in rng.sample(_DEFECTS, rng.choice((1, 1, 2))):
            child = rng.choice(dossier.children)
            people = [a for a in dossier.adults if not a.third_party]
            if defect == "class":
                child.class_id = None
            elif defect == "school":
                child.school_id = child.class_id = None
            elif defect == "birth_date":
                child.birth_date = None
            elif defect == "emergency":
                for adult in dossier.adults:
                    adult.emergency_contact = False
            elif defect == "billing":
                for adult in people:
                    adult.billing = False
            else:
                payer = next((a for a in people if a.billing), people[0])
                payer.address1 = payer.address2 = payer.address3 = ""


def _ascii_word(name: str) -> str:
    """'Lefèvre' -> 'lefevre', 'Le Gall' -> 'legall': the name as an e-mail address holds it."""
    return "".join(c for c in fold(name) if c.isalnum() or c == "-")
