"""Days booked for a child: the booking use case, the week grid, waiting lists, seats and the week template."""
