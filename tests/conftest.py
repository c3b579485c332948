"""Shared fixtures: small real GeoTIFFs and vector files written with rasterio/GDAL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hp_data import REPO, write_raster, write_vector  # noqa: F401 (re-exported)

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def raster_factory(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(values, **kw) -> Path:
        return write_raster(tmp_path / f"r{next(counter)}.tif", np.asarray(values), **kw)

    return make


@pytest.fixture
def vector_factory(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(geoms, attributes=None, **kw) -> Path:
        name = kw.pop("name", None) or f"v{next(counter)}"
        ext = {"GPKG": "gpkg", "GeoJSON": "geojson", "ESRI Shapefile": "shp"}[
            kw.get("driver", "GPKG")
        ]
        return write_vector(tmp_path / f"{name}.{ext}", geoms, attributes, **kw)

    return make
