"""A case the engine has never seen — mixed CRSs, nodata, holes, multipolygons, tiny and off-raster
polygons; point, line and polygon sites — against a brute-force computation of every output."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hp_oracle import exposure as oracle_exposure
from hp_oracle import pairs_within as oracle_pairs
from hp_oracle import random_polygon, to_crs
from hp_oracle import site_value as oracle_site_value
from osgeo import ogr

from heritage_planner.core.engine import AnalysisRequest, run_analysis
from heritage_planner.core.output import read_run_info, write_results
from heritage_planner.core.raster import HazardInput
from heritage_planner.core.rules import parse_rules

RULES = """
name = "mixed"
version = "7"
[heritage]
id = "hid"
name = "name"
zone = "zone"
category = "category"
[sites]
id = "sid"
kind = "kind"
[[hazards]]
id = "flood"
unit = "m"
classes = [ { name = "low", max = 0.2 }, { name = "medium", max = 0.5 }, { name = "high", max = 1.0 }, { name = "very_high" } ]
[[hazards]]
id = "heat"
unit = "C"
classes = [ { name = "normal", max = 33 }, { name = "hot", max = 37 }, { name = "extreme" } ]
[[rules]]
id = "near-core"
type = "siting"
site_kinds = ["pole", "cabinet"]
zones = ["core"]
distance_m = 8.0
severity = "high"
[[rules]]
id = "touch-grade-i"
type = "siting"
categories = ["I"]
distance_m = 0.0
severity = "critical"
[[rules]]
id = "flooded"
type = "exposure"
hazard = "flood"
min_class = "high"
min_fraction = 0.2
severity = "high"
[[rules]]
id = "hot"
type = "exposure"
hazard = "heat"
min_class = "hot"
min_fraction = 0.5
zones = ["core"]
severity = "medium"
[[rules]]
id = "site-wet"
type = "site_hazard"
hazard = "flood"
min_class = "medium"
severity = "medium"
[[rules]]
id = "site-hot"
type = "site_hazard"
hazard = "heat"
min_class = "extreme"
site_kinds = ["cabinet"]
severity = "low"
"""
UTM, LL, MERC = "EPSG:32647", "EPSG:4326", "EPSG:3857"
X0, Y0 = 616000.0, 599000.0  # near George Town in UTM 47N


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    from hp_data import write_raster, write_vector

    d = tmp_path_factory.mktemp("mixed")
    rng = np.random.default_rng(2024)
    flood = rng.uniform(0, 1.6, size=(50, 60)).astype("float32")
    flood[rng.uniform(size=flood.shape) < 0.07] = -9999
    flood[:, :3] = -9999
    write_raster(d / "flood.tif", flood, crs=UTM, origin=(X0, Y0 + 500), res=(10, 10), tiled=True)
    # heat on a geographic grid covering the same place
    lon0, lat0 = to_crs(shapely.Point(X0 - 50, Y0 + 550), UTM, LL).coords[0]
    heat = rng.uniform(29, 41, size=(60, 70)).astype("float32")
    heat[10:14, 10:14] = np.nan
    write_raster(
        d / "heat.tif", heat, crs=LL, origin=(lon0, lat0), res=(0.0001, 0.0001), nodata=None
    )

    her_utm = []
    for i in range(60):
        cx, cy = rng.uniform(X0 - 40, X0 + 640), rng.uniform(Y0 - 40, Y0 + 540)
        g = random_polygon(rng, cx, cy, rng.uniform(3, 30), hole=i % 5 == 0)
        if i % 7 == 0:
            g = shapely.union(g, random_polygon(rng, cx + 70, cy + 10, 8))
        her_utm.append(shapely.make_valid(g))
    her_utm.append(shapely.box(X0 + 101, Y0 + 101, X0 + 101.5, Y0 + 101.4))  # tiny, inside one cell
    her_utm.append(shapely.box(X0 + 5000, Y0, X0 + 5020, Y0 + 20))  # far off both rasters
    n = len(her_utm)
    her_ll = [to_crs(g, UTM, LL) for g in her_utm]
    attrs = {
        "hid": [f"H{i:03d}" for i in range(n)],
        "name": [f"Building {i}" for i in range(n)],
        "zone": ["core" if i % 2 else "buffer" for i in range(n)],
        "category": ["I" if i % 6 == 0 else "II" for i in range(n)],
    }
    write_vector(d / "heritage.geojson", her_ll, attrs, crs=LL, driver="GeoJSON")

    pts = [
        shapely.Point(rng.uniform(X0 - 20, X0 + 620), rng.uniform(Y0 - 20, Y0 + 520))
        for _ in range(80)
    ]
    lines = [
        shapely.LineString(
            np.cumsum(rng.normal(0, 25, (4, 2)), axis=0)
            + rng.uniform((X0, Y0), (X0 + 600, Y0 + 500))
        )
        for _ in range(30)
    ]
    polys = [
        shapely.box(x, y, x + 2, y + 1)
        for x, y in rng.uniform((X0, Y0), (X0 + 600, Y0 + 500), (30, 2))
    ]
    kinds_p = ["pole" if i % 2 else "sensor" for i in range(len(pts))]
    write_vector(
        d / "points.gpkg",
        [to_crs(p, UTM, MERC) for p in pts],
        {"sid": [f"P{i}" for i in range(len(pts))], "kind": kinds_p},
        crs=MERC,
    )
    write_vector(
        d / "lines.shp",
        lines,
        {"sid": [f"L{i}" for i in range(len(lines))], "kind": ["fibre"] * len(lines)},
        crs=UTM,
        driver="ESRI Shapefile",
    )
    write_vector(
        d / "cabinets.gpkg",
        [to_crs(p, UTM, LL) for p in polys],
        {"sid": [f"C{i}" for i in range(len(polys))], "kind": ["cabinet"] * len(polys)},
        crs=LL,
    )
    (d / "rules.toml").write_text(RULES)
    sites = {
        "points": (pts, kinds_p, [f"P{i}" for i in range(len(pts))]),
        "lines": (lines, ["fibre"] * len(lines), [f"L{i}" for i in range(len(lines))]),
        "cabinets": (polys, ["cabinet"] * len(polys), [f"C{i}" for i in range(len(polys))]),
    }
    return d, her_utm, attrs, sites


def _run(d):
    req = AnalysisRequest(
        heritage=str(d / "heritage.geojson"),
        sites=[str(d / "points.gpkg"), str(d / "lines.shp"), str(d / "cabinets.gpkg")],
        hazards=[
            HazardInput("flood", str(d / "flood.tif")),
            HazardInput("heat", str(d / "heat.tif"), "2050"),
        ],
        rules=str(d / "rules.toml"),
    )
    return run_analysis(req)


def test_mixed_case_matches_brute_force(case):
    d, her_utm, attrs, sites = case
    rules = parse_rules(RULES)
    res = _run(d)
    assert res.analysis_crs.to_epsg() == 32647  # UTM zone of the geographic heritage layer
    # the heritage polygons as the engine sees them (read from EPSG:4326, back to UTM)
    her_an = [to_crs(to_crs(g, UTM, LL), LL, UTM) for g in her_utm]
    expected = set()
    # siting
    for rule in rules.rules[:2]:
        hmask = [
            (not rule.zones or attrs["zone"][i] in rule.zones)
            and (not rule.categories or attrs["category"][i] in rule.categories)
            for i in range(len(her_an))
        ]
        hidx = [i for i, m in enumerate(hmask) if m]
        for layer, (geoms, kinds, ids) in sites.items():
            sidx = [i for i, k in enumerate(kinds) if not rule.site_kinds or k in rule.site_kinds]
            if not sidx or not hidx:
                continue
            for s, h in oracle_pairs(
                [geoms[i] for i in sidx], [her_an[i] for i in hidx], rule.distance_m
            ):
                expected.add((rule.id, attrs["hid"][hidx[h]], layer, ids[sidx[s]], None))
    # exposure, with every fraction compared
    tables = {t.input.hazard: t for t in res.exposure}
    for hz, raster, crs, scen in (
        ("flood", "flood.tif", UTM, ""),
        ("heat", "heat.tif", LL, "2050"),
    ):
        hdef = rules.hazards[hz]
        t = tables[hz]
        for i, g in enumerate(her_utm):
            g_r = to_crs(to_crs(g, UTM, LL), LL, crs)
            o = oracle_exposure(g_r, d / raster, list(hdef.breaks))
            assert t.stats.frac_class[i] == pytest.approx(o["frac_class"], abs=2e-4), (hz, i)
            assert t.stats.frac_nodata[i] == pytest.approx(o["frac_nodata"], abs=2e-4), (hz, i)
            assert t.stats.frac_outside[i] == pytest.approx(o["frac_outside"], abs=2e-4), (hz, i)
            if not np.isnan(o["mean"]):
                assert t.stats.mean[i] == pytest.approx(o["mean"], rel=1e-4)
                assert t.stats.max[i] == pytest.approx(o["max"], rel=1e-4)
            for rule in rules.rules[2:4]:
                if rule.hazard != hz or (rule.zones and attrs["zone"][i] not in rule.zones):
                    continue
                k = hdef.class_index(rule.min_class)
                f = o["frac_class"][k:].sum()
                if f >= rule.min_fraction and f > 0:
                    expected.add((rule.id, attrs["hid"][i], None, None, scen))
        # site hazard
        for rule in rules.rules[4:]:
            if rule.hazard != hz:
                continue
            for layer, (geoms, kinds, ids) in sites.items():
                for g, kind, sid in zip(geoms, kinds, ids, strict=True):
                    if rule.site_kinds and kind not in rule.site_kinds:
                        continue
                    v = oracle_site_value(to_crs(g, UTM, crs) if crs != UTM else g, d / raster)
                    if not np.isnan(v) and hdef.classify(v) >= hdef.class_index(rule.min_class):
                        expected.add((rule.id, None, layer, sid, scen))
    got = {
        (c.rule_id, c.heritage_id, c.site_layer, c.site_id, c.scenario if c.hazard else None)
        for c in res.conflicts
    }
    assert got == expected
    assert {r for r, *_ in got} == {r.id for r in rules.rules}  # every rule fired


def test_outputs_and_stable_ids(case, tmp_path):
    d, *_ = case
    a, b = _run(d), _run(d)
    ids_a = [c.conflict_id for c in a.conflicts]
    assert ids_a == [c.conflict_id for c in b.conflicts]
    assert len(set(ids_a)) == len(ids_a)
    out = write_results(a, tmp_path / "res.gpkg")
    ds = ogr.Open(str(out))
    layers = {ds.GetLayer(i).GetName(): ds.GetLayer(i) for i in range(ds.GetLayerCount())}
    assert {"exposure", "site_hazard", "conflicts", "run", "review"} <= set(layers)
    assert layers["conflicts"].GetFeatureCount() == len(a.conflicts)
    assert layers["exposure"].GetFeatureCount() == 2 * len(a.heritage.ids)
    cols = [
        layers["exposure"].GetLayerDefn().GetFieldDefn(i).GetName()
        for i in range(layers["exposure"].GetLayerDefn().GetFieldCount())
    ]
    for c in [
        "heritage_id",
        "heritage_name",
        "zone",
        "category",
        "hazard",
        "scenario",
        "min",
        "max",
        "mean",
        "frac_low",
        "frac_very_high",
        "frac_normal",
        "frac_extreme",
        "frac_nodata",
        "frac_outside",
        "worst_class",
    ]:
        assert c in cols
    # fractions of each row sum to 1
    for f in layers["exposure"]:
        fr = [f.GetField(c) for c in cols if c.startswith("frac_")]
        if f.GetField("frac_outside") is not None:
            assert sum(x for x in fr if x is not None) == pytest.approx(1.0, abs=1e-9)
    ds = None
    info = read_run_info(out)
    assert info["rules"]["sha256"] == parse_rules(RULES).sha256
    assert {e["role"] for e in info["inputs"]} >= {
        "heritage",
        "sites",
        "hazard:flood",
        "hazard:heat@2050",
    }
    assert all(
        len(e["sha256"]) == 64 and e["size_bytes"] > 0
        for e in info["inputs"]
        if e["role"] != "sites" or "sha256" in e
    )
    assert info["versions"]["shapely"].startswith("2.")
    assert info["started"] <= info["finished"] and info["elapsed_s"] >= 0


def test_ids_do_not_depend_on_feature_order(case, tmp_path):
    from heritage_planner.core.vector import read_vector

    d, *_ = case
    her = read_vector(str(d / "heritage.geojson"))
    rev = np.arange(len(her))[::-1]
    her.geoms = her.geoms[rev]
    her.fids = her.fids[rev]
    her.attributes = {k: [v[i] for i in rev] for k, v in her.attributes.items()}
    req = AnalysisRequest(
        heritage=her,
        sites=[str(d / "points.gpkg"), str(d / "lines.shp"), str(d / "cabinets.gpkg")],
        hazards=[
            HazardInput("flood", str(d / "flood.tif")),
            HazardInput("heat", str(d / "heat.tif"), "2050"),
        ],
        rules=str(d / "rules.toml"),
    )
    assert sorted(c.conflict_id for c in run_analysis(req).conflicts) == sorted(
        c.conflict_id for c in _run(d).conflicts
    )
