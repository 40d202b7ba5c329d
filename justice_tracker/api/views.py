"""JSON endpoints."""
