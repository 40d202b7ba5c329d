"""Who may see and change programmes and referrals: asked again on every request.

Coordinators keep the programmes they are linked to and see only the referrals to
them; clerks and lawyers see the referrals of the cases they can see; clerks (of
the case's court) and administrators refer children and move referrals on.
"""

from __future__ import annotations

from sqlalchemy import select

from justice_tracker.auth.access import can_edit_case, can_view_case
from justice_tracker.auth.models import Role, User
from justice_tracker.db import db
from justice_tracker.programmes.models import Programme, ProgrammeCoordinator, Referral


def coordinated_ids(user: User) -> set[int]:
    """The programmes a coordinator is linked to (none for any other role)."""
    if user.role != Role.COORDINATOR:
        return set()
    return set(
        db.session.scalars(select(ProgrammeCoordinator.programme_id).where(ProgrammeCoordinator.user_id == user.id))
    )


def can_manage_programme(user: User, programme: Programme) -> bool:
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and user.id in programme.coordinator_ids()


def can_view_referral(user: User, referral: Referral) -> bool:
    if user.role == Role.COORDINATOR:
        return can_manage_programme(user, referral.programme)
    return can_view_case(user, referral.case)


def can_change_referral(user: User, referral: Referral) -> bool:
    return can_edit_case(user, referral.case) or (
        user.role == Role.COORDINATOR and can_manage_programme(user, referral.programme)
    )
