"""Pure business rules: no I/O, no database, no Qt; `now` is always passed in."""
