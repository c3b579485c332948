"""The Heritage Planner engine: plain Python (shapely, rasterio, pyproj, numpy, exactextract),
no QGIS, no Qt. Entry point: :func:`heritage_planner.core.engine.run_analysis`; results are
written by :func:`heritage_planner.core.output.write_results`."""
