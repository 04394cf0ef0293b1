"""The desk's side of the sync as the agent sees it: status and sync issues."""
