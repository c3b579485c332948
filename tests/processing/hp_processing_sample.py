"""The hand-checked Processing sample: three heritage polygons, two sites layers, a flood raster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

#: Conflicts the sample must give, worked out by hand (see ``sample`` below):
#: (rule_id, severity, heritage_id, site_layer, site_id, distance_m, value)
EXPECTED = {
    ("cabinet-near-grade-i", "critical", "H1", "points", "S2", 3.0, None),
    ("cell-in-core", "high", "H1", "points", "S1", 0.0, None),
    ("heritage-flood", "high", "H1", None, None, None, 0.5),
    ("fibre-trench", "medium", "H2", "lines", "L1", 1.5, None),
    ("site-flooded", "medium", None, "points", "S1", None, 0.8),
    ("sensor-setback", "low", "H2", "points", "S3", 0.5, None),
}
X0, Y0 = 500_000.0, 1_000_000.0  # UTM 47N, near George Town


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def pt(x: float, y: float) -> shapely.Point:
    return shapely.Point(X0 + x, Y0 + y)


def make_sample(folder: Path) -> dict[str, Path]:
    """H1 (core, cat. I) is half flooded 0.8 m deep; S1 a small cell inside H1 in the water;
    S2 a street cabinet 3 m from H1; S3 a sensor 0.5 m from H2 (buffer); L1 a fibre trench
    1.5 m from H2 (cat. II); S4, S5 and H3 are controls that must give nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    her = write_vector(
        folder / "her.gpkg",
        [box(0, 0, 10, 10), box(50, 0, 60, 10), box(0, 50, 10, 60)],
        {
            "hid": ["H1", "H2", "H3"],
            "name": ["Khoo Kongsi", "Shophouse 12", "Warehouse"],
            "zone": ["core", "buffer", "outer"],
            "category": ["I", "II", "III"],
        },
        layer="her",
    )
    sites = folder / "sites.gpkg"
    write_vector(
        sites,
        [pt(2, 5), pt(13, 5), pt(49.5, 5), pt(30, 30), pt(5, 55)],
        {
            "sid": ["S1", "S2", "S3", "S4", "S5"],
            "kind": ["5g_small_cell", "street_cabinet", "iot_sensor", "cctv", "smart_pole"],
        },
        layer="points",
    )
    write_vector(
        sites,
        [shapely.LineString([(X0 + 61.5, Y0), (X0 + 61.5, Y0 + 10)])],
        {"sid": ["L1"], "kind": ["fibre_conduit"]},
        layer="lines",
    )
    # 1 m cells over x -10..80, y -10..70; 0.8 m of water on x 0..5, y 0..10
    depth = np.zeros((80, 90), dtype="float32")
    depth[70 - 10 : 70 - 0, 10 + 0 : 10 + 5] = 0.8
    flood = write_raster(folder / "flood.tif", depth, origin=(X0 - 10, Y0 + 70), res=1.0)
    return {
        "heritage": her,
        "points": Path(f"{sites}|layername=points"),
        "lines": Path(f"{sites}|layername=lines"),
        "sites_file": sites,
        "flood": flood,
    }


def write_raster(
    path: Path, values: np.ndarray, *, origin: tuple[float, float], res: float
) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype=str(values.dtype),
        crs="EPSG:32647",
        nodata=-9999.0,
        transform=from_origin(origin[0], origin[1], res, res),
    ) as ds:
        ds.write(values, 1)
    return path


def write_vector(path: Path, geoms: list, attributes: dict[str, list], *, layer: str) -> Path:
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32647)
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.Open(str(path), 1) if path.exists() else drv.CreateDataSource(str(path))
    lyr = ds.CreateLayer(layer, srs, ogr.wkbUnknown)
    for name in attributes:
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, values in attributes.items():
            f.SetField(name, values[i])
        f.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(g)))
        lyr.CreateFeature(f)
    ds = None
    return path
