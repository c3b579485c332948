"""Record a review decision (status, note, reviewer) for one or more conflicts."""

from __future__ import annotations

from typing import Any

from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..core.review import USER_STATUSES
from .i18n import tr
from .results import ConflictRow, status_label
from .settings import default_reviewer


class ReviewDialog(QDialog):
    """Status / note / reviewer for the selected conflicts; the caller stores the result."""

    def __init__(self, rows: list[ConflictRow], parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("HeritagePlannerReviewDialog")
        self.setWindowTitle(tr("Review conflicts"))
        self.rows = rows
        layout = QVBoxLayout(self)
        if len(rows) == 1:
            text = rows[0].message or rows[0].conflict_id
        else:
            text = tr("{n} conflicts selected").format(n=len(rows))
        head = QLabel(text)
        head.setWordWrap(True)
        layout.addWidget(head)
        form = QFormLayout()
        self.status = QComboBox()
        self.status.setObjectName("reviewStatus")
        for st in USER_STATUSES:
            self.status.addItem(status_label(st.value), st.value)
        self.note = QPlainTextEdit()
        self.note.setObjectName("reviewNote")
        self.note.setPlaceholderText(tr("Why? What was decided, by whom, any reference…"))
        self.note.setMaximumHeight(90)
        self.reviewer = QLineEdit(default_reviewer())
        self.reviewer.setObjectName("reviewReviewer")
        if len(rows) == 1:
            r = rows[0]
            i = self.status.findData(r.status)
            if i >= 0:
                self.status.setCurrentIndex(i)
            self.note.setPlainText(r.note or "")
            if r.reviewer:
                self.reviewer.setText(r.reviewer)
        form.addRow(tr("Status"), self.status)
        form.addRow(tr("Note"), self.note)
        form.addRow(tr("Reviewer"), self.reviewer)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {
            "status": str(self.status.currentData()),
            "note": self.note.toPlainText().strip(),
            "reviewer": self.reviewer.text().strip(),
        }
