"""Screenshots of likely duplicates: the warning before a new dossier like another is saved,
and the régisseur's « Fusionner deux dossiers » dialog.

`python -m devtools.screenshots.duplicates OUT_DIR` renders them over a throw-away store
holding the sample family typed twice (the second time with a new child and a note)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from devtools.screenshots.family_editor import sample_family, sample_town
from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.ui.context import AppContext


def sample_context(folder: Path) -> AppContext:
    from eticket_desk.services.catalogue.organisation import list_schools
    from eticket_desk.services.families.dossiers import save_family
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    store, admin = sample_town(folder)
    first = sample_family(list_schools(store))
    save_family(store, admin, first)
    lea = replace(first.children[0], first_name="LÉA")
    noe = replace(first.children[1], first_name="Noé", birth_date=date(2023, 2, 8))
    save_family(
        store,
        admin,
        replace(first, adults=first.adults[:1], children=[lea, noe], notes="Saisi à l'annexe"),
    )
    return AppContext(store, admin, ImmediateRunner(), ChangeBus())


def render(ctx: AppContext, out_dir: Path) -> list[Path]:
    from eticket_desk.services.catalogue.organisation import list_schools
    from eticket_desk.services.families.duplicates import likely_duplicates
    from eticket_desk.services.families.search import search_families
    from eticket_desk.ui.family_editor.duplicate_prompt import duplicate_box
    from eticket_desk.ui.family_editor.merge_dialog import MergeDialog

    typed = sample_family(list_schools(ctx.store))  # what the agent typed a third time
    found = likely_duplicates(ctx.store, ctx.actor, typed.adults, typed.children)
    paths = [grab(duplicate_box(None, found), out_dir / "duplicate_warning.png", fit=True)]
    first = search_families(ctx.store, ctx.actor, "F00001")[0]
    dialog = MergeDialog(ctx, first.id, f"{first.reference} {first.display_name}")
    paths.append(grab(dialog, out_dir / "merge_dialog.png", fit=True))
    dialog.close()
    return paths


if __name__ == "__main__":
    raise SystemExit(run_on_sample(sample_context, render, "docs/screenshots"))
