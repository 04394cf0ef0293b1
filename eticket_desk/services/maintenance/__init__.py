"""Keeping a base healthy: backups and restore, the integrity check, families' personal data (CNIL)."""
