"""Translation: one context for every user-facing string, and the translator install."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "HeritagePlanner"


def tr(text: str) -> str:
    """Translate ``text`` (a literal, so the .ts extractor finds it)."""
    return QCoreApplication.translate(CONTEXT, text)


def qgis_locale() -> str:
    """Two-letter language QGIS runs in (user override, else the system's)."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    name = ""
    if settings.value("locale/overrideFlag", False, type=bool):
        name = str(settings.value("locale/userLocale", "") or "")
    if not name:
        try:
            from qgis.core import QgsApplication

            name = QgsApplication.locale()
        except (ImportError, AttributeError):
            name = ""
    if not name:
        name = QLocale.system().name()
    return name[:2].lower()


def i18n_dir() -> Path:
    from ..core.paths import resource_path

    return resource_path("i18n")


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load ``heritage_planner_<locale>.qm`` into the application; None if there is none."""
    lang = (locale or qgis_locale())[:2].lower()
    qm = i18n_dir() / f"heritage_planner_{lang}.qm"
    if not qm.is_file():
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
