"""A programme and a child's case that fit each other on every topic: the tables of the pure tests vary them."""

from __future__ import annotations

from justice_tracker.programmes.eligibility import ChildCase, OffenceFacts, ProgrammeFacts
from justice_tracker.programmes.vocabulary import PRE_TRIAL

PROGRAMME = ProgrammeFacts(
    id=1,
    code="P-1",
    name="Mentoring",
    type="mentoring",
    jurisdiction="BR",
    stages=frozenset({PRE_TRIAL}),
    areas=("Porto Claro",),
    languages=("pt",),
    min_age=12,
    max_age=17,
    places=10,
    enrolled=3,
    requires_child_consent=False,
)
CHILD = ChildCase(
    jurisdiction="BR",
    stage=PRE_TRIAL,
    age=15,
    offences=(OffenceFacts("other", 4.0),),
    languages=("pt",),
    area="Porto Claro",
)
