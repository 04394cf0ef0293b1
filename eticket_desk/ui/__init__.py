"""PySide6 screens. Screens call services (through the task runner for writes), never SQL."""

from eticket_desk.ui.refcount_guard import guard

guard()
