"""Batch runs: job files, resumable runs, scenario comparison, and scale-out on a process pool
or a Dask cluster. QGIS-free; Dask is imported only when a scheduler address is given."""
