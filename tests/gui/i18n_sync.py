"""Extract every ``tr("...")`` literal of the plugin and (re)write resources/i18n/*.ts.

Qt 5's lupdate does not read Python, so this does its job: ``python tests/gui/i18n_sync.py``
keeps existing translations, adds new strings as unfinished and drops vanished ones.
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own files
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = [
    REPO / "heritage_planner" / "plugin.py",
    *sorted((REPO / "heritage_planner" / "gui").glob("*.py")),
]
I18N = REPO / "resources" / "i18n"
CONTEXT = "HeritagePlanner"
LANGS = {"ms": "ms_MY", "en": "en_GB"}


def extract() -> dict[str, list[str]]:
    """source text -> ["file:line", ...] for every tr("literal") call."""
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                rel = path.relative_to(REPO).as_posix()
                found.setdefault(node.args[0].value, []).append(f"{rel}:{node.lineno}")
    return found


def read_ts(path: Path) -> dict[str, tuple[str, bool]]:
    """source -> (translation, finished)."""
    if not path.is_file():
        return {}
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    out = {}
    for msg in root.iter("message"):
        src = msg.findtext("source") or ""
        tr_el = msg.find("translation")
        text = (tr_el.text or "") if tr_el is not None else ""
        unfinished = tr_el is not None and tr_el.get("type") in (
            "unfinished",
            "vanished",
            "obsolete",
        )
        out[src] = (text, not unfinished)
    return out


def write_ts(
    path: Path, lang: str, strings: dict[str, list[str]], translations: dict[str, tuple[str, bool]]
) -> None:
    root = ET.Element("TS", version="2.1", language=lang, sourcelanguage="en_GB")
    ctx = ET.SubElement(root, "context")
    ET.SubElement(ctx, "name").text = CONTEXT
    for src in sorted(strings):
        msg = ET.SubElement(ctx, "message")
        for file in sorted({loc.rsplit(":", 1)[0] for loc in strings[src]}):
            ET.SubElement(msg, "location", filename="../../" + file)
        ET.SubElement(msg, "source").text = src
        text, finished = translations.get(src, ("", False))
        el = ET.SubElement(msg, "translation")
        if lang.startswith("en"):
            el.text = src
        else:
            el.text = text
            if not (finished and text):
                el.set("type", "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def main() -> int:
    strings = extract()
    for short, lang in LANGS.items():
        path = I18N / f"heritage_planner_{short}.ts"
        write_ts(path, lang, strings, read_ts(path))
        print(f"{path.relative_to(REPO)}: {len(strings)} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
