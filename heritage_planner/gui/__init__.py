"""The QGIS front end: dock panel, background task, results table, review, styling."""
