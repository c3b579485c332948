"""Small real test data: GeoTIFFs and vector files written with rasterio/GDAL."""

from __future__ import annotations

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def write_raster(
    path: Path,
    values: np.ndarray,
    *,
    crs: str = "EPSG:32647",
    origin: tuple[float, float] = (0.0, 0.0),
    res: tuple[float, float] = (10.0, 10.0),
    nodata: float | None = -9999.0,
    dtype: str | None = None,
    tiled: bool = False,
) -> Path:
    """A GeoTIFF with ``values`` (row 0 at the top) and its top-left corner at ``origin``."""
    import rasterio
    from rasterio.transform import from_origin

    arr = np.asarray(values)
    profile = {
        "driver": "GTiff",
        "width": arr.shape[1],
        "height": arr.shape[0],
        "count": 1,
        "dtype": dtype or str(arr.dtype),
        "crs": crs,
        "transform": from_origin(origin[0], origin[1], res[0], res[1]),
        "nodata": nodata,
    }
    if tiled:
        profile.update(tiled=True, blockxsize=16, blockysize=16, compress="deflate")
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(arr.astype(profile["dtype"]), 1)
    return path


def write_vector(
    path: Path,
    geoms: list,
    attributes: dict[str, list] | None = None,
    *,
    crs: str = "EPSG:32647",
    layer: str | None = None,
    driver: str = "GPKG",
) -> Path:
    """A vector file with shapely ``geoms`` and attribute columns (types from the values)."""
    import shapely
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    drv = ogr.GetDriverByName(driver)
    ds = (
        drv.Open(str(path), 1)
        if path.exists() and driver == "GPKG"
        else drv.CreateDataSource(str(path))
    )
    lyr = ds.CreateLayer(layer or path.stem, srs, ogr.wkbUnknown)
    attributes = attributes or {}
    for name, values in attributes.items():
        sample = next((v for v in values if v is not None), "")
        kind = (
            ogr.OFTInteger64
            if isinstance(sample, int)
            else ogr.OFTReal
            if isinstance(sample, float)
            else ogr.OFTString
        )
        lyr.CreateField(ogr.FieldDefn(name, kind))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, values in attributes.items():
            if values[i] is not None:
                f.SetField(name, values[i])
        if g is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(g)))
        lyr.CreateFeature(f)
    ds = None
    return path
