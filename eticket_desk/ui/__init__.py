"""PySide6 screens. Screens call services (through the task runner for writes), never SQL."""
