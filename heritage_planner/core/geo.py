"""CRS handling: parsing, analysis-CRS choice, vectorised reprojection of shapely geometries."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from .errors import InputError


def parse_crs(text: str | CRS, *, what: str = "CRS") -> CRS:
    if isinstance(text, CRS):
        return text
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise InputError(f"{what}: unknown CRS {text!r} (use e.g. EPSG:32647)") from None


def choose_analysis_crs(
    heritage_crs: CRS, heritage_geoms: np.ndarray, override: str | CRS | None = None
) -> CRS:
    """The heritage layer's CRS if projected in metres, else the UTM zone of the data's centre
    (distances in rules are metres)."""
    if override is not None:
        crs = parse_crs(override, what="--analysis-crs")
        if not crs.is_projected:
            raise InputError(
                f"--analysis-crs {override}: must be a projected CRS in metres, not geographic"
            )
        if not in_metres(crs):
            raise InputError(
                f"--analysis-crs {override}: its unit is not the metre; pick a metric CRS"
            )
        return crs
    if heritage_crs.is_projected and in_metres(heritage_crs):
        return heritage_crs
    to_ll = transformer(heritage_crs, CRS.from_epsg(4326))
    xmin, ymin, xmax, ymax = shapely.total_bounds(heritage_geoms)
    if not np.isfinite([xmin, ymin, xmax, ymax]).all():
        return CRS.from_epsg(3857)
    lon, lat = to_ll.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def in_metres(crs: CRS) -> bool:
    """True when the CRS's horizontal axes are in metres (distances in rules are metres)."""
    try:
        return all(abs(a.unit_conversion_factor - 1.0) < 1e-12 for a in crs.axis_info[:2])
    except (AttributeError, TypeError):
        return False


@lru_cache(maxsize=64)
def _transformer(src_wkt: str, dst_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(src_wkt), CRS.from_wkt(dst_wkt), always_xy=True)


def transformer(src: CRS, dst: CRS) -> Transformer:
    return _transformer(src.to_wkt(), dst.to_wkt())


def same_crs(a: CRS, b: CRS) -> bool:
    return a == b or a.to_wkt() == b.to_wkt()


def reproject(geoms: np.ndarray, src: CRS, dst: CRS) -> np.ndarray:
    """All geometries from ``src`` to ``dst`` in one vectorised call (vertices transformed)."""
    if same_crs(src, dst) or len(geoms) == 0:
        return geoms
    tr = transformer(src, dst)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geoms, _xy)
    bad = ~np.isfinite(shapely.bounds(out)).all(axis=1) & ~shapely.is_empty(out)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} geometries cannot be transformed from {src.name} to {dst.name}"
        )
    return out
