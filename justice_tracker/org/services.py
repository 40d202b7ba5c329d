"""Administrator verbs on reference data: save courts, facilities and jurisdictions (flush, audit)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.auth.models import User
from justice_tracker.db import db
from justice_tracker.errors import FieldError, ValidationFailed
from justice_tracker.org.models import Court, Facility, Jurisdiction
from justice_tracker.oversight.episodes import relink_facility

M = TypeVar("M", Court, Facility, Jurisdiction)
AUDIT_NAMES: dict[type, str] = {Court: "court", Facility: "facility", Jurisdiction: "jurisdiction"}


def save(actor: User, model: type[M], obj: M | None, data: dict[str, Any]) -> M:
    """Create (`obj` None) or update a court, facility or jurisdiction; names and codes stay unique."""
    unique_field = "code" if model is Jurisdiction else "name"
    value = data.get(unique_field, getattr(obj, unique_field, None))
    clash = db.session.scalar(select(model).where(getattr(model, unique_field) == value))
    if clash is not None and clash is not obj:
        raise ValidationFailed([FieldError(unique_field, f"This {unique_field} is already used.")])
    if "jurisdiction_code" in data and db.session.get(Jurisdiction, data["jurisdiction_code"]) is None:
        raise ValidationFailed([FieldError("jurisdiction_code", "Unknown jurisdiction.")])
    created = obj is None
    if obj is None:
        obj = model()
        db.session.add(obj)
    changed = sorted(k for k, v in data.items() if getattr(obj, k, None) != v)
    for key in changed:
        setattr(obj, key, data[key])
    db.session.flush()
    if isinstance(obj, Facility) and (created or "name" in changed):
        relink_facility(obj)  # stored custody placements name facilities: keep the match
    label = AUDIT_NAMES[model]
    ident = obj.code if isinstance(obj, Jurisdiction) else obj.id
    record(f"{label}_{'created' if created else 'updated'}", label, ident, actor=actor, detail=",".join(changed))
    return obj
