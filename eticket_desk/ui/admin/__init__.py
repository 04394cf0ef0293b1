"""The administration screens: users and rights, the audit log, settings, password change.

Each screen is a QWidget built with `Screen(ctx, parent)`; import it from its own module
(the main window builds them lazily).
"""
