"""The year view: twelve small month calendars (September to August), each day in its colour."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QToolTip, QWidget

from eticket_desk.services.catalogue.calendar import SchoolYearInfo
from eticket_desk.ui.calendar.days import (
    DAY_COLOURS,
    DAY_KIND_LABELS,
    MONTH_NAMES,
    PARTIAL_COLOUR,
    PARTIAL_LABEL,
    DayKind,
    DayStatus,
    YearDays,
    school_year_months,
)

COLUMNS, ROWS = 4, 3
H_GAP, V_GAP, MARGIN = 16, 8, 4
TITLE_ROWS, HEADER_ROWS, WEEK_ROWS = 1.3, 1.0, 6
ROW_UNITS = TITLE_ROWS + HEADER_ROWS + WEEK_ROWS
WEEKDAY_LETTERS = ("L", "M", "M", "J", "V", "S", "D")
OPEN_BORDER = QColor("#c4c9d0")
OUTSIDE_HATCH = QColor("#dcdfe4")
TODAY_PEN = QColor("#111827")
HIGHLIGHT_PEN = QColor("#2563eb")


class YearView(QWidget):
    """Paints a school year; a day's tooltip says why it is closed. Hit-testable for tests."""

    day_clicked = Signal(object)  # date
    day_double_clicked = Signal(object)  # date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._days: YearDays | None = None
        self._names: dict[str, str] = {}
        self._today: date | None = None
        self._highlight: tuple[date, date] | None = None
        self._cells: list[tuple[QRectF, date]] = []
        self._titles: list[tuple[QRectF, str]] = []
        self._headers: list[tuple[QRectF, str]] = []
        self._cell_size = (0.0, 0.0)
        self.empty_text = self.tr("Aucune année scolaire sélectionnée.")
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # -- data --------------------------------------------------------------------------------

    def set_year(self, year: SchoolYearInfo | None, activity_names: dict[str, str]) -> None:
        self._days = YearDays(year) if year is not None else None
        self._names = dict(activity_names)
        self._highlight = None
        self._lay_out()
        self.update()

    def year(self) -> SchoolYearInfo | None:
        return self._days.year if self._days is not None else None

    def set_today(self, today: date) -> None:
        self._today = today
        self.update()

    def set_highlight(self, start: date | None, end: date | None = None) -> None:
        """Outlines the days of a closure (the one selected in the table)."""
        self._highlight = (start, end or start) if start is not None else None
        self.update()

    def status_of(self, day: date) -> DayStatus | None:
        return self._days.status(day) if self._days is not None else None

    def reason_of(self, day: date) -> str:
        """Why the day is closed (« Vacances de la Toussaint », « Week-end »…) or « Jour d'école »."""
        status = self.status_of(day)
        return status.reason if status is not None else ""

    def tooltip_of(self, day: date) -> str:
        return self._days.describe(day, self._names) if self._days is not None else ""

    def open_days(self, start: date | None = None, end: date | None = None) -> int:
        return self._days.open_days(start, end) if self._days is not None else 0

    def day_at(self, pos: QPointF) -> date | None:
        for rect, day in self._cells:
            if rect.contains(pos):
                return day
        return None

    def day_rect(self, day: date) -> QRect:
        for rect, cell_day in self._cells:
            if cell_day == day:
                return rect.toAlignedRect()
        return QRect()

    # -- geometry ----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(COLUMNS * 7 * 26 + 3 * H_GAP + 2 * MARGIN, int(ROWS * ROW_UNITS * 20) + 40)

    def minimumSizeHint(self) -> QSize:
        return QSize(COLUMNS * 7 * 19 + 3 * H_GAP + 2 * MARGIN, int(ROWS * ROW_UNITS * 15) + 30)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out()

    def _lay_out(self) -> None:
        self._cells, self._titles, self._headers = [], [], []
        if self._days is None:
            return
        width = self.width() - 2 * MARGIN
        height = self.height() - 2 * MARGIN
        cell_w = (width - (COLUMNS - 1) * H_GAP) / (COLUMNS * 7)
        cell_h = (height - (ROWS - 1) * V_GAP) / (ROWS * ROW_UNITS)
        cell_w, cell_h = min(cell_w, cell_h * 2.2), min(cell_h, cell_w * 0.9)
        self._cell_size = (cell_w, cell_h)
        month_w, month_h = cell_w * 7, cell_h * ROW_UNITS
        grid_w = COLUMNS * month_w + (COLUMNS - 1) * H_GAP
        left = MARGIN + max(0.0, (width - grid_w) / 2)
        for index, (year, month) in enumerate(school_year_months(self._days.year)):
            x = left + (index % COLUMNS) * (month_w + H_GAP)
            y = MARGIN + (index // COLUMNS) * (month_h + V_GAP)
            title = QRectF(x, y, month_w, cell_h * TITLE_ROWS)
            self._titles.append((title, f"{MONTH_NAMES[month - 1]} {year}"))
            header_y = y + cell_h * TITLE_ROWS
            for weekday, letter in enumerate(WEEKDAY_LETTERS):
                rect = QRectF(x + weekday * cell_w, header_y, cell_w, cell_h * HEADER_ROWS)
                self._headers.append((rect, letter))
            weeks_y = header_y + cell_h * HEADER_ROWS
            for week, days in enumerate(pycalendar.Calendar().monthdatescalendar(year, month)):
                for weekday, day in enumerate(days):
                    if day.month != month:
                        continue
                    rect = QRectF(
                        x + weekday * cell_w, weeks_y + week * cell_h, cell_w, cell_h
                    ).adjusted(1, 1, -1, -1)
                    self._cells.append((rect, day))

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if self._days is None:
            painter.setPen(QColor("#555555"))
            painter.drawText(
                self.rect().adjusted(20, 20, -20, -20),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            return
        cell_w, cell_h = self._cell_size
        day_font = QFont(self.font())
        day_font.setPixelSize(max(8, int(min(cell_h * 0.62, cell_w * 0.5))))
        title_font = QFont(day_font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.palette().text().color())
        for rect, text in self._titles:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(day_font)
        painter.setPen(QColor("#6b7280"))
        for rect, letter in self._headers:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter)
        for rect, day in self._cells:
            self._paint_day(painter, rect, self._days.status(day))
        painter.end()

    def _paint_day(self, painter: QPainter, rect: QRectF, status: DayStatus) -> None:
        outline = None
        if self._highlight and self._highlight[0] <= status.day <= self._highlight[1]:
            outline = HIGHLIGHT_PEN
        elif status.day == self._today:
            outline = TODAY_PEN
        paint_cell(painter, rect, status.kind, bool(status.partial), str(status.day.day), outline)

    # -- mouse -------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(QPointF(event.pos()))
            if day is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_of(day), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.day_clicked.emit(day)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.day_double_clicked.emit(day)
        super().mouseDoubleClickEvent(event)


def paint_cell(
    painter: QPainter,
    rect: QRectF,
    kind: DayKind,
    partial: bool,
    text: str,
    outline: QColor | None = None,
) -> None:
    """One day of the year view (and its legend swatch): colour, marks, number, outline."""
    background, foreground = DAY_COLOURS[kind]
    painter.fillRect(rect, QColor(background))
    if kind == DayKind.OUTSIDE:
        painter.fillRect(rect, QBrush(OUTSIDE_HATCH, Qt.BrushStyle.BDiagPattern))
    if kind in (DayKind.OPEN, DayKind.OUTSIDE):
        painter.setPen(OPEN_BORDER)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
    if partial:
        side = min(rect.width(), rect.height()) * 0.45
        corner = rect.topRight()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(PARTIAL_COLOUR))
        painter.drawPolygon([corner, corner - QPointF(side, 0), corner + QPointF(0, side)])
        painter.setBrush(Qt.BrushStyle.NoBrush)
    if text:
        painter.setPen(QColor(foreground))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    if outline is not None:
        painter.setPen(QPen(outline, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(1, 1, -1, -1))


class Legend(QWidget):
    """The colour key of the year view, in `columns` columns."""

    def __init__(self, columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(12)
        layout.setVerticalSpacing(4)
        entries: list[tuple[str, _Swatch]] = [
            (DAY_KIND_LABELS[kind], _Swatch(kind)) for kind in DayKind
        ]
        entries.append((PARTIAL_LABEL, _Swatch(DayKind.OPEN, partial=True)))
        entries.append((self.tr("Aujourd'hui"), _Swatch(DayKind.OPEN, outline=TODAY_PEN)))
        entries.append(
            (
                self.tr("Fermeture choisie dans la liste"),
                _Swatch(DayKind.OPEN, outline=HIGHLIGHT_PEN),
            )
        )
        self.labels: list[str] = []
        row = column = 0
        for text, swatch in entries:
            wide = len(text) > 22  # a long label takes a whole row
            if wide and column:
                row, column = row + 1, 0
            cell = QHBoxLayout()
            cell.setSpacing(6)
            cell.addWidget(swatch)
            cell.addWidget(QLabel(self.tr(text)), 1)
            layout.addLayout(cell, row, column, 1, columns if wide else 1)
            self.labels.append(text)
            column = columns if wide else column + 1
            if column >= columns:
                row, column = row + 1, 0


class _Swatch(QWidget):
    def __init__(
        self, kind: DayKind, *, partial: bool = False, outline: QColor | None = None
    ) -> None:
        super().__init__()
        self._kind, self._partial, self._outline = kind, partial, outline
        side = self.fontMetrics().height() + 2
        self.setFixedSize(side, side)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_cell(painter, QRectF(self.rect()), self._kind, self._partial, "", self._outline)
        painter.end()
