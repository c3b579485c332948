"""Rules files: the documented shape is accepted; every mistake is named precisely."""

from __future__ import annotations

import pytest

from heritage_planner.core.definitions import RuleType, Severity
from heritage_planner.core.errors import RulesError
from heritage_planner.core.rules import load_rules, parse_rules

ISSUE_EXAMPLE = """
name = "George Town baseline"
version = "1"
[heritage]            # attribute names in the heritage layer; id defaults to the feature id
id = "hid"
name = "name"
zone = "zone"
category = "category"
[sites]
id = "sid"
kind = "kind"
[[hazards]]
id = "flood"
label = "Flood depth"
unit = "m"
classes = [ { name = "low", max = 0.2 }, { name = "medium", max = 0.5 }, { name = "high", max = 1.0 }, { name = "very_high" } ]
[[rules]]
id = "cell-in-core"
type = "siting"                                  # siting | exposure | site_hazard
site_kinds = ["5g_small_cell", "smart_pole"]     # optional; empty or missing = all kinds
zones = ["core"]                                 # optional heritage zone filter
categories = []                                  # optional heritage category filter
distance_m = 0.0
severity = "high"                                # low | medium | high | critical
message = "{site_kind} inside the core zone of {heritage_name}"   # optional template
[[rules]]
id = "heritage-flood"
type = "exposure"
hazard = "flood"
min_class = "high"
min_fraction = 0.25
severity = "high"
[[rules]]
id = "site-flooded"
type = "site_hazard"
hazard = "flood"
min_class = "high"
severity = "medium"
"""


def test_issue_example_parses():
    rs = parse_rules(ISSUE_EXAMPLE, source="ex.toml")
    assert rs.name == "George Town baseline" and rs.version == "1"
    assert [r.type for r in rs.rules] == [RuleType.SITING, RuleType.EXPOSURE, RuleType.SITE_HAZARD]
    assert rs.rules[0].site_kinds == ("5g_small_cell", "smart_pole")
    assert rs.rules[1].min_fraction == 0.25 and rs.rules[1].severity is Severity.HIGH
    assert rs.hazards["flood"].class_names == ("low", "medium", "high", "very_high")
    assert len(rs.sha256) == 64


def test_classes_are_min_exclusive_max_inclusive():
    hz = parse_rules(ISSUE_EXAMPLE).hazards["flood"]
    got = hz.classify([-5, 0.2, 0.2000001, 0.5, 1.0, 1.0000001, 99, float("nan")]).tolist()
    assert got == [0, 0, 1, 1, 2, 3, 3, -1]


def test_builtin_rules_load():
    rs = load_rules()
    assert rs.name and len(rs.rules) >= 3 and rs.source.endswith("default.toml")


def _bad(replace_from: str, replace_to: str) -> str:
    assert replace_from in ISSUE_EXAMPLE
    return ISSUE_EXAMPLE.replace(replace_from, replace_to, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _bad("distance_m = 0.0", "distanse_m = 0.0"),
            "rule 'cell-in-core': unknown key 'distanse_m'",
        ),
        (
            _bad("distance_m = 0.0", 'distance_m = "near"'),
            "rule 'cell-in-core': 'distance_m' must be an integer or a number, got a string",
        ),
        (
            _bad('severity = "medium"', 'severity = "urgent"'),
            "rule 'site-flooded': unknown severity 'urgent'",
        ),
        (
            _bad('min_class = "high"\nmin_fraction', 'min_class = "severe"\nmin_fraction'),
            "rule 'heritage-flood': unknown class 'severe' of hazard 'flood'",
        ),
        (
            _bad(
                'hazard = "flood"\nmin_class = "high"\nseverity = "medium"',
                'hazard = "storm"\nmin_class = "high"\nseverity = "medium"',
            ),
            "rule 'site-flooded': unknown hazard 'storm'",
        ),
        (
            _bad('id = "site-flooded"', 'id = "heritage-flood"'),
            "rule 'heritage-flood': duplicate rule id",
        ),
        (
            _bad('type = "siting"', 'type = "sitting"'),
            "rule 'cell-in-core': unknown type 'sitting'",
        ),
        (_bad("[heritage]", 'colour = "red"\n[heritage]'), "top level: unknown key 'colour'"),
        (_bad('zone = "zone"', 'zones = "zone"'), "[heritage]: unknown key 'zones'"),
        (
            _bad('{ name = "very_high" }', '{ name = "very_high", max = 3 }'),
            "the last class 'very_high' must not have a 'max'",
        ),
        (
            _bad("min_fraction = 0.25", "min_fraction = 25"),
            "'min_fraction' must be between 0 and 1",
        ),
        (
            _bad('site_kinds = ["5g_small_cell", "smart_pole"]', 'site_kinds = "5g_small_cell"'),
            "'site_kinds' must be a list",
        ),
        (_bad('{heritage_name}"', '{heritage}"'), "'message' uses unknown field {heritage}"),
        ("name = 'x'\nversion = 1\n[[rules]\n", "rules.toml: not valid TOML"),
        (_bad('name = "George Town baseline"\n', ""), "top level: missing key 'name'"),
    ],
)
def test_errors_name_file_rule_key_and_expectation(text, expected):
    with pytest.raises(RulesError) as err:
        parse_rules(text, source="rules.toml")
    msg = str(err.value)
    assert msg.startswith("rules.toml: ")
    assert expected in msg
    assert "\n" not in msg


def test_missing_file(tmp_path):
    with pytest.raises(RulesError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")


def test_message_template_renders_and_never_raises():
    rs = parse_rules(ISSUE_EXAMPLE)
    r = rs.rules[0]
    assert r.render({"site_kind": "smart_pole", "heritage_name": "Khoo Kongsi 邱公司"}) == (
        "smart_pole inside the core zone of Khoo Kongsi 邱公司"
    )
    assert r.render({}) == " inside the core zone of "
