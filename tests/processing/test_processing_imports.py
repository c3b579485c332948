"""The provider is cheap to import, and Dask never enters the QGIS process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys
from qgis.core import QgsApplication, QgsProcessingFeedback
app = QgsApplication([], False)
app.initQgis()
from heritage_planner.processing.provider import HeritagePlannerProvider
heavy = [m for m in ("heritage_planner.core.engine", "shapely", "rasterio", "exactextract")
         if m in sys.modules]
assert not heavy, f"imported by the provider module: {heavy}"
sys.path.append(QgsApplication.pkgDataPath() + "/python/plugins")
from processing.core.Processing import Processing
Processing.initialize()
provider = HeritagePlannerProvider()
QgsApplication.processingRegistry().addProvider(provider)
import processing
res = processing.run("heritage_planner:detectconflicts", {
    "HERITAGE": sys.argv[1], "SITES": [sys.argv[2]], "HAZARDS": [sys.argv[3]],
    "HAZARD_IDS": "flood", "CONFLICTS": "TEMPORARY_OUTPUT"}, feedback=QgsProcessingFeedback())
assert res["CONFLICT_COUNT"] == 5, res
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
assert not leaked, leaked
QgsApplication.processingRegistry().removeProvider("heritage_planner")
print("ok")
"""


def test_no_dask_in_the_qgis_process(sample):
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(sample["heritage"]),
            str(sample["points"]),
            str(sample["flood"]),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), (
        r.stdout[-2000:] + r.stderr[-2000:]
    )
