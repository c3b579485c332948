"""`make package` output is what plugins.qgis.org accepts, and installs into a profile."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> Path:
    for ts in (REPO / "resources" / "i18n").glob("*.ts"):  # `make package` runs `make translations`
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run(["lrelease", "-silent", str(ts), "-qm", str(qm)], check=True)
    out = tmp_path_factory.mktemp("pkg") / "heritage_planner.zip"
    subprocess.run(
        [sys.executable, str(REPO / ".ci" / "package.py"), str(out)], check=True, cwd=REPO
    )
    return out


def test_zip_layout_is_what_the_plugin_repository_accepts(plugin_zip):
    assert plugin_zip.stat().st_size < 25 * 1024 * 1024
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        meta_text = zf.read("heritage_planner/metadata.txt").decode("utf-8")
    assert {n.split("/", 1)[0] for n in names} == {"heritage_planner"}
    for required in (
        "heritage_planner/__init__.py",
        "heritage_planner/plugin.py",
        "heritage_planner/metadata.txt",
        "heritage_planner/LICENSE",
        "heritage_planner/resources/rules/default.toml",
        "heritage_planner/resources/icons/heritage_planner.png",
        "heritage_planner/resources/i18n/heritage_planner_ms.qm",
        "heritage_planner/gui/dock.py",
        "heritage_planner/core/engine.py",
    ):
        assert required in names, required
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    assert not [n for n in names if "/tests/" in n or n.startswith("heritage_planner/.")]
    meta = configparser.ConfigParser(interpolation=None)
    meta.read_string(meta_text)
    general = meta["general"]
    for key in (
        "name",
        "description",
        "about",
        "version",
        "qgisMinimumVersion",
        "author",
        "email",
        "tracker",
        "repository",
        "homepage",
        "category",
        "tags",
        "icon",
        "changelog",
    ):
        assert general.get(key), key
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["qgisMaximumVersion"] == "3.99"
    assert general["hasProcessingProvider"] == "yes"
    from heritage_planner import __version__

    assert general["version"] == __version__
    assert f"heritage_planner/{general['icon']}" in names


INSTALLED_CHECK = textwrap.dedent(
    """
    import sys
    plugins = sys.argv[1]
    sys.path.insert(0, plugins)
    import heritage_planner
    assert heritage_planner.__file__.startswith(plugins), heritage_planner.__file__
    from heritage_planner.core.paths import resources_dir
    assert str(resources_dir()).startswith(plugins), resources_dir()
    from qgis.core import QgsApplication, QgsProject
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow
    from pytest_qgis.mock_qgis_classes import MockMessageBar
    from pytest_qgis.qgis_interface import QgisInterface
    app = QgsApplication([], True)
    app.initQgis()
    window = QMainWindow()
    iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
    iface.removeDockWidget = window.removeDockWidget
    iface.removePluginMenu = lambda *a: None
    plugin = heritage_planner.classFactory(iface)
    plugin.initProcessing()
    plugin.initGui()
    from heritage_planner.gui.i18n import install_translator, remove_translator, tr
    t = install_translator("ms")
    print("TR:", tr("Run"))
    remove_translator(t)
    print("MISSING:", plugin.missing)
    print("RULES:", plugin.dock.rules_status.text())
    plugin.unload()
    QgsProject.instance().clear()
    app.exitQgis()
    """
)


def test_install_into_profile_and_load_from_there(plugin_zip, tmp_path):
    profile = tmp_path / "profile"
    env = dict(os.environ, QGIS_PROFILE_DIR=str(profile))
    subprocess.run(
        [
            sys.executable,
            str(REPO / ".ci" / "install_plugin.py"),
            str(plugin_zip),
            "--no-python-deps",
        ],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    plugins = profile / "python" / "plugins"
    assert (plugins / "heritage_planner" / "metadata.txt").is_file()
    # installing again replaces the old copy in place
    subprocess.run(
        [
            sys.executable,
            str(REPO / ".ci" / "install_plugin.py"),
            str(plugin_zip),
            "--no-python-deps",
        ],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert sorted(p.name for p in plugins.iterdir()) == ["heritage_planner"]
    # QGIS's interpreter (system python3), the deps from our venv on PYTHONPATH (no .pth, so the
    # editable source checkout is not importable): the plugin must load from the profile
    run_env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "cfg"),
        PYTHONPATH=sysconfig.get_paths()["purelib"],
    )
    proc = subprocess.run(
        ["/usr/bin/python3", "-c", INSTALLED_CHECK, str(plugins)],
        capture_output=True,
        text=True,
        env=run_env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "TR: Jalankan" in proc.stdout
    assert "MISSING: []" in proc.stdout
    assert "George Town baseline" in proc.stdout
