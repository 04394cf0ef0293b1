"""Sample attendance lists and meal counts, built from the demo town's names and schools.

The same generator makes the small samples of docs/screenshots and the big day of the
attendance benchmark (thousands of children), deterministically from a seed.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from eticket_desk.reports import attendance_list, meal_counts
from eticket_desk.reports.attendance_list import (
    GLUTEN_FREE,
    NO_PORK,
    PACKED_MEAL,
    PAI,
    VEGETARIAN,
    AttendanceGroup,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
)
from eticket_desk.reports.meal_counts import MealCounts, MealCountsData, MealDay, SchoolMeals
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo import data as d

DAY = date(2026, 11, 26)  # a Thursday: garderies, canteen and bus run
PRINTED_AT = datetime(2026, 11, 25, 16, 42)
COORDINATOR = d.USERS[2][1]
# More schools for a big town (the demo town has two).
MORE_SCHOOLS = (
    "École des Érables",
    "École du Salève",
    "École des Voirons",
    "École de Chez Bondaz",
    "École du Mont-Blanc",
    "École des Prés-Fleuris",
)
# (name, weekdays, share of the pupils booked, show pickup persons, seats, levels from)
ACTIVITIES = (
    ("Garderie matin", (0, 1, 2, 3, 4), 0.13, False, 0, 0),
    ("Cantine", (0, 1, 3, 4), 0.52, False, 0, 0),
    ("Garderie soir", (0, 1, 3, 4), 0.21, True, 0, 0),
    ("Bus 8h30", (0, 1, 2, 3, 4), 0.012, False, 64, 0),
    ("Bus 16h30", (0, 1, 3, 4), 0.012, False, 64, 0),
    ("Bus fin école", (2,), 0.012, False, 64, 0),
    ("TAP", (1, 4), 0.30, False, 0, 3),
)
DIETS = ((NO_PORK, 7), (VEGETARIAN, 6), (GLUTEN_FREE, 2), ("", 85))


@dataclass(frozen=True)
class Pupil:
    school: str
    level: int  # index in demo_data.BIRTH_YEARS (PS = 0 … CM2 = 7)
    row: AttendanceRow


def sample_organisation() -> OrganisationData:
    return OrganisationData(**d.COMMUNE)


def _phone(rng: random.Random) -> str:
    return f"+336{rng.randrange(10**8):08d}"


def make_pupils(count: int, seed: int = 1, class_size: int = 26) -> list[Pupil]:
    """`count` pupils spread over the demo schools (and more for a big town), sorted by name."""
    rng = random.Random(seed)
    levels = list(d.BIRTH_YEARS.items())
    schools = (*(name for name, _ in d.SCHOOLS), *MORE_SCHOOLS)
    schools = schools[: max(2, min(len(schools), count // 1400 + 1))]
    per_level = max(1, round(count / len(schools) / len(levels) / class_size))
    pupils = []
    for _ in range(count):
        level = rng.randrange(len(levels))
        name, birth_year = levels[level]
        group = f"{name} {'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[rng.randrange(per_level)]}"
        born = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        age = DAY.year - born.year - ((DAY.month, DAY.day) < (born.month, born.day))
        surname = rng.choice(d.SURNAMES)
        girl = rng.random() < 0.5
        first = rng.choice(d.GIRLS if girl else d.BOYS)
        diet = rng.choices([m for m, _ in DIETS], [w for _, w in DIETS])[0]
        marks = [diet] if diet else []
        if rng.random() < 0.04:
            marks += [PAI] + ([PACKED_MEAL] if rng.random() < 0.5 else [])
        allergies = rng.choice(d.ALLERGIES) if rng.random() < 0.055 else ""
        mother = f"{surname.upper()} {rng.choice(d.WOMEN)}"
        father = f"{surname.upper()} {rng.choice(d.MEN)}"
        pickup = [
            PickupPerson(mother, "Mère", _phone(rng)),
            PickupPerson(father, "Père", _phone(rng)),
        ]
        if rng.random() < 0.4:
            relation = rng.choice(d.THIRD_PARTY_RELATIONS)
            women = relation in ("Grand-mère", "Assistante maternelle") or rng.random() < 0.5
            other = rng.choice(
                d.GRANDMOTHERS if women and relation != "Grand-père" else d.GRANDFATHERS
            )
            pickup.append(
                PickupPerson(f"{rng.choice(d.SURNAMES).upper()} {other}", relation, _phone(rng))
            )
        urgent = rng.randrange(2)
        emergency = pickup[urgent] = dataclasses.replace(pickup[urgent], emergency=True)
        pupils.append(
            Pupil(
                school=rng.choice(schools),
                level=level,
                row=AttendanceRow(
                    last_name=surname,
                    first_name=first,
                    class_name=group if per_level > 1 else name,
                    age=age,
                    marks=tuple(marks),
                    allergies=allergies,
                    pickup=tuple(pickup),
                    emergency_name=f"{emergency.name} ({emergency.relation.lower()})",
                    emergency_phone=emergency.phone,
                    booked_late=rng.random() < 0.01,
                ),
            )
        )
    pupils.sort(key=lambda p: (p.row.last_name, p.row.first_name))
    return pupils


def _groups(pupils: list[Pupil]) -> tuple[AttendanceGroup, ...]:
    by_group: dict[tuple[str, int, str], list[AttendanceRow]] = {}
    for p in pupils:
        by_group.setdefault((p.school, p.level, p.row.class_name), []).append(p.row)
    return tuple(
        AttendanceGroup(school, class_name, tuple(rows))
        for (school, _, class_name), rows in sorted(by_group.items())
    )


def day_lists(
    pupils: list[Pupil],
    day: date = DAY,
    show_health: bool = True,
    seed: int = 1,
    scale: float = 1.0,
) -> tuple[AttendanceListData, ...]:
    """Every list of `day`: the activities open that weekday, each with its share of the pupils
    (times `scale`); the buses fill their seats, the next ones wait."""
    rng = random.Random(seed)
    lists = []
    for name, weekdays, share, pickup, seats, first_level in ACTIVITIES:
        if day.weekday() not in weekdays:
            continue
        allowed = [p for p in pupils if p.level >= first_level]
        booked = [p for p in allowed if rng.random() < share * scale] if not seats else []
        waiting: list[Pupil] = []
        if seats:
            riders = rng.sample(allowed, min(len(allowed), seats + seats // 3))
            booked, waiting = riders[:seats], riders[seats:]
            booked.sort(key=lambda p: (p.row.last_name, p.row.first_name))  # waiting: in order
        lists.append(
            AttendanceListData(
                organisation=sample_organisation(),
                activity_name=name,
                day=day,
                printed_at=PRINTED_AT,
                printed_by=COORDINATOR,
                show_health=show_health,
                show_pickup=pickup,
                groups=_groups(booked),
                waiting=tuple(p.row for p in waiting),
            )
        )
    return tuple(lists)


def sample_meal_counts(pupils: list[Pupil] | None = None) -> MealCountsData:
    """Two weeks of canteen meals per school, printed on a Tuesday afternoon: the days whose
    deadline (the previous open day at 10:00) has passed are final, the others provisional."""
    pupils = pupils if pupils is not None else make_pupils(420, seed=3, class_size=26)
    rng = random.Random(5)
    printed = datetime(2026, 11, 24, 16, 42)
    days, open_days = [], [date(2026, 11, 23) + timedelta(days=i) for i in range(12)]
    open_days = [day for day in open_days if day.weekday() in (0, 1, 3, 4)]
    previous = date(2026, 11, 20)
    for day in open_days:
        deadline = datetime.combine(previous, time(10, 0))
        schools = []
        for school in dict.fromkeys(p.school for p in pupils):
            eaters = [p.row for p in pupils if p.school == school and rng.random() < 0.55]
            schools.append(SchoolMeals(school, MealCounts.of(r.marks for r in eaters)))
        days.append(MealDay(day, deadline <= printed, tuple(schools), deadline))
        previous = day
    return MealCountsData(
        organisation=sample_organisation(),
        activity_name="Cantine",
        first_day=open_days[0],
        last_day=open_days[-1],
        printed_at=printed,
        printed_by=COORDINATOR,
        days=tuple(days),
    )


def render_attendance_samples(out_dir: Path) -> list[Path]:
    """Write attendance_cantine.pdf, attendance_garderie_soir.pdf, attendance_bus.pdf (an
    agent's view: no health data; a waiting list) and meal_counts.pdf to `out_dir`."""
    out_dir = Path(out_dir)
    lists = {data.activity_name: data for data in day_lists(make_pupils(300, seed=7))}
    agent_bus = dataclasses.replace(lists["Bus 8h30"], show_health=False)
    return [
        attendance_list.render(lists["Cantine"], out_dir / "attendance_cantine.pdf"),
        attendance_list.render(lists["Garderie soir"], out_dir / "attendance_garderie_soir.pdf"),
        attendance_list.render(agent_bus, out_dir / "attendance_bus.pdf"),
        meal_counts.render(sample_meal_counts(), out_dir / "meal_counts.pdf"),
    ]
