"""Imports every model module so that the metadata (and Alembic) sees all tables."""

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import ApiToken, LoginSession, User
from justice_tracker.cases.models import Case, CaseLawyer, Child, Event, Offence
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline, DigestLog
from justice_tracker.org.models import Court, Facility, FacilityInspection, Jurisdiction
from justice_tracker.oversight.models import ChildPopulation, PolicyFact, StoredEpisode, StoredPlacement
from justice_tracker.programmes.models import Programme, ProgrammeCoordinator, Referral, ReferralStep

__all__ = [
    "ApiToken",
    "AuditEntry",
    "CalendarClosure",
    "Case",
    "CaseDeadline",
    "CaseLawyer",
    "Child",
    "ChildPopulation",
    "Court",
    "DigestLog",
    "Event",
    "Facility",
    "FacilityInspection",
    "Jurisdiction",
    "LoginSession",
    "Offence",
    "PolicyFact",
    "Programme",
    "ProgrammeCoordinator",
    "Referral",
    "ReferralStep",
    "StoredEpisode",
    "StoredPlacement",
    "User",
]
