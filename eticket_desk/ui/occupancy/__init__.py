"""The occupancy view (« Fréquentation »): seats booked against capacity, chart and table."""
