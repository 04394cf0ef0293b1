"""The occupancy chart, drawn with QPainter: per day a group of bars (one per activity, in its
colour), the waiting list hatched on top, the capacity as a mark, closed days greyed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from eticket_desk.services.bookings.occupancy import (
    ActivityOccupancy,
    DayOccupancy,
    OccupancyReport,
)
from eticket_desk.ui.occupancy.texts import long_day, short_day, tooltip

AXIS = QColor("#5f6368")
GRID = QColor("#e3e3e3")
CLOSED = QColor("#ececec")
CLOSED_HATCH = QColor("#d2d2d2")
CLOSED_TEXT = QColor("#7a7a7a")
CAPACITY = QColor("#202124")
FULL = QColor("#b3261e")
MAX_BAR = 56.0


@dataclass(frozen=True)
class Bar:
    """Where one activity × day is drawn; `slot` is its whole column (the tooltip zone)."""

    activity: ActivityOccupancy
    item: DayOccupancy
    slot: QRectF
    booked: QRectF
    waiting: QRectF
    capacity_y: float | None


def nice_step(top: float, ticks: int = 6) -> int:
    """A round tick step (1, 2, 5 × 10ⁿ) giving about `ticks` ticks up to `top`."""
    raw = max(top / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def waiting_brush(colour: QColor) -> QBrush:
    return QBrush(colour, Qt.BrushStyle.BDiagPattern)


def light(colour: QColor) -> QColor:
    tone = QColor(colour)
    tone.setAlpha(70)
    return tone


class OccupancyChart(QWidget):
    """Draws an OccupancyReport over the given days; hover a bar to read its numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumHeight(240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._report: OccupancyReport | None = None
        self._days: list[date] = []
        self._today: date | None = None
        self._empty_text = ""
        self._bars: list[Bar] | None = None

    # ------------------------------------------------------------ data

    def set_report(
        self, report: OccupancyReport | None, days: list[date], today: date | None = None
    ) -> None:
        self._report, self._days, self._today = report, list(days), today
        self._bars = None
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(800, 340)

    def resizeEvent(self, event) -> None:
        self._bars = None
        super().resizeEvent(event)

    @property
    def activities(self) -> tuple[ActivityOccupancy, ...]:
        return self._report.activities if self._report is not None else ()

    # ------------------------------------------------------------ geometry

    def _legend_items(self) -> list[tuple[str, str]]:
        items = [(a.colour, a.name) for a in self.activities]
        items += [
            ("waiting", self.tr("Liste d'attente")),
            ("capacity", self.tr("Capacité")),
            ("full", self.tr("Complet")),
            ("closed", self.tr("Fermé")),
        ]
        return items

    def _legend_rows(self, width: float) -> list[list[tuple[str, str, float]]]:
        metrics = QFontMetrics(self.font())
        rows: list[list[tuple[str, str, float]]] = [[]]
        used = 0.0
        for kind, text in self._legend_items():
            needed = 18 + metrics.horizontalAdvance(text) + 18
            if rows[-1] and used + needed > width:
                rows.append([])
                used = 0.0
            rows[-1].append((kind, text, used))
            used += needed
        return rows

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        legend = len(self._legend_rows(self.width() - 24)) * (line + 4)
        left = metrics.horizontalAdvance(str(self._scale()[0])) + 18
        top = 10 + legend + line + 6
        bottom = self.height() - (2 * line + 12)
        return QRectF(left, top, self.width() - left - 12, max(bottom - top, 20))

    def _scale(self) -> tuple[int, int]:
        """(top of the y axis, tick step)."""
        highest = 1
        for activity in self.activities:
            for item in activity.days:
                if item.is_open and item.day in self._days:
                    highest = max(highest, item.booked + item.waiting, item.capacity or 0)
        step = nice_step(highest)
        return step * math.ceil(highest * 1.05 / step), step

    def bars(self) -> list[Bar]:
        """Every activity × shown day with its rectangles (computed once per size and data)."""
        if self._bars is not None:
            return self._bars
        self._bars = []
        activities = self.activities
        if not activities or not self._days:
            return self._bars
        plot = self._plot_rect()
        top_value, _ = self._scale()
        group = plot.width() / len(self._days)
        inner = group * (0.78 if len(activities) > 1 else 0.6)
        bar = min(inner / len(activities), MAX_BAR)
        span = bar * len(activities)

        def y(value: float) -> float:
            return plot.bottom() - plot.height() * value / top_value

        for column, day in enumerate(self._days):
            x = plot.left() + column * group + (group - span) / 2
            for activity in activities:
                item = activity.on(day)
                if item is None:
                    continue
                slot = QRectF(x, plot.top(), bar, plot.height())
                booked = QRectF(QPointF(x + 1, y(item.booked)), QPointF(x + bar - 1, y(0)))
                waiting = QRectF(
                    QPointF(x + 1, y(item.booked + item.waiting)),
                    QPointF(x + bar - 1, y(item.booked)),
                )
                capacity_y = y(item.capacity) if item.capacity is not None else None
                self._bars.append(Bar(activity, item, slot, booked, waiting, capacity_y))
                x += bar
        return self._bars

    def bar_at(self, point: QPointF) -> Bar | None:
        return next((b for b in self.bars() if b.slot.contains(point)), None)

    def tooltip_at(self, point: QPointF) -> str:
        """The sentence a person reads when hovering `point` (empty outside the bars)."""
        bar = self.bar_at(point)
        if bar is None:
            return ""
        day_bars = [b for b in self.bars() if b.item.day == bar.item.day]
        reasons = {b.item.closed_reason for b in day_bars}
        if len(day_bars) > 1 and len(reasons) == 1 and None not in reasons:
            return self.tr("{day} : fermé ({reason})").format(
                day=long_day(bar.item.day).capitalize(), reason=reasons.pop()
            )
        return tooltip(bar.activity, bar.item)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # ------------------------------------------------------------ painting

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.activities or not self._days:
            painter.setPen(AXIS)
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self._empty_text or ""
            )
            return
        plot = self._plot_rect()
        self._paint_legend(painter)
        self._paint_axis(painter, plot)
        self._paint_closed_days(painter, plot)
        for bar in self.bars():
            self._paint_bar(painter, bar)
        self._paint_day_labels(painter, plot)
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.end()

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        for row, items in enumerate(self._legend_rows(self.width() - 24)):
            top = 8 + row * (line + 4)
            for kind, text, offset in items:
                x = 12 + offset
                swatch = QRectF(x, top + (line - 12) / 2, 12, 12)
                self._paint_swatch(painter, kind, swatch)
                painter.setPen(AXIS)
                painter.drawText(
                    QRectF(x + 18, top, 400, line), Qt.AlignmentFlag.AlignVCenter, text
                )

    def _paint_swatch(self, painter: QPainter, kind: str, box: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        if kind == "waiting":
            grey = QColor("#6b7280")
            painter.fillRect(box, light(grey))
            painter.fillRect(box, waiting_brush(grey))
        elif kind in ("capacity", "full"):
            painter.setPen(QPen(CAPACITY if kind == "capacity" else FULL, 2.5))
            painter.drawLine(QPointF(box.left(), box.center().y()), box.center() + QPointF(6, 0))
        elif kind == "closed":
            painter.fillRect(box, CLOSED)
            painter.fillRect(box, QBrush(CLOSED_HATCH, Qt.BrushStyle.FDiagPattern))
        else:
            painter.fillRect(box, QColor(kind))

    def _paint_axis(self, painter: QPainter, plot: QRectF) -> None:
        top_value, step = self._scale()
        metrics = QFontMetrics(self.font())
        for value in range(0, top_value + 1, step):
            y = plot.bottom() - plot.height() * value / top_value
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            label = QRectF(0, y - metrics.height() / 2, plot.left() - 8, metrics.height())
            painter.drawText(
                label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value)
            )
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        painter.drawText(
            QRectF(4, plot.top() - metrics.height() - 4, 200, metrics.height()),
            Qt.AlignmentFlag.AlignLeft,
            self.tr("Places"),
        )

    def closed_runs(self) -> list[tuple[int, int, str]]:
        """(first column, last column, reason) of the runs of days every activity is closed
        for the same reason (a holiday is one band, not ten)."""
        runs: list[tuple[int, int, str]] = []
        for column, day in enumerate(self._days):
            items = [a.on(day) for a in self.activities]
            if not items or any(i is None or i.is_open for i in items):
                continue
            reason = " / ".join(sorted({i.closed_reason for i in items}))
            if runs and runs[-1][1] == column - 1 and runs[-1][2] == reason:
                runs[-1] = (runs[-1][0], column, reason)
            else:
                runs.append((column, column, reason))
        return runs

    def _paint_closed_days(self, painter: QPainter, plot: QRectF) -> None:
        """A grey band over the days every activity is closed, the reason written in it."""
        group = plot.width() / len(self._days)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        metrics = QFontMetrics(small)
        painter.save()
        painter.setFont(small)
        for first, last, reason in self.closed_runs():
            band = QRectF(
                plot.left() + first * group + 2,
                plot.top(),
                (last - first + 1) * group - 4,
                plot.height(),
            )
            painter.fillRect(band, CLOSED)
            painter.fillRect(band, QBrush(CLOSED_HATCH, Qt.BrushStyle.FDiagPattern))
            painter.save()
            painter.translate(band.center())
            length = band.width() - 8
            if metrics.horizontalAdvance(reason) + 8 > length:
                painter.rotate(-90)  # too narrow: written upwards
                length = band.height() - 8
            text = metrics.elidedText(reason, Qt.TextElideMode.ElideRight, int(length))
            width = metrics.horizontalAdvance(text) + 10
            box = QRectF(-width / 2, -metrics.height() / 2 - 2, width, metrics.height() + 4)
            painter.fillRect(box, CLOSED)
            painter.setPen(CLOSED_TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            painter.restore()
        painter.restore()

    def _paint_bar(self, painter: QPainter, bar: Bar) -> None:
        item = bar.item
        colour = QColor(bar.activity.colour)
        if not item.is_open:
            day_closed = all(
                b.item.closed_reason is not None for b in self.bars() if b.item.day == item.day
            )
            if not day_closed and item.scheduled:  # this activity alone is closed: greyed
                column = bar.slot.adjusted(1, 0, -1, 0)
                painter.fillRect(column, CLOSED)
                painter.fillRect(column, QBrush(CLOSED_HATCH, Qt.BrushStyle.FDiagPattern))
            return
        if item.booked:
            painter.fillRect(bar.booked, colour)
        if item.waiting:
            painter.fillRect(bar.waiting, light(colour))
            painter.fillRect(bar.waiting, waiting_brush(colour.darker(130)))
        if bar.capacity_y is not None:
            pen = QPen(FULL if item.full else CAPACITY, 2.5)
            if bar.activity.shared_capacity:  # seats shared with the other schools
                pen.setStyle(Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawLine(
                QPointF(bar.slot.left() - 1, bar.capacity_y),
                QPointF(bar.slot.right() + 1, bar.capacity_y),
            )
        if bar.slot.width() >= 24:
            metrics = QFontMetrics(self.font())
            top = min(bar.waiting.top(), bar.booked.top())
            if bar.capacity_y is not None and abs(top - bar.capacity_y) < metrics.height():
                top = min(top, bar.capacity_y)
            label = QRectF(
                bar.slot.left() - 10,
                top - metrics.height() - 2,
                bar.slot.width() + 20,
                metrics.height(),
            )
            painter.setPen(FULL if item.full else AXIS)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(item.booked))

    def _paint_day_labels(self, painter: QPainter, plot: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        group = plot.width() / len(self._days)
        bold = QFont(self.font())
        bold.setBold(True)
        two_lines = any(metrics.horizontalAdvance(short_day(day)) + 6 > group for day in self._days)
        closed = {c for first, last, _ in self.closed_runs() for c in range(first, last + 1)}
        for column, day in enumerate(self._days):
            x = plot.left() + column * group
            inside_band = column in closed and column - 1 in closed
            if column and day.weekday() == 0 and len(self._days) > 7 and not inside_band:
                painter.setPen(QPen(GRID.darker(115), 1, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom() + 4))
            text = short_day(day).replace(" ", "\n") if two_lines else short_day(day)
            painter.setFont(bold if day == self._today else self.font())
            painter.setPen(QColor("#1a73e8") if day == self._today else AXIS)
            box = QRectF(x, plot.bottom() + 4, group, 2 * metrics.height() + 4)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        painter.setFont(self.font())
