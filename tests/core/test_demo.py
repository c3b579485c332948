"""The synthetic George Town sample: files, zone areas, determinism, markings, and that the
engine finds conflicts for every default rule in it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import CRS, Transformer

from heritage_planner.core.demo import DemoFiles, generate_demo
from heritage_planner.core.engine import AnalysisRequest, run_analysis
from heritage_planner.core.errors import InputError
from heritage_planner.core.raster import HazardInput
from heritage_planner.core.rules import default_rules_path, load_rules
from heritage_planner.core.vector import read_vector

UTM47N = CRS.from_epsg(32647)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The default sample (2500 buildings, 300 sites), generated once for this module."""
    return generate_demo(tmp_path_factory.mktemp("demo"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def zones_by_name(files: DemoFiles) -> dict[str, shapely.Geometry]:
    z = read_vector(files.zones)
    return dict(zip(z.attributes["zone"], z.geoms, strict=True))


def test_files_exist_open_and_are_utm47n(demo: DemoFiles) -> None:
    assert sorted(p.name for p in demo.folder.iterdir()) == sorted(p.name for p in demo.paths())
    layers = [str(demo.heritage), str(demo.zones), *demo.sites_sources()]
    for src in layers:
        data = read_vector(src)
        assert len(data) > 0, src
        assert data.crs.to_epsg() == 32647, src
    for path in (demo.flood, demo.lst, demo.slr, demo.dem):
        with rasterio.open(path) as ds:
            assert ds.crs.to_epsg() == 32647
            assert ds.dtypes == ("float32",)
            assert ds.nodata == -9999.0
            assert ds.res == (5.0, 5.0)
            assert ds.block_shapes == [(256, 256)]
            assert ds.compression.value == "DEFLATE"


def test_zone_areas_and_layout(demo: DemoFiles) -> None:
    zones = zones_by_name(demo)
    core, buf = zones["core"], zones["buffer"]
    assert core.area / 1e4 == pytest.approx(109.38, abs=0.01)
    assert buf.area / 1e4 == pytest.approx(150.04, abs=0.01)
    z = read_vector(demo.zones)
    assert z.attributes["area_ha"] == [109.38, 150.04]
    assert z.attributes["name"] == ["George Town core zone", "George Town buffer zone"]
    # the buffer is a ring around the core: they only share no area, and the ring's outline
    # holds the core
    assert shapely.intersection(core, buf).area < 1e-6
    assert shapely.Polygon(buf.exterior).contains(core)
    # centred near 100.335°E, 5.417°N
    c = shapely.union(core, buf).centroid
    lon, lat = Transformer.from_crs(UTM47N, "EPSG:4326", always_xy=True).transform(c.x, c.y)
    assert lon == pytest.approx(100.335, abs=0.006)
    assert lat == pytest.approx(5.417, abs=0.006)


def test_sea_lies_north_east_of_the_zones(demo: DemoFiles) -> None:
    zones = shapely.union_all(list(zones_by_name(demo).values()))
    minx, miny, maxx, maxy = zones.bounds
    with rasterio.open(demo.dem) as ds:
        ne, sw = ds.sample([(maxx, maxy), (minx, miny)])
    with rasterio.open(demo.flood) as ds:
        flood_ne = next(ds.sample([(maxx, maxy)]))
    assert ne[0] < 0 < sw[0]
    assert flood_ne[0] == -9999.0  # permanent water is outside the flood model


def test_ids_names_categories_and_zones(demo: DemoFiles) -> None:
    her = read_vector(demo.heritage)
    assert len(her) == 2500
    hids = her.attributes["hid"]
    assert hids[:2] == ["GT-00001", "GT-00002"]
    assert len(set(hids)) == len(hids)
    assert all(re.fullmatch(r"GT-\d{5}", h) for h in hids)
    cats = her.attributes["category"]
    assert set(cats) == {"I", "II"}
    assert cats.count("I") == 125  # 5 %
    names = her.attributes["name"]
    assert all(names)
    for landmark in ("Khoo Kongsi 邱公司", "Cheong Fatt Tze Mansion 张弼士故居",
                     "ஸ்ரீ மகாமாரியம்மன் கோவில்", "Masjid Kapitan Keling"):  # fmt: skip
        assert landmark in names
    assert any(re.fullmatch(r"Shophouse \d+ Lebuh \w+", n) for n in names)
    # the zone attribute says where the building lies
    zones = zones_by_name(demo)
    in_core = shapely.within(her.geoms, zones["core"])
    in_buf = shapely.within(her.geoms, zones["buffer"])
    zone = np.array(her.attributes["zone"])
    assert set(zone) == {"core", "buffer"}
    assert (in_core == (zone == "core")).all()
    assert (in_buf == (zone == "buffer")).all()
    # shophouse sizes, a few multipolygons and a few courtyards (holes)
    assert set(shapely.get_type_id(her.geoms)) == {6}
    assert np.median(shapely.area(her.geoms)) == pytest.approx(110, rel=0.3)
    assert 3 <= (shapely.get_num_geometries(her.geoms) > 1).sum() <= 20
    holes = [sum(len(p.interiors) for p in g.geoms) for g in her.geoms]
    assert 3 <= sum(h > 0 for h in holes) <= 20
    assert shapely.is_valid(her.geoms).all()


def test_sites_layers(demo: DemoFiles) -> None:
    expected = {
        "sites_points": ("P-", {"5g_small_cell", "smart_pole", "iot_sensor", "ev_charger", "cctv"}),
        "sites_lines": ("L-", {"fibre_conduit"}),
        "sites_polygons": ("A-", {"street_cabinet", "ev_charger"}),
    }
    zones = zones_by_name(demo)
    total = outside = core_proposed = 0
    for src in demo.sites_sources():
        s = read_vector(src)
        prefix, kinds = expected[s.name]
        sids = s.attributes["sid"]
        assert len(set(sids)) == len(sids)
        assert all(x.startswith(prefix) for x in sids)
        assert set(s.attributes["kind"]) == kinds
        assert set(s.attributes["status"]) == {"proposed", "existing"}
        assert all(s.attributes["operator"])
        assert shapely.is_valid(s.geoms).all()
        total += len(s)
        outside += int((~shapely.intersects(s.geoms, shapely.union(*zones.values()))).sum())
        proposed = np.array(s.attributes["status"]) == "proposed"
        core_proposed += int((proposed & shapely.within(s.geoms, zones["core"])).sum())
        if s.name == "sites_lines":
            assert np.median(shapely.length(s.geoms)) > 150
        if s.name == "sites_polygons":
            cab = np.array(s.attributes["kind"]) == "street_cabinet"
            assert shapely.area(s.geoms[cab]) == pytest.approx(2.0, abs=0.01)  # 1 x 2 m, to the mm
    assert total == 300
    assert outside >= 20
    assert core_proposed >= 30


def test_rasters_values_and_marked_synthetic(demo: DemoFiles) -> None:
    def read(path: Path) -> tuple[np.ndarray, dict, str | None]:
        with rasterio.open(path) as ds:
            return ds.read(1, masked=True), ds.tags(), ds.units[0]

    flood, tags, unit = read(demo.flood)
    assert unit == "m" and tags["HAZARD"] == "flood"
    assert 0 < flood.mask.mean() < 0.4  # the sea and a strip at the western edge
    assert flood.mask[:, :4].all()
    assert flood.min() == 0 and 1.5 < flood.max() <= np.float32(2.2)
    lst, tags, unit = read(demo.lst)
    assert unit == "°C" and not lst.mask.any()
    assert 29 <= lst.min() < 31 and 39 < lst.max() <= 41.5
    slr, tags, unit = read(demo.slr)
    assert tags["SCENARIO"] == "2050-ssp585"
    assert slr.min() == 0 and 0.5 < slr.max() < 1.5
    assert 0.01 < (slr > 0).mean() < 0.2  # a coastal band
    for path in (demo.flood, demo.lst, demo.slr, demo.dem):
        _, tags, _ = read(path)
        assert tags["SYNTHETIC"] == "yes"
        assert tags["DESCRIPTION"].startswith("SYNTHETIC sample data")

    from osgeo import gdal

    for path in (demo.heritage, demo.zones, demo.sites):
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR)
        assert ds.GetMetadataItem("SYNTHETIC") == "yes"
        for i in range(ds.GetLayerCount()):
            lyr = ds.GetLayer(i)
            assert lyr.GetMetadataItem("DESCRIPTION").startswith("SYNTHETIC sample data")
            assert lyr.GetMetadataItem("SYNTHETIC") == "yes"
        ds = None


def test_deterministic_per_seed(tmp_path: Path) -> None:
    kw = {"n_buildings": 300, "n_sites": 40}
    a = generate_demo(tmp_path / "a", **kw)
    b = generate_demo(tmp_path / "b", **kw)
    for pa, pb in zip(a.paths(), b.paths(), strict=True):
        assert sha256(pa) == sha256(pb), pa.name
    for sa, sb in zip([str(a.heritage), *a.sites_sources()], [str(b.heritage), *b.sites_sources()],
                      strict=True):  # fmt: skip
        va, vb = read_vector(sa), read_vector(sb)
        assert va.attributes == vb.attributes
        assert list(shapely.to_wkb(va.geoms)) == list(shapely.to_wkb(vb.geoms))
    # re-running overwrites in place, the same bytes, no temporary files left
    before = {p.name: sha256(p) for p in a.paths()}
    generate_demo(tmp_path / "a", **kw)
    assert {p.name: sha256(p) for p in a.paths()} == before
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(before)
    # another seed, other data
    c = generate_demo(tmp_path / "c", seed=7, **kw)
    assert sha256(c.flood) != sha256(a.flood)
    assert read_vector(c.heritage).attributes["name"] != read_vector(a.heritage).attributes["name"]
    assert len(read_vector(c.heritage)) == 300


def test_specs_match_the_default_rules(demo: DemoFiles) -> None:
    rules = load_rules(default_rules_path())
    specs = [HazardInput.parse(s) for s in demo.hazard_specs()]
    assert [(h.hazard, h.scenario) for h in specs] == [
        ("flood", ""),
        ("heat", ""),
        ("slr", "2050-ssp585"),
    ]
    assert {h.hazard for h in specs} == set(rules.hazards)
    assert [Path(h.path) for h in specs] == [demo.flood, demo.lst, demo.slr]


def test_every_default_rule_fires(demo: DemoFiles) -> None:
    rules = load_rules(default_rules_path())
    res = run_analysis(
        AnalysisRequest(
            heritage=str(demo.heritage),
            sites=demo.sites_sources(),
            hazards=[HazardInput.parse(s) for s in demo.hazard_specs()],
        )
    )
    assert res.warnings == []
    counts = res.counts_by_rule()
    assert {r.id for r in rules.rules} == set(counts)
    assert all(n > 0 for n in counts.values()), counts
    # exposure rules hit some buildings, not all of them
    n = len(read_vector(demo.heritage))
    for rule in ("heritage-flood", "heritage-heat", "heritage-slr"):
        assert 0.03 * n <= counts[rule] <= 0.2 * n, (rule, counts[rule])


def test_rejects_sizes_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="n_buildings must be 50..8000, got 10"):
        generate_demo(tmp_path, n_buildings=10)
    with pytest.raises(InputError, match="n_sites must be 30..5000, got 0"):
        generate_demo(tmp_path, n_sites=0)
    assert list(tmp_path.iterdir()) == []
