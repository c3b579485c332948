"""The real QGIS desktop: the packaged plugin loads, a run shows the engine's conflicts, QGIS
exits cleanly.

This is the test that proves the Python packages on top of Debian's QGIS are safe inside the
QGIS executable itself, where QGIS's own GEOS is loaded globally (a shapely or exactextract
bundling another GEOS build crashes here, not in a plain Python process).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hp_data import REPO

QGIS = shutil.which("qgis")
pytestmark = pytest.mark.skipif(
    not (QGIS and shutil.which("xvfb-run")), reason="needs the QGIS desktop and xvfb-run"
)


def test_desktop_run_with_packaged_plugin(tmp_path):
    from heritage_planner.core.demo import generate_demo
    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.raster import HazardInput

    demo = tmp_path / "demo"
    files = generate_demo(demo, n_buildings=300, n_sites=60)
    r = subprocess.run(
        [sys.executable, "-m", "heritage_planner.gui.demo_project", str(demo)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    project = demo / "george_town.qgz"
    assert project.exists()
    # the plugin as users get it: the zip of `make package`
    zip_path = tmp_path / "heritage_planner.zip"
    r = subprocess.run(
        [sys.executable, ".ci/package.py", str(zip_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(plugins)
    home = tmp_path / "home"
    ini = home / ".local/share/QGIS/QGIS3/profiles/default/QGIS/QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\nheritage_planner=true\n\n[qgis]\ncheckVersion=false\n")
    out = tmp_path / "out"
    out.mkdir()
    site = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    env = dict(
        os.environ,
        HOME=str(home),
        QGIS_PLUGINPATH=str(plugins),
        HP_SMOKE_OUT=str(out),
        PYTHONPATH=str(site),
    )
    env.pop("QT_QPA_PLATFORM", None)  # a real (virtual) X display
    env.pop("QGIS_CUSTOM_CONFIG_PATH", None)  # pytest-qgis's; this QGIS uses the profile in HOME
    proc = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            QGIS,
            "--nologo",
            "--noversioncheck",
            "--project",
            str(project),
            "--code",
            str(Path(__file__).parent / "desktop_smoke_script.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    (out / "qgis.log").write_text(proc.stdout + proc.stderr)
    status_file = out / "status.json"
    assert (
        status_file.exists()
    ), f"QGIS exited {proc.returncode} before the run finished:\n{proc.stderr[-3000:]}"
    status = json.loads(status_file.read_text())
    assert status["ok"], (status, proc.stderr[-3000:])
    assert (
        proc.returncode == 0
    ), f"QGIS did not exit cleanly ({proc.returncode}): {proc.stderr[-2000:]}"
    assert status["missing"] == [] and status["dock_visible"]
    assert status["zoomed"]
    # the table shows what the engine finds for the same layers
    res = run_analysis(
        AnalysisRequest(
            str(files.heritage),
            files.sites_sources(),
            [HazardInput.parse(s) for s in files.hazard_specs()],
        )
    )
    assert status["rows"] == len(res.conflicts)
    shot = REPO / "build/screenshots/qgis_desktop.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(out / "qgis.png", shot)
    from qgis.PyQt.QtGui import QImage

    img = QImage(str(shot))
    assert img.width() >= 1000 and img.height() >= 600
    colours = {
        img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 37)
    }
    assert len(colours) > 50  # a real window with a map, not a blank screen
