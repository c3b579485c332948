"""An invisible text layer that keeps names searchable and copyable in the PDF.

Qt 5's PDF writer maps each *shaped* glyph back to one character. Tamil (and other Indic
scripts) shape into ligatures and reordered vowel signs, so the visible Tamil text of a PDF
cannot be searched or copied correctly ("கோவில்" extracts as "ேகாவ").  This item draws the
same text once more, fully transparent, as unshaped glyphs in logical order (one glyph per
character, straight from the font's cmap), which PDF readers and ``pdftotext`` read back
exactly - the same idea as the text layer of a scanned document.
"""

from __future__ import annotations

from typing import Any

from qgis.core import QgsExpression, QgsLayoutItem, QgsLayoutItemRegistry
from qgis.PyQt.QtCore import QPointF
from qgis.PyQt.QtGui import QColor, QFont, QGlyphRun, QRawFont

#: fonts tried in order for each character
SEARCH_FONTS = ("Noto Sans", "Noto Sans Tamil", "Noto Sans CJK SC", "DejaVu Sans")
_ITEM_TYPE = QgsLayoutItemRegistry.PluginItem + 0x4850  # never saved in a template


class SearchableText(QgsLayoutItem):
    """Transparent, unshaped copy of ``text`` (may hold ``[% expressions %]``)."""

    def __init__(self, layout: Any, text: str, *, size_mm: float = 2.0) -> None:
        super().__init__(layout)
        self.template_text = text
        self.size_mm = size_mm
        self.setId("hp_searchable_text")
        self.setFrameEnabled(False)
        self.setBackgroundEnabled(False)
        self._fonts = [QRawFont.fromFont(QFont(f)) for f in SEARCH_FONTS]
        self._fonts = [f for f in self._fonts if f.isValid()]

    def type(self) -> int:  # noqa: A003 - Qt's name
        return _ITEM_TYPE

    def displayName(self) -> str:  # noqa: N802 - Qt's name
        return "Searchable text"

    def current_text(self) -> str:
        return QgsExpression.replaceExpressionText(
            self.template_text, self.createExpressionContext()
        )

    def draw(self, context: Any) -> None:
        painter = context.renderContext().painter()
        if painter is None or not self._fonts:
            return
        px = self.size_mm * context.renderContext().scaleFactor()
        painter.save()
        painter.setPen(QColor(0, 0, 0, 0))
        y = px
        for line in self.current_text().splitlines():
            x = 0.0
            for ch in line:
                raw = next((f for f in self._fonts if f.supportsCharacter(ch)), None)
                if raw is None:
                    continue
                raw.setPixelSize(px)
                idx = raw.glyphIndexesForString(ch)
                run = QGlyphRun()
                run.setRawFont(raw)
                run.setGlyphIndexes(idx)
                run.setPositions([QPointF(0, 0)] * len(idx))
                painter.drawGlyphRun(QPointF(x, y), run)
                x += sum(a.x() for a in raw.advancesForGlyphIndexes(idx))
            y += px * 1.3
        painter.restore()
