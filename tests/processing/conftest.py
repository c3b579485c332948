"""Fixtures: the provider registered in the real QGIS Processing framework, and the small
hand-checked sample of ``hp_processing_sample``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hp_processing_sample import make_sample


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_sample(tmp_path_factory.mktemp("hp_processing_sample"))


@pytest.fixture(scope="session")
def hp_provider(qgis_processing):
    """The Heritage Planner provider in the Processing registry (as the plugin registers it)."""
    from qgis.core import QgsApplication

    from heritage_planner.processing.provider import HeritagePlannerProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("heritage_planner")
    added = provider is None
    if added:
        provider = HeritagePlannerProvider()
        assert registry.addProvider(provider)
    yield registry.providerById("heritage_planner")
    if added:
        registry.removeProvider("heritage_planner")


@pytest.fixture
def clean_project():
    from qgis.core import QgsProject

    yield QgsProject.instance()
    QgsProject.instance().clear()
