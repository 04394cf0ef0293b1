"""The central server: FastAPI over PostgreSQL, where the desks of every commune sync.

Stateless (several instances may run side by side on one database); it applies the desk's own
`eticket_desk.rules` and speaks `eticket_desk.sync.protocol`.
"""
