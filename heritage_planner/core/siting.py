"""Siting: sites within a rule's distance of heritage features, by shapely 2's STRtree."""

from __future__ import annotations

import numpy as np
import shapely


def pairs_within(
    sites: np.ndarray, heritage: np.ndarray, distance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (site index, heritage index, distance) with exact distance <= ``distance`` metres
    (0: touching or inside). One bulk tree query, one vectorised distance call."""
    if len(sites) == 0 or len(heritage) == 0:
        e = np.zeros(0, dtype="int64")
        return e, e, np.zeros(0)
    tree = shapely.STRtree(heritage)
    if distance > 0:
        s, h = tree.query(sites, predicate="dwithin", distance=distance)
    else:
        s, h = tree.query(sites, predicate="intersects")
    d = shapely.distance(sites[s], heritage[h])
    order = np.lexsort((h, s))
    return s[order].astype("int64"), h[order].astype("int64"), d[order]
