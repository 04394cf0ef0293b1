"""The day itself: attendance lists, presence marks, meal counts and unconsumed bookings."""
