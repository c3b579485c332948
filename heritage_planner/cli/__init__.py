"""Command line front end (``python -m heritage_planner``, ``heritage-planner``)."""
