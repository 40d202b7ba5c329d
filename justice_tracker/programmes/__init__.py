"""Alternatives to detention: the programme registry, explained suggestions and referrals.

Pure modules (no Flask, no SQLAlchemy; `tests/test_architecture.py` checks them):
`vocabulary`, `eligibility`, `suggestions`, `referrals` (the referral state machine) and
`last_resort`. The rest (models, services, views, API, CLI) wraps them.
"""
