"""The desk's side of the sync, as use cases over the port (sync/client.py): one sync cycle
(cycle.py), the server's answers recorded (answers.py), the pulled changes applied, one
module per domain (pulled*.py), the sync's own bookkeeping (state.py), and what the agent
sees: the status (status.py) and the sync issues (issues.py)."""
