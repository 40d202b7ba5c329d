"""Durations as people read them: whole days, hours and minutes."""

from __future__ import annotations

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def days_and_hours(seconds: int) -> tuple[int, int, int]:
    """Split a duration into (days, hours, minutes); leftover seconds are dropped.

    Flooring, never rounding up: a child held 23 h 59 min 59 s must not be shown as
    having reached a 24 h limit.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise TypeError(f"seconds must be an int, not {type(seconds).__name__}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds} s")
    days, rest = divmod(seconds, _DAY)
    hours, rest = divmod(rest, _HOUR)
    return days, hours, rest // _MINUTE


def format_duration(seconds: int) -> str:
    """Format as "3 days 4 h 05 min", "1 day 0 h 00 min", "4 h 05 min" or "45 min"."""
    days, hours, minutes = days_and_hours(seconds)
    if days:
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {hours} h {minutes:02d} min"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
