"""Screenshots of the import wizard, for docs/screenshots and for review.

`render_import_screens(ctx, out_dir)` renders on any store: it writes a spreadsheet of a
few families with some bad rows and a child already in the base, and shows the mapping and
the dry run (nothing is imported). On a store without activities it first creates the demo
town's (and the current school year). Run this module to render on a small sample store:
`python -m devtools.screenshots.import_wizard OUT_DIR`.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.samples.import_sheet import HEADERS, sample_sheet, write_csv
from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.services.catalogue import activities, calendar
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.demo.activities import DEMO_ACTIVITIES
from eticket_desk.services.families.data import AdultData, ChildData, FamilyData
from eticket_desk.services.families.dossiers import (
    load_family_quietly,
    save_family,
    validate_family,
)
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.import_wizard.wizard import ImportWizard

SIZE = (1100, 760)


def _save(widget: QWidget, path: Path) -> Path:
    return grab(widget, path, SIZE)


def _ensure_activities(ctx: AppContext) -> None:
    if activities.list_activities(ctx.store):
        return
    today = ctx.store.clock.today()
    first_year = today.year if today.month >= 8 else today.year - 1
    if not any(y.start <= today <= y.end for y in calendar.list_school_years(ctx.store)):
        calendar.create_school_year(ctx.store, ctx.actor, first_year)
    for spec in DEMO_ACTIVITIES:
        activities.save_activity(ctx.store, ctx.actor, spec)


def _existing_child(ctx: AppContext) -> tuple[AdultData, ChildData, str, str]:
    """A child of a validated dossier (one is created on an empty store)."""
    for hit in search_families(ctx.store, ctx.actor, "", limit=40):
        if hit.status != FamilyStatus.VALIDATED:
            continue
        data = load_family_quietly(ctx.store, ctx.actor, hit.id)
        child = next((c for c in data.children if c.birth_date and c.class_id), None)
        if child is not None and data.adults:
            return (data.adults[0], child, *_school_and_class(ctx, child))
    school = list_schools(ctx.store)[0]
    cp = next(c for c in school.classes if c.level == "CP")
    adult = AdultData(
        last_name="Dupont",
        first_name="Marie",
        relation="Mère",
        phone_mobile="06 12 34 56 78",
        email="marie.dupont@example.fr",
        address1="12 rue des Écoles",
        postcode="74500",
        city="Neuvecelle",
        legal_guardian=True,
        billing=True,
        emergency_contact=True,
    )
    child = ChildData("Dupont", "Léa", date(2019, 5, 3), school.id, cp.id)
    saved = save_family(ctx.store, ctx.actor, FamilyData(adults=[adult], children=[child]))
    validate_family(ctx.store, ctx.actor, saved.id)
    return adult, child, school.name, cp.name


def _school_and_class(ctx: AppContext, child: ChildData) -> tuple[str, str]:
    school = next(s for s in list_schools(ctx.store) if s.id == child.school_id)
    classes = {c.id: c.name for c in school.classes}
    return school.name, classes.get(child.class_id, "")


def sample_file(ctx: AppContext, folder: Path) -> Path:
    """Eight families, three bad rows and the row of a child the base already has."""
    _headers, rows = sample_sheet(8, seed=7)
    column = {h: i for i, h in enumerate(HEADERS)}
    rows[2][column["Classe"]] = "CE3"
    rows[4][column["Tél. portable responsable 1"]] = "06 12 34"
    rows[6][column["Date de naissance"]] = "31/02/2019"
    adult, child, school, class_name = _existing_child(ctx)
    duplicate = [""] * len(HEADERS)
    values = {
        "Nom responsable 1": adult.last_name,
        "Prénom responsable 1": adult.first_name,
        "Lien responsable 1": adult.relation,
        "Tél. portable responsable 1": adult.phone_mobile or adult.phone_home,
        "E-mail responsable 1": adult.email,
        "Adresse": adult.address1,
        "Code postal": adult.postcode,
        "Ville": adult.city,
        "Nom enfant": child.last_name,
        "Prénom enfant": child.first_name,
        "Date de naissance": child.birth_date.strftime("%d/%m/%Y"),
        "École": school,
        "Classe": class_name,
        "CANTINE": "L M J V",
    }
    for name, value in values.items():
        duplicate[column[name]] = value
    rows.insert(5, duplicate)
    return write_csv(folder / "familles_rentree.csv", HEADERS, rows)


def render_import_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _ensure_activities(ctx)
    saved = []
    with tempfile.TemporaryDirectory() as folder:
        path = sample_file(ctx, Path(folder))
        wizard = ImportWizard(ctx)
        wizard.resize(*SIZE)
        wizard.show()
        wizard.open_file(path)
        wizard.next()
        saved.append(_save(wizard, out / "import_mapping.png"))
        wizard.next()
        saved.append(_save(wizard, out / "import_dry_run.png"))
        wizard.dry_run_page.tabs.setCurrentIndex(1)
        saved.append(_save(wizard, out / "import_duplicates.png"))
        wizard.close()
        wizard.deleteLater()
    return saved


def sample_context(folder: Path) -> AppContext:
    from datetime import datetime

    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access import users
    from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
    from eticket_desk.services.core.store import Store
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    store = Store(folder / "eticket.sqlite", FrozenClock(datetime(2026, 9, 14, 9, 30)))
    create_empty_town(
        store,
        FirstSetup(
            commune="Commune de Val-d'Arve-les-Bains",
            postcode="74218",
            city="Val-d'Arve-les-Bains",
            admin_login="admin",
            admin_full_name="Catherine Rossat",
            admin_password="motdepasse1",
            schools=["École maternelle et élémentaire Jules Ferry", "École du Lac"],
        ),
    )
    admin, _ = users.authenticate(store, "admin", "motdepasse1")
    return AppContext(store, admin, ImmediateRunner(), ChangeBus())


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(sample_context, render_import_screens, "docs/screenshots/import", argv)


if __name__ == "__main__":
    raise SystemExit(main())
