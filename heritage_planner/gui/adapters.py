"""Adapters at the edge: QGIS layers into what the engine reads.

Vector layers become a :class:`VectorSnapshot` on the main thread (a thread-safe
``QgsVectorLayerFeatureSource`` plus the layer's name and CRS); the task turns it into
``VectorData`` off the GUI thread. Rasters reach the engine by path: a file GDAL can open
is used as is, anything else (WMS, memory, virtual) is written once to a temporary GeoTIFF.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsFeatureRequest,
    QgsProject,
    QgsRasterFileWriter,
    QgsRasterLayer,
    QgsRasterPipe,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)

from ..core.errors import CancelledError, InputError
from ..qgis_utils import crs_text  # noqa: F401
from ..qgis_utils import feature_wkb as _wkb
from ..qgis_utils import plain as _plain
from .i18n import tr


def layer_file(layer: Any) -> str | None:
    """The local file behind an OGR/GDAL layer, else None."""
    if layer is None or layer.providerType() not in ("ogr", "gdal"):
        return None
    path = layer.source().split("|")[0]
    return path if os.path.isfile(path) else None


@dataclass
class VectorSnapshot:
    """A vector layer copied for a worker thread; :meth:`read` runs off the GUI thread."""

    name: str
    crs: str
    source: QgsVectorLayerFeatureSource = field(repr=False)
    field_names: list[str]
    layer_id: str
    source_uri: str
    path: str | None = None

    @classmethod
    def from_layer(
        cls, layer: QgsVectorLayer, *, name: str | None = None, what: str
    ) -> VectorSnapshot:
        if layer is None or not layer.isValid():
            raise InputError(tr("{what}: the layer is not valid").format(what=what))
        if not layer.crs().isValid():
            raise InputError(
                tr("{what} {name}: layer has no CRS; set one in the layer properties").format(
                    what=what, name=layer.name()
                )
            )
        return cls(
            name=name or layer.name(),
            crs=crs_text(layer.crs()),
            source=QgsVectorLayerFeatureSource(layer),
            field_names=[f.name() for f in layer.fields()],
            layer_id=layer.id(),
            source_uri=layer.publicSource(),
            path=layer_file(layer),
        )

    def read(self, is_cancelled: Callable[[], bool] | None = None) -> Any:
        """The features as engine ``VectorData`` (WKB, feature ids, attributes)."""
        from ..core.vector import VectorData

        wkbs: list[bytes | None] = []
        fids: list[int] = []
        attrs: dict[str, list[Any]] = {n: [] for n in self.field_names}
        req = QgsFeatureRequest()
        for n, feat in enumerate(self.source.getFeatures(req)):
            if is_cancelled is not None and n % 2000 == 0 and is_cancelled():
                raise CancelledError()
            wkbs.append(_wkb(feat.geometry()))
            fids.append(int(feat.id()))
            values = feat.attributes()
            for i, name in enumerate(self.field_names):
                attrs[name].append(_plain(values[i]) if i < len(values) else None)
        return VectorData.from_wkb(
            self.name,
            wkbs,
            self.crs,
            fids=fids,
            attributes=attrs,
            source=self.source_uri,
            path=self.path,
        )


def unique_names(names: list[str]) -> list[str]:
    """The engine's rule for repeated site layer names (``a``, ``a_2``...), applied up front."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 1
        out.append(n)
    return out


class RasterExporter:
    """Paths GDAL can open for raster layers; non-file layers are written once to GeoTIFF."""

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._cache: dict[tuple[str, str], str] = {}

    def path_for(self, layer: QgsRasterLayer) -> str:
        """Call on the main thread (it may read from the layer's provider)."""
        if layer is None or not layer.isValid():
            raise InputError(tr("hazard raster: the layer is not valid"))
        path = layer_file(layer)
        if path is not None:
            return path
        key = (layer.id(), layer.source())
        cached = self._cache.get(key)
        if cached and os.path.isfile(cached):
            return cached
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="heritage_planner_"))
        out = self._dir / f"raster_{len(self._cache) + 1}.tif"
        provider = layer.dataProvider()
        if provider.xSize() <= 0 or provider.ySize() <= 0:
            raise InputError(
                tr(
                    "hazard raster {name}: has no fixed resolution (a web service?); "
                    "save it as a GeoTIFF first (Export > Save As…)"
                ).format(name=layer.name())
            )
        pipe = QgsRasterPipe()
        if not pipe.set(provider.clone()):
            raise InputError(
                tr("hazard raster {name}: cannot read it to a file").format(name=layer.name())
            )
        writer = QgsRasterFileWriter(str(out))
        writer.setOutputFormat("GTiff")
        writer.setCreateOptions(["COMPRESS=DEFLATE", "TILED=YES"])
        err = writer.writeRaster(
            pipe,
            provider.xSize(),
            provider.ySize(),
            provider.extent(),
            provider.crs(),
            QgsProject.instance().transformContext(),
        )
        if err != QgsRasterFileWriter.WriterError.NoError or not out.is_file():
            raise InputError(
                tr(
                    "hazard raster {name}: writing a temporary GeoTIFF failed (error {code})"
                ).format(name=layer.name(), code=int(err))
            )
        self._cache[key] = str(out)
        return str(out)

    def cleanup(self) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None
        self._cache.clear()
