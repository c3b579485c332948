"""Two districts x three flood scenarios, worked out by hand.

Each district has four heritage polygons H1..H4 (10 m squares at x = 0, 20, 40, 60); the
shared sites layer has a CCTV camera inside each district's H3 (both cameras are sites of
every job). The flood rasters put 0.8 m of water ('high' class) on: baseline x 0..10 (H1),
2050 x 0..30 (H1, H2), 2100 x 20..50 (H2, H3 and both cameras). So the heritage-flood
conflicts are {H1}, {H1, H2}, {H2, H3}; site-flooded (both cameras) only in 2100;
baseline -> 2050 adds H2; 2050 -> 2100 adds H3 and the two cameras and removes H1.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import shapely

X0, Y0 = 500_000.0, 1_000_000.0
DISTRICTS = {"north": 0.0, "south": 100.0}  # y offset
FLOODED = {"baseline": (0, 10), "2050": (0, 30), "2100": (20, 50)}  # x range with water
EXPECTED_FLOOD = {"baseline": {"H1"}, "2050": {"H1", "H2"}, "2100": {"H2", "H3"}}


def write_raster(path: Path, values: np.ndarray, *, res: float = 2.0) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=values.shape[1],
        height=values.shape[0],
        count=1,
        dtype="float32",
        crs="EPSG:32647",
        nodata=-9999.0,
        transform=from_origin(X0 - 10, Y0 + 120, res, res),
    ) as ds:
        ds.write(values.astype("float32"), 1)
    return path


def flood_raster(path: Path, x_range: tuple[float, float], depth: float = 0.8) -> Path:
    """Raster over x -10..90, y -10..120 (2 m cells) with ``depth`` on x in ``x_range``."""
    arr = np.zeros((65, 50), dtype="float32")
    c0, c1 = int((x_range[0] + 10) / 2), int((x_range[1] + 10) / 2)
    arr[:, c0:c1] = depth
    return write_raster(path, arr)


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


def heritage(path: Path, dy: float, ids: list[str] | None = None) -> Path:
    boxes = [shapely.box(X0 + x, Y0 + dy, X0 + x + 10, Y0 + dy + 10) for x in (0, 20, 40, 60)]
    return write_vector(
        path,
        boxes,
        {
            "hid": ids or ["H1", "H2", "H3", "H4"],
            "name": [f"Building {k}" for k in range(1, 5)],
            "zone": ["core", "buffer", "outer", "outer"],
            "category": ["II", "II", "III", "III"],
        },
        layer="heritage",
    )


def make_batch_sample(folder: Path) -> Path:
    """Write the data and ``jobs.toml``; returns the job file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, dy in DISTRICTS.items():
        heritage(folder / f"{name}.gpkg", dy)
    write_vector(
        folder / "sites.gpkg",
        [shapely.Point(X0 + 45, Y0 + dy + 5) for dy in DISTRICTS.values()],
        {"sid": [f"cam-{d}" for d in DISTRICTS], "kind": ["cctv", "cctv"]},
        layer="points",
    )
    for scen, xr in FLOODED.items():
        flood_raster(folder / f"flood_{scen}.tif", xr)
    jobs = folder / "jobs.toml"
    jobs.write_text(job_file_text())
    return jobs


def job_file_text(extra_north: str = "", extra_defaults: str = "") -> str:
    return f"""
[defaults]
sites = ["sites.gpkg|layername=points"]
out_dir = "results"
{extra_defaults}

[[jobs]]
name = "north"
heritage = "north.gpkg"
{extra_north}
[jobs.scenarios]
baseline = ["flood=flood_baseline.tif"]
2050 = ["flood=flood_2050.tif"]
2100 = ["flood=flood_2100.tif"]

[[jobs]]
name = "south"
heritage = "south.gpkg|layername=heritage"
[jobs.scenarios]
baseline = ["flood=flood_baseline.tif"]
2050 = ["flood=flood_2050.tif"]
2100 = ["flood=flood_2100.tif"]
"""


def read_layer(path: Path, name: str) -> list[dict]:
    """Rows of a GeoPackage layer (with geometry as WKT), in file order."""
    from osgeo import ogr

    ds = ogr.Open(str(path))
    lyr = ds.GetLayerByName(name)
    rows = []
    for f in lyr:
        row = {k: f.GetField(k) for k in f.keys()}
        g = f.GetGeometryRef()
        row["_wkt"] = None if g is None else g.ExportToIsoWkt()
        rows.append(row)
    ds = None
    return rows


def result_tables(path: Path) -> dict[str, list[dict]]:
    return {n: read_layer(path, n) for n in ("conflicts", "exposure", "site_hazard")}


# --------------------------------------------------------------------------- fault injection


def install_fault(job: str, marker_dir: str, always: bool = False) -> None:
    """In a worker process: tasks of ``job`` SIGKILL their own process halfway through the
    analysis (once per task, or every time with ``always``)."""
    from heritage_planner.batch import partition
    from heritage_planner.core.engine import run_analysis

    orig = partition.run_task

    def run_task(task):  # noqa: ANN001
        if task.job != job:
            return orig(task)
        marker = Path(marker_dir) / f"{task.key.replace('/', '_')}.died"

        def progress(frac: float, text: str) -> None:
            if frac >= 0.3 and (always or not marker.exists()):
                with open(marker, "a") as fh:
                    fh.write(f"{os.getpid()}\n")
                time.sleep(0.05)
                os.kill(os.getpid(), signal.SIGKILL)

        return run_analysis(task.request, progress=progress)

    partition.run_task = run_task


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - dask is in .ci/requirements.txt
    WorkerPlugin = object  # type: ignore[misc,assignment]


class FaultPlugin(WorkerPlugin):
    """The same fault for Dask workers (``Client.register_plugin``); restarted workers get
    it too, and the marker files make "once" mean once across them."""

    def __init__(self, job: str, marker_dir: str, always: bool = False) -> None:
        self.args = (job, marker_dir, always)
        self.name = f"hp-fault-{job}"

    def setup(self, worker=None) -> None:  # noqa: ANN001
        install_fault(*self.args)
