"""Processing provider: the engine as ``heritage_planner:*`` algorithms (toolbox, qgis_process)."""
