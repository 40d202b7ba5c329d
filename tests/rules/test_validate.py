"""Broken packs: every problem names the file, the rule id and the field, and an invalid pack never loads."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from justice_tracker.rules.loader import load_pack_file
from justice_tracker.rules.model import Kind, Unit
from justice_tracker.rules.validate import InvalidPackError, parse_pack_data, validate_pack_data, validate_pack_files

SOURCE = "xx.yaml"


def valid_pack() -> dict[str, Any]:
    return {
        "code": "XX",
        "name": "Test pack",
        "instruments": ["Test Act"],
        "version_date": "2026-01-01",
        "time_zone": "Europe/London",
        "holiday_country": "GB",
        "subdivision": "ENG",
        "rules": [
            {
                "id": "xx-deadline",
                "title": "Before a judge within 24 hours",
                "kind": "deadline",
                "start": "apprehended",
                "met_by": ["brought_before_authority", "released"],
                "limit": 24,
                "unit": "hours",
                "extensions": [
                    {"authority": "Judge", "citation": "s. 2", "verification": "P", "amount": 12, "unit": "hours"}
                ],
                "consequence": {"kind": "release", "text": "Release."},
                "citation": "Test Act s. 1",
                "source_url": "https://example.org/act",
                "verification": "P",
                "force": "binding",
            },
            {
                "id": "xx-prohibition",
                "title": "Never with adults",
                "kind": "prohibition",
                "start": "any_custody",
                "when": "not_separated_from_adults",
                "conditions": {"age_max": 13},
                "consequence": {"kind": "unspecified", "text": "Move the child."},
                "citation": "Test Act s. 3",
                "source_url": "https://example.org/act",
                "verification": "V",
                "force": "binding",
            },
        ],
    }


def deadline_rule(data: dict[str, Any]) -> dict[str, Any]:
    return data["rules"][0]


def prohibition_rule(data: dict[str, Any]) -> dict[str, Any]:
    return data["rules"][1]


Mutation = Callable[[dict[str, Any]], None]

BROKEN: list[Any] = [
    pytest.param(lambda d: deadline_rule(d).pop("citation"), "xx-deadline", "citation", id="missing citation"),
    pytest.param(lambda d: deadline_rule(d).update(kind="timer"), "xx-deadline", "kind", id="unknown kind"),
    pytest.param(lambda d: deadline_rule(d).update(unit="weeks"), "xx-deadline", "unit", id="unknown unit"),
    pytest.param(lambda d: deadline_rule(d).update(limit=0), "xx-deadline", "limit", id="zero limit"),
    pytest.param(lambda d: deadline_rule(d).update(limit="24"), "xx-deadline", "limit", id="limit as text"),
    pytest.param(lambda d: deadline_rule(d).pop("unit"), "xx-deadline", "unit", id="limit without unit"),
    pytest.param(lambda d: deadline_rule(d).update(limt=3), "xx-deadline", "limt", id="misspelt field"),
    pytest.param(
        lambda d: deadline_rule(d).update(first_limit=6), "xx-deadline", "first_limit", id="field of another kind"
    ),
    pytest.param(lambda d: deadline_rule(d).update(verification="X"), "xx-deadline", "verification", id="bad level"),
    pytest.param(lambda d: deadline_rule(d).update(force="soft"), "xx-deadline", "force", id="bad force"),
    pytest.param(
        lambda d: deadline_rule(d)["consequence"].pop("text"), "xx-deadline", "consequence.text", id="no consequence"
    ),
    pytest.param(
        lambda d: deadline_rule(d)["consequence"].update(kind="jail"), "xx-deadline", "consequence.kind", id="bad kind"
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(source_url="http://example.org"), "xx-deadline", "source_url", id="not https"
    ),
    pytest.param(lambda d: deadline_rule(d).update(id="XX Deadline"), "XX Deadline", "id", id="id not a slug"),
    pytest.param(lambda d: prohibition_rule(d).update(id="xx-deadline"), "xx-deadline", "id", id="duplicate id"),
    pytest.param(lambda d: deadline_rule(d).update(start="arrested"), "xx-deadline", "start.event", id="unknown start"),
    pytest.param(
        lambda d: deadline_rule(d).update(met_by=["released", "freed"]),
        "xx-deadline",
        "met_by[1].event",
        id="unknown met_by event",
    ),
    pytest.param(lambda d: deadline_rule(d).update(met_by=[]), "xx-deadline", "met_by", id="empty met_by"),
    pytest.param(
        lambda d: deadline_rule(d).update(met_by=[{"event": "hearing_held", "where": {"colour": "red"}}]),
        "xx-deadline",
        "met_by[0].where.colour",
        id="where on a field the event does not have",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(
            start={"event": "apprehended", "preceded_by": {"event": "released", "where": {"kind": ["sideways"]}}}
        ),
        "xx-deadline",
        "start.preceded_by.where.kind",
        id="where value not among the choices",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(start={"state": "any_custody", "event": "apprehended"}),
        "xx-deadline",
        "start",
        id="start names an event and a state",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(exclusions=["sundays"]), "xx-deadline", "exclusions[0]", id="bad exclusion"
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(
            exclusions=["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        ),
        "xx-deadline",
        "exclusions",
        id="every weekday excluded",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(first_day_counts=True),
        "xx-deadline",
        "first_day_counts",
        id="first day of hours",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(limit=2, unit="months", exclusions=["sunday"]),
        "xx-deadline",
        "exclusions",
        id="exclusions on months",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(expiry_on_non_working_day="later"),
        "xx-deadline",
        "expiry_on_non_working_day",
        id="bad expiry",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(not_before={"amount": 30, "unit": "hours"}),
        "xx-deadline",
        "not_before",
        id="window opens after it closes",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(warning={"fraction": 1.5}),
        "xx-deadline",
        "warning.fraction",
        id="bad warning",
    ),
    pytest.param(
        lambda d: deadline_rule(d).update(warning={"amount": 2, "unit": "months"}),
        "xx-deadline",
        "warning.unit",
        id="warning in months",
    ),
    pytest.param(
        lambda d: deadline_rule(d)["extensions"][0].update(amount=None, unit=None),
        "xx-deadline",
        "extensions[0]",
        id="extension without a size",
    ),
    pytest.param(
        lambda d: deadline_rule(d)["extensions"][0].update(unit="months"),
        "xx-deadline",
        "extensions[0].amount",
        id="extension in months on an hour limit",
    ),
    pytest.param(
        lambda d: deadline_rule(d)["extensions"][0].update(up_to={"amount": 12, "unit": "hours"}),
        "xx-deadline",
        "extensions[0].up_to",
        id="extension total below the limit",
    ),
    pytest.param(
        lambda d: deadline_rule(d)["extensions"][0].update(max_count=0),
        "xx-deadline",
        "extensions[0].max_count",
        id="extension count zero",
    ),
    pytest.param(
        lambda d: deadline_rule(d)["extensions"][0].pop("citation"),
        "xx-deadline",
        "extensions[0].citation",
        id="extension without citation",
    ),
    pytest.param(
        lambda d: prohibition_rule(d).update(start="apprehended"), "xx-prohibition", "when", id="when needs a state"
    ),
    pytest.param(
        lambda d: prohibition_rule(d)["conditions"].update(age_min=15),
        "xx-prohibition",
        "conditions.age_max",
        id="age band upside down",
    ),
    pytest.param(
        lambda d: prohibition_rule(d)["conditions"].update(age_at="birth"),
        "xx-prohibition",
        "conditions.age_at",
        id="bad age_at",
    ),
    pytest.param(
        lambda d: prohibition_rule(d)["conditions"].update(penalty_years_max=-1),
        "xx-prohibition",
        "conditions.penalty_years_max",
        id="negative penalty",
    ),
    pytest.param(
        lambda d: prohibition_rule(d)["conditions"].update(offence_date_from="19 Aug 2022"),
        "xx-prohibition",
        "conditions.offence_date_from",
        id="bad date",
    ),
    pytest.param(
        lambda d: prohibition_rule(d)["conditions"].update(hair="red"),
        "xx-prohibition",
        "conditions.hair",
        id="unknown condition",
    ),
    pytest.param(
        lambda d: prohibition_rule(d).update(limit=3, unit="hours"),
        "xx-prohibition",
        "limit",
        id="prohibition with a limit",
    ),
    pytest.param(
        lambda d: prohibition_rule(d).update(kind="recurring", start="apprehended"),
        "xx-prohibition",
        "start",
        id="recurring from an event",
    ),
    pytest.param(lambda d: d.update(time_zone="Mars/Olympus"), None, "time_zone", id="bad time zone"),
    pytest.param(lambda d: d.update(holiday_country="XX"), None, "holiday_country", id="unknown holiday country"),
    pytest.param(lambda d: d.update(subdivision="ZZ"), None, "subdivision", id="unknown subdivision"),
    pytest.param(lambda d: d.update(code="gb eaw"), None, "code", id="bad code"),
    pytest.param(lambda d: d.update(version_date="soon"), None, "version_date", id="bad version date"),
    pytest.param(lambda d: d.update(age_of_majority="18"), None, "age_of_majority", id="age as text"),
    pytest.param(lambda d: d.update(rules=[]), None, "rules", id="no rules"),
    pytest.param(lambda d: d.pop("instruments"), None, "instruments", id="no instruments"),
    pytest.param(lambda d: d.update(colour="blue"), None, "colour", id="unknown pack field"),
]


def test_the_base_pack_is_valid() -> None:
    pack, problems = parse_pack_data(valid_pack(), source=SOURCE)
    assert problems == []
    assert pack is not None
    assert [rule.kind for rule in pack.rules] == [Kind.DEADLINE, Kind.PROHIBITION]
    assert pack.rules[0].limit is not None and pack.rules[0].limit.unit is Unit.HOURS


@pytest.mark.parametrize(("mutate", "rule_id", "field"), BROKEN)
def test_each_problem_names_file_rule_and_field(mutate: Mutation, rule_id: str | None, field: str) -> None:
    data = copy.deepcopy(valid_pack())
    mutate(data)
    pack, problems = parse_pack_data(data, source=SOURCE)
    assert pack is None
    assert any(p.rule_id == rule_id and p.field == field for p in problems), [str(p) for p in problems]
    for problem in problems:
        assert problem.source == SOURCE
        text = str(problem)
        assert text.startswith(f"{SOURCE}: ")
        assert problem.field in text
        if problem.rule_id:
            assert f"rule {problem.rule_id}" in text


def test_not_a_mapping_at_all() -> None:
    assert [str(p) for p in validate_pack_data(["code", "XX"], source=SOURCE)] == [
        "xx.yaml: (whole): must be a mapping, not list"
    ]


def test_a_rule_that_is_not_a_mapping_is_named_by_position() -> None:
    data = valid_pack()
    data["rules"].append("xx-third")
    problems = validate_pack_data(data, source=SOURCE)
    assert [(p.rule_id, p.field) for p in problems] == [("rules[2]", "(whole)")]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_name_must_be_the_code(tmp_path: Path) -> None:
    path = write(tmp_path, "yy.yaml", yaml.safe_dump(valid_pack(), allow_unicode=True))
    problems = validate_pack_files([path])
    assert [(p.source, p.rule_id, p.field) for p in problems] == [("yy.yaml", None, "code")]


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    text = yaml.safe_dump(valid_pack(), sort_keys=False) + "code: XX\n"
    problems = validate_pack_files([write(tmp_path, "xx.yaml", text)])
    assert len(problems) == 1
    assert problems[0].field == "file"
    assert "duplicate key 'code'" in problems[0].message


def test_unreadable_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = validate_pack_files([write(tmp_path, "xx.yaml", "code: [XX\n")])
    assert [(p.source, p.field) for p in problems] == [("xx.yaml", "file")]


def test_the_loader_refuses_an_invalid_pack_with_every_problem(tmp_path: Path) -> None:
    data = valid_pack()
    deadline_rule(data).pop("citation")
    prohibition_rule(data).update(verification="Z")
    path = write(tmp_path, "xx.yaml", yaml.safe_dump(data))
    with pytest.raises(InvalidPackError) as raised:
        load_pack_file(path)
    assert {(p.rule_id, p.field) for p in raised.value.problems} == {
        ("xx-deadline", "citation"),
        ("xx-prohibition", "verification"),
    }
    assert "xx.yaml: rule xx-deadline: citation: is required" in str(raised.value)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    pack = load_pack_file(write(tmp_path, "xx.yaml", yaml.safe_dump(valid_pack())))
    assert pack.code == "XX"
    assert pack.rule("xx-prohibition") is not None
