"""What the grid does on a click: one cell, a whole week of an activity, a whole day."""

from __future__ import annotations

from eticket_desk.rules.booking import BookingRefused, RefusalCode
from eticket_desk.rules.cells import CellState
from eticket_desk.services.bookings.batches import set_day, set_week
from eticket_desk.services.bookings.planning import Cell, toggle_cell
from eticket_desk.services.bookings.week_template import apply_week_template, preview_week_template

_LOCKED = (CellState.LOCKED_FREE, CellState.LOCKED_BOOKED)


def _changeable(cell: Cell) -> bool:
    """Open, and either changeable now or locked only by a deadline an agent may override."""
    return cell.state != CellState.CLOSED and (cell.state not in _LOCKED or cell.overridable)


class PlanningActions:
    """Mixed into WeekGrid: it provides ctx, plan, model, say(), reload() and the prompts."""

    def _why_locked(self, cell: Cell) -> str:
        if self.plan.notice and not self.plan.can_edit:
            return self.plan.notice
        if not self.plan.can_edit:
            return self.tr("Votre profil ne permet pas de modifier les réservations.")
        return cell.locked_reason or cell.tooltip.split("\n")[-1]

    def _write(self, done, failed, use_case, *args, **kwargs) -> None:
        """Books or cancels through `ctx.write`, which announces the use case's Topic.BOOKINGS;
        this grid skips that announcement (`sender_is_self`) since `done` reloads it keeping
        the cursor."""

        def finished(callback):
            def call(value) -> None:
                self.sender_is_self = False
                callback(value)

            return call

        def written(value) -> None:
            done(value)
            self.bookings_changed.emit()

        self.sender_is_self = True
        self.ctx.write(
            use_case,
            *args,
            on_done=finished(written),
            on_error=finished(failed),
            **kwargs,
        )

    # ------------------------------------------------------------ one cell

    def toggle(self, row: int, column: int, cell: Cell) -> None:
        if cell.state == CellState.CLOSED:
            self.say(cell.tooltip.replace("\n", " — "), error=True)
            return
        override = ""
        if cell.state in _LOCKED:
            if not self.plan.can_edit or not cell.overridable or not self.plan.can_override:
                reason = self._why_locked(cell)
                if self.plan.can_edit and cell.overridable:
                    reason += " " + self.tr(
                        "Seul un profil autorisé (coordinateur, régisseur) peut déroger au délai."
                    )
                self.say(reason, error=True)
                return
            override = self.ask_override_reason(cell.tooltip)
            if override is None:
                return
        self._submit_toggle(row, column, cell, override, waiting=False)

    def _submit_toggle(self, row: int, column: int, cell: Cell, override: str, waiting: bool):
        activity = self.model.rows[row].activity
        booked = self.cell_is_booked(cell)

        def done(outcome) -> None:
            self.say(outcome.message)
            self.reload(keep=(row, column))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BookingRefused):
                if exc.code == RefusalCode.CAPACITY_FULL and not waiting:
                    if self.ask_waiting_list(exc.message):
                        self._submit_toggle(row, column, cell, override, waiting=True)
                    else:
                        self.say(exc.message, error=True)
                    return
                if (
                    exc.code == RefusalCode.DEADLINE_PASSED
                    and not override
                    and self.plan.can_override
                ):
                    reason = self.ask_override_reason(exc.message)
                    if reason:
                        self._submit_toggle(row, column, cell, reason, waiting)
                    return
            self.failed(exc)
            self.reload(keep=(row, column))

        self._write(
            done,
            failed,
            toggle_cell,
            activity.child_id,
            activity.activity_id,
            cell.day,
            booked=booked,
            override_reason=override,
            waiting_list=waiting,
        )

    # ------------------------------------------------------------ several cells

    def _plan_batch(self, cells: list[Cell]) -> tuple[bool, str] | None:
        """(book?, override reason) for a row or a column, or None when nothing can be done."""
        open_cells = [c for c in cells if c.state != CellState.CLOSED]
        if not open_cells:
            self.say(self.tr("Rien à modifier : l'activité est fermée ces jours-là."), error=True)
            return None
        editable = [c for c in open_cells if c.state not in _LOCKED]
        override = ""
        if not editable:
            # Only a passed deadline is overridden: a subscription-only day (TAP) never is.
            overridable = [c for c in open_cells if c.overridable]
            if not self.plan.can_edit or not self.plan.can_override or not overridable:
                self.say(self._why_locked((overridable or open_cells)[0]), error=True)
                return None
            reason = self.ask_override_reason(self.tr("Le délai est dépassé pour tous ces jours."))
            if reason is None:
                return None
            override, editable = reason, overridable
        book = any(not self.cell_is_booked(c) for c in editable)
        return book, override

    def _submit_batch(self, row: int, column: int, use_case, *args, book: bool, **kwargs):
        def done(outcome) -> None:
            verb = self.tr("réservé(s)") if book else self.tr("annulé(s)")
            self.say(outcome.summary(verb), error=bool(outcome.refusals))
            self.reload(keep=(row, column))

        self._write(done, self.failed, use_case, *args, book=book, **kwargs)

    def whole_week(self, row: int) -> None:
        """ "Toute la semaine": books every open day of the activity, or cancels them all."""
        activity = self.model.rows[row].activity
        decision = self._plan_batch(list(activity.cells))
        if decision is None:
            return
        book, override = decision
        self._submit_batch(
            row,
            self.model.week_column,
            set_week,
            activity.child_id,
            activity.activity_id,
            self.plan.monday,
            book=book,
            override_reason=override,
            days=len(self.plan.days),
        )

    def whole_day(self, row: int, column: int) -> None:
        """ "Toutes les activités": every activity of the child that day."""
        child = self.model.rows[row].child
        day_index = column - 1
        cells = [r.cells[day_index] for r in child.rows]
        decision = self._plan_batch(cells)
        if decision is None:
            return
        book, override = decision
        activity_ids = [  # a subscription-only activity never changes day by day
            r.activity_id for r in child.rows if _changeable(r.cells[day_index])
        ]
        self._submit_batch(
            row,
            column,
            set_day,
            child.child_id,
            self.plan.days[day_index],
            activity_ids,
            book=book,
            override_reason=override,
        )

    def week_template(self, row: int) -> None:
        """ "Mettre à jour la semaine type": preview, confirm, then copy the week forward."""
        activity = self.model.rows[row].activity
        ctx, monday = self.ctx, self.plan.monday
        if not self.plan.can_edit:
            self.say(self._why_locked(activity.cells[0]), error=True)
            return

        def previewed(preview) -> None:
            text = self.tr(
                "Les jours réservés cette semaine en %1 deviendront la semaine type des "
                "semaines suivantes, du %2 au %3 (jours encore modifiables seulement).\n\n%4"
            )
            text = (
                text.replace("%1", activity.name)
                .replace("%2", f"{preview.start:%d/%m/%Y}")
                .replace("%3", f"{preview.end:%d/%m/%Y}")
                .replace("%4", preview.summary())
            )
            if preview.changes == 0:
                self.say(self.tr("Semaine type déjà à jour : ") + preview.summary())
                return
            if not self.ask_confirm(self.tr("Mettre à jour la semaine type"), text):
                return
            self._write(
                done,
                self.failed,
                apply_week_template,
                activity.child_id,
                activity.activity_id,
                monday,
            )

        def done(preview) -> None:
            self.say(self.tr("Semaine type mise à jour — ") + preview.summary())
            self.reload(keep=(row, self.model.template_column))

        ctx.runner.submit(
            lambda: preview_week_template(
                ctx.store, ctx.actor, activity.child_id, activity.activity_id, monday
            ),
            previewed,
            self.failed,
        )
