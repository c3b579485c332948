"""Processing provider: the engine as ``heritage_planner:*`` algorithms (toolbox, models, qgis_process)."""
