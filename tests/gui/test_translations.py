"""Every user-facing string goes through tr() and has a Malay translation."""

from __future__ import annotations

import re

import i18n_sync

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_tr_string_has_a_finished_malay_translation():
    strings = i18n_sync.extract()
    assert len(strings) > 80
    ms = i18n_sync.read_ts(i18n_sync.I18N / "heritage_planner_ms.ts")
    missing = [s for s in strings if s not in ms or not ms[s][1] or not ms[s][0]]
    assert missing == [], "run tests/gui/i18n_sync.py and translate: " + repr(missing)
    for src in strings:
        assert sorted(PLACEHOLDER.findall(src)) == sorted(PLACEHOLDER.findall(ms[src][0])), src
    en = i18n_sync.read_ts(i18n_sync.I18N / "heritage_planner_en.ts")
    assert set(en) == set(strings)


def test_no_user_strings_outside_tr():
    """Widgets get their text through tr(): no string literal passed to setText & co."""
    import ast

    calls = {
        "setText",
        "setToolTip",
        "setPlaceholderText",
        "setWindowTitle",
        "addItem",
        "QLabel",
        "QPushButton",
    }
    offenders = []
    for path in i18n_sync.SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            arg = node.args[0]
            if name in calls and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value.strip() and any(ch.isalpha() for ch in arg.value):
                    offenders.append(f"{path.name}:{node.lineno} {arg.value!r}")
    assert offenders == []
