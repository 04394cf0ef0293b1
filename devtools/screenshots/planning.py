"""Screenshots of the week grid, for docs/screenshots and for review."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.screenshots.tools import grab
from eticket_desk.rules.cells import CellState
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.planning.week_grid import WeekGrid


def _save(widget: QWidget, path: Path) -> Path:
    return grab(widget, path)


def render_planning_screens(
    ctx: AppContext, out_dir: Path | str, family_id: uuid.UUID
) -> list[Path]:
    """The family's dossier on its Planning tab: a normal week after a booking, the week of
    a public holiday, the Toussaint holidays, and a TAP day refused (subscription only)."""
    from eticket_desk.ui.family_editor import FamilyEditorDialog

    out = Path(out_dir)
    saved: list[Path] = []
    dialog = FamilyEditorDialog(ctx, family_id)
    dialog.resize(1100, 760)
    grid: WeekGrid = dialog.planning
    dialog.tabs.setCurrentWidget(grid)
    grid.go_to(ctx.store.clock.today())
    # A click as the agent would make it: the first open, unbooked canteen day of the week.
    for row, grid_row in enumerate(grid.model.rows):
        if grid_row.activity is None or grid_row.activity.code != "CANTINE":
            continue
        column = next(
            (
                c
                for c in range(1, grid.model.day_count + 1)
                if grid.model.cell_at(row, c).state == CellState.OPEN_FREE
            ),
            None,
        )
        if column is not None:
            grid.table.setCurrentIndex(grid.model.index(row, column))
            grid.activate(grid.model.index(row, column))
            break
    saved.append(_save(dialog, out / "planning_week.png"))
    grid.go_to(date(2026, 11, 9))  # Armistice on Wednesday 11
    saved.append(_save(dialog, out / "planning_public_holiday.png"))
    grid.go_to(date(2026, 10, 19))
    saved.append(_save(dialog, out / "planning_holidays.png"))
    # Last (it leaves the grid on it): a TAP day clicked, locked for everyone, the reason
    # under the grid and no override offered.
    grid.go_to(ctx.store.clock.today())
    for row, grid_row in enumerate(grid.model.rows):
        if grid_row.activity is None or grid_row.activity.code != "TAP":
            continue
        for column in range(1, grid.model.day_count + 1):
            if grid.model.cell_at(row, column).state != CellState.CLOSED:
                grid.table.setCurrentIndex(grid.model.index(row, column))
                grid.activate(grid.model.index(row, column))
                saved.append(_save(dialog, out / "planning_tap_locked.png"))
                break
        break
    dialog.close()
    return saved
