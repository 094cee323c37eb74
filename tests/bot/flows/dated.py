"""The fixed day the flow tests live on, and answers that pass validation on it."""

from __future__ import annotations

from datetime import date

from bot.flows.request.fields import id_check_digit

# A Friday before the 2026 Mid-Autumn / National Day break: the next day is a Saturday and the
# Sunday after it a make-up working day (调休), so bookings meet every kind of day.
TODAY = date(2026, 9, 18)
ID_NUMBER = "43062619900101123" + id_check_digit("43062619900101123")
ID_MASKED = f"4306**********{ID_NUMBER[-4:]}"
PHONE = "13912345678"
