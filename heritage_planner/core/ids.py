"""Stable identifiers: the same conflict gets the same id on every re-run."""

from __future__ import annotations

import hashlib


def conflict_id(*parts: object) -> str:
    """16 hex digits from the conflict's identity (rule, site, heritage feature, hazard...)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def file_sha256(path: str, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
