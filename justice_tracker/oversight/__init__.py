"""Oversight area."""
