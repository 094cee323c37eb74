"""Booking visits at the stations: open days, free places, and how days and slots are named."""
