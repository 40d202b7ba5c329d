"""Every shipped pack loads and validates; pack-wide invariants hold."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from justice_tracker.rules.loader import load_all, load_pack, pack_files
from justice_tracker.rules.model import ADVISORY_LEVELS, Force
from justice_tracker.rules.validate import validate_pack_files

JURISDICTIONS = {"INTL", "BR", "IN", "FR", "GB-EAW", "CA", "CO", "ZA", "PH", "UG", "KE", "CL", "PE"}
# "Other jurisdictions (advisory only until checked)" in TIME_LIMITS.md.
ADVISORY_PACKS = {"PH", "UG", "KE", "CL", "PE"}
OFFICIAL_HOSTS = {
    "www.ohchr.org",
    "tbinternet.ohchr.org",
    "www.planalto.gov.br",
    "www.indiacode.nic.in",
    "www.legifrance.gouv.fr",
    "www.legislation.gov.uk",
    "laws-lois.justice.gc.ca",
    "www.secretariasenado.gov.co",
    "www.justice.gov.za",
    "lawphil.net",
    "ulii.org",
    "new.kenyalaw.org",
    "www.bcn.cl",
    "spij.minjus.gob.pe",
}


@pytest.mark.parametrize("path", pack_files(), ids=lambda path: path.name)
def test_every_shipped_pack_validates(path: Path) -> None:
    assert validate_pack_files([path]) == []


def test_every_jurisdiction_is_shipped() -> None:
    assert set(load_all()) == JURISDICTIONS


def test_packs_load_by_code() -> None:
    assert load_pack("GB-EAW").subdivision == "ENG"
    with pytest.raises(LookupError, match="no rule pack 'XX'"):
        load_pack("XX")


def test_rule_ids_are_unique_across_packs() -> None:
    ids = [rule.id for pack in load_all().values() for rule in pack.rules]
    assert len(ids) == len(set(ids))


def test_rule_ids_start_with_their_pack() -> None:
    for code, pack in load_all().items():
        prefix = code.split("-")[0].lower() + "-"
        assert all(rule.id.startswith(prefix) for rule in pack.rules), code


def test_secondary_and_unverified_rules_are_advisory() -> None:
    for pack in load_all().values():
        for rule in pack.rules:
            expected = rule.verification in ADVISORY_LEVELS or rule.force is Force.ADVISORY
            assert rule.advisory is expected, rule.id


def test_other_jurisdictions_are_advisory_until_checked() -> None:
    packs = load_all()
    assert all(rule.advisory for code in ADVISORY_PACKS for rule in packs[code].rules)


def test_sources_are_official_sites() -> None:
    for pack in load_all().values():
        for rule in pack.rules:
            assert urlparse(rule.source_url).hostname in OFFICIAL_HOSTS, rule.id
