"""The template editor: the firm's wording of every message, with a live preview.

The preview renders what is typed against a real contractor's open invoices (through
``templates_store.preview``) or against the made-up sample contractor; problems are listed with
their part and line, and Save is refused while there are any. SMS templates show how long the
message is and how many parts it costs, with and without the Polish-letter transliteration that
the ``sms.transliterate`` setting switches for every SMS.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import (
    QBrush,
    QCloseEvent,
    QFont,
    QIcon,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.domain.sms_text import SmsLength, measure, non_gsm7_characters, transliterate
from desktop_app.domain.template_titles import template_title
from desktop_app.errors import InkasoError
from desktop_app.i18n import _, ngettext
from desktop_app.messaging import (
    MessageTemplate,
    RenderedMessage,
    TemplateProblem,
    list_defaults,
    render_message,
    validate,
)
from desktop_app.messaging import template_blocks as tb
from desktop_app.messaging.sample import sample_context, state_for
from desktop_app.services.dunning import desk, templates_store
from desktop_app.services.dunning.templates_store import TemplateInfo
from desktop_app.settings import get_value, set_value
from resources import resource_path
from ui import theme
from ui.dunning.template_chips import ChipEdit
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.unsaved import ask_to_save

PREVIEW_DELAY_MS = 250
#: what a preview is made of besides the wording: the chosen contractor's debts and the firm
PREVIEW_USES = Change.CONTRACTORS | Change.INVOICES | Change.PAYMENTS | Change.FIRM
SEARCH_DELAY_MS = 200
NameRole = Qt.ItemDataRole.UserRole
LangRole = Qt.ItemDataRole.UserRole + 1
_VARIABLE_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")


def template_kind(name: str) -> str:
    """ "sms", "email", "voice" or "text" (tasks, notices), from the template's name."""
    base = name.rpartition("/")[2]
    for kind in ("sms", "email", "voice"):
        if base.startswith(kind):
            return kind
    return "text"


def sms_counter_text(length: SmsLength) -> str:
    chars = ngettext("{n} character", "{n} characters", length.units).format(n=length.units)
    parts = ngettext("{n} segment", "{n} segments", length.segments).format(n=length.segments)
    return _("{characters}, {segments} ({encoding})").format(
        characters=chars, segments=parts, encoding=length.encoding
    )


def variables_help() -> list[tuple[str, str]]:
    """(variable, what it is) from resources/templates/VARIABLES.md, in its order."""
    path = resource_path("templates", "VARIABLES.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    rows = []
    for line in text.splitlines():
        match = _VARIABLE_ROW.match(line)
        if match and not match.group(1).startswith("<"):
            name = match.group(1)
            if "|" in name or " " in name:
                continue
            rows.append((name, match.group(2).replace("\\|", "|")))
    return rows


@dataclass
class PreviewResult:
    problems: list[str] = field(default_factory=list)
    #: the line of the first problem in the part it concerns, for the cursor
    first: tuple[str, int | None] | None = None
    message: RenderedMessage | None = None
    contractor: str = ""


def run_preview(
    db: Database,
    template: MessageTemplate,
    contractor_id: int | None,
    today: dt.date,
) -> PreviewResult:
    """Check every part, then render for the contractor (or the sample one). Worker thread."""
    result = PreviewResult()
    parts: list[tuple[str, str, str | None, bool]] = [
        ("subject", _("Subject"), template.subject, False),
        ("text", _("Text"), template.text, False),
        ("html", _("HTML"), template.html, True),
    ]
    for part, title, source, html in parts:
        if source is None:
            continue
        found: list[TemplateProblem] = validate(
            source, html=html, language=template.language, name=part
        )
        for problem in found:
            result.problems.append(f"{title}: {problem}")
            if result.first is None:
                result.first = (part, problem.line)
    if result.problems:
        return result
    try:
        if contractor_id is None:
            sample = sample_context(today, state=state_for(template.name))
            result.message = render_message(template, sample)
            result.contractor = _("sample contractor")
        else:
            result.contractor = desk.contractor_name(db, contractor_id)
            result.message = templates_store.preview(db, template, contractor_id, today, "email")
    except InkasoError as exc:
        result.problems.append(exc.message)
    return result


class TemplateEditor(QDialog):
    """Non-modal window: Dunning → Templates…"""

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self._infos: list[TemplateInfo] = []
        self._defaults = set(list_defaults())
        self._loaded: MessageTemplate | None = None
        self._customised = False
        self._filling = False
        self._problems: list[str] = []
        self._rendered: RenderedMessage | None = None
        self._contractor_id: int | None = None
        self.transliterate_setting = True
        self._pending: tuple[str, str] | None = None
        #: the stored wording changed while the edits here were not saved yet
        self.changed_elsewhere = False

        self.setWindowTitle(_("Message templates") + "[*]")
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(theme.fitting_size(QSize(1380, 860)))

        # -- list ----------------------------------------------------------------------------
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(_("Filter templates"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.template_list = QTreeWidget()
        self.template_list.setHeaderLabels([_("Template"), _("Language"), _("Wording")])
        self.template_list.setRootIsDecorated(False)
        self.template_list.setAlternatingRowColors(True)
        self.template_list.setUniformRowHeights(True)
        self.template_list.currentItemChanged.connect(self._template_selected)
        self.template_list.setMinimumWidth(300)
        header = self.template_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.template_list, 1)

        # -- editor --------------------------------------------------------------------------
        self.title_label = QLabel()
        self.title_label.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.title_label.setWordWrap(True)
        self.subject_edit = QLineEdit()
        self.subject_label = QLabel(_("&Subject:"))
        self.subject_label.setBuddy(self.subject_edit)
        # the subject with chips on the Text tab, its code on the others
        self.simple_subject = ChipEdit()
        self.simple_subject.setAccessibleName(_("Subject with fields"))
        self.simple_subject.setFixedHeight((self.fontMetrics().height() + 4) * 4 + 10)
        self.simple_subject.pieces_changed.connect(self._subject_chips_edited)
        self.simple_subject.focused.connect(lambda: self._chips_target(self.simple_subject))
        self.subject_edit.textChanged.connect(self._source_edited)
        self._subject_simple = False
        self.subject_stack = QStackedWidget()
        self.subject_stack.addWidget(self.simple_subject)
        self.subject_stack.addWidget(self.subject_edit)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setFont(mono)
        self.text_edit.setTabChangesFocus(False)
        self.html_edit = QPlainTextEdit()
        self.html_edit.setFont(mono)
        self.simple_edit = ChipEdit()
        self.simple_edit.setAccessibleName(_("Text with fields"))
        self.simple_edit.pieces_changed.connect(self._simple_edited)
        #: where Insert field and Condition put their chips: the text or the subject
        self._chips = self.simple_edit
        self.simple_edit.focused.connect(lambda: self._chips_target(self.simple_edit))
        self.text_edit.textChanged.connect(self._source_edited)
        self._simple_error: str | None = None
        #: the simple editor shows what the Advanced tab holds (False after typing code there)
        self._simple_current = False
        self.parts = QTabWidget()
        self.parts.addTab(self._simple_page(), _("Text"))
        self.parts.addTab(self.html_edit, _("HTML"))
        self.parts.addTab(self.text_edit, _("Advanced"))
        self.parts.setTabToolTip(2, _("The text's template code (Jinja)"))
        self.parts.currentChanged.connect(self._part_shown)
        self.sms_counter = QLabel()
        self.sms_counter.setAccessibleName(_("SMS length"))
        self.sms_effect = QLabel()
        _mute(self.sms_effect)
        self.transliterate = QCheckBox(
            _("Transliterate Polish letters (ą → a, ł → l) in every SMS")
        )
        self.transliterate.setToolTip(
            _("The sms.transliterate setting: fits more text in one SMS part")
        )
        self.transliterate.toggled.connect(self._transliterate_toggled)
        sms_box = QWidget()
        sms_layout = QVBoxLayout(sms_box)
        sms_layout.setContentsMargins(0, 0, 0, 0)
        sms_row = QHBoxLayout()
        sms_row.addWidget(self.sms_counter)
        sms_row.addStretch(1)
        sms_row.addWidget(self.sms_effect)
        sms_layout.addLayout(sms_row)
        sms_layout.addWidget(self.transliterate)
        self.sms_box = sms_box
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pal = self.problems_label.palette()
        pal.setColor(self.problems_label.foregroundRole(), theme.overdue_text())
        self.problems_label.setPalette(pal)
        self.state_label = QLabel()
        _mute(self.state_label)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.undo_button = self.buttons.addButton(
            _("Undo changes"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.revert_button = self.buttons.addButton(
            _("Revert to built-in"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.revert_button.setToolTip(_("Forget the firm's wording and use the shipped one"))
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(lambda: self._save())
        self.undo_button.clicked.connect(self._undo)
        self.revert_button.clicked.connect(self._revert)
        self.close_button.clicked.connect(self.close)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self._save())

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.title_label)
        subject_row = QHBoxLayout()
        subject_row.addWidget(self.subject_label)
        subject_row.addWidget(self.subject_stack, 1)
        editor_layout.addLayout(subject_row)
        editor_layout.addWidget(self.parts, 1)
        editor_layout.addWidget(self.sms_box)
        editor_layout.addWidget(self.problems_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.buttons)
        editor_layout.addLayout(bottom)

        # -- preview -------------------------------------------------------------------------
        self.contractor_search = QLineEdit()
        self.contractor_search.setPlaceholderText(_("Search a contractor by name, NIP, e-mail"))
        self.contractor_search.setClearButtonEnabled(True)
        self.contractor_combo = QComboBox()
        self.contractor_combo.setMinimumContentsLength(24)
        self.contractor_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.contractor_combo.addItem(_("Sample contractor (made-up data)"), None)
        self.contractor_combo.currentIndexChanged.connect(self._contractor_chosen)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._timed_search)
        self.contractor_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.preview_subject = QLabel()
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_subject.setFont(theme.scaled_font(self.font(), 1.0, bold=True))
        self.preview_html = QTextBrowser()
        self.preview_html.setOpenLinks(False)
        # as mail clients do: a narrow table column wraps between words, never inside one
        # (Qt's default breaks "Faktura" into "Fa ktu ra" once the table is wider than the pane)
        self.preview_html.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.preview_html.setAccessibleName(_("HTML preview"))
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_text.setAccessibleName(_("Text preview"))
        self.preview_parts = QSplitter(Qt.Orientation.Vertical)
        self.preview_parts.addWidget(self.preview_html)
        self.preview_parts.addWidget(self.preview_text)
        self.preview_parts.setChildrenCollapsible(False)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        _mute(self.preview_note)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        pick = QFormLayout()
        pick.addRow(_("Preview for:"), self.contractor_search)
        pick.addRow("", self.contractor_combo)
        preview_layout.addLayout(pick)
        preview_layout.addWidget(self.preview_note)
        preview_layout.addWidget(self.preview_subject)
        preview_layout.addWidget(self.preview_parts, 1)

        self.variables = QTreeWidget()
        self.variables.setHeaderLabels([_("Variable"), _("What it is")])
        self.variables.setRootIsDecorated(False)
        self.variables.setAlternatingRowColors(True)
        self.variables.setWordWrap(True)
        self.variables.itemDoubleClicked.connect(self._insert_variable)
        for name, meaning in variables_help():
            item = QTreeWidgetItem([name, meaning])
            item.setToolTip(1, meaning)
            self.variables.addTopLevelItem(item)
        self.variables.resizeColumnToContents(0)
        variables_page = QWidget()
        variables_layout = QVBoxLayout(variables_page)
        hint = QLabel(
            _(
                'Double-click a variable to insert it. Filters: |money, |date, |date("short"), '
                "|days. Everything is in the contractor's language."
            )
        )
        hint.setWordWrap(True)
        _mute(hint)
        variables_layout.addWidget(hint)
        variables_layout.addWidget(self.variables, 1)

        self.side = QTabWidget()
        self.side.addTab(preview, _("Preview"))
        self.side.addTab(variables_page, _("Variables"))

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(editor)
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 5)
        split.setStretchFactor(2, 5)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 520, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(split)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._timed_preview)
        self.subject_edit.textChanged.connect(self._edited)
        self.text_edit.textChanged.connect(self._edited)
        self.html_edit.textChanged.connect(self._edited)

        self._set_enabled(False)
        self.refresh_list()
        self._load_transliterate()
        ops.changed.connect(self._data_changed)

    def _simple_page(self) -> QWidget:
        self.field_button = QToolButton()
        self.field_button.setText(_("Insert &field"))
        self.field_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.field_menu = QMenu(self.field_button)
        for spec in tb.FIELDS:
            if not spec.offered:
                continue
            action = self.field_menu.addAction(_(spec.label))
            action.setData(spec.key)
            action.triggered.connect(
                lambda _c=False, key=spec.key: self._chips.insert_piece(tb.Field(key))
            )
        self.field_button.setMenu(self.field_menu)
        self.condition_button = QToolButton()
        self.condition_button.setText(_("&Condition"))
        self.condition_button.setToolTip(
            _("Puts the selected sentence in both variants of a condition, to be worded apart")
        )
        self.condition_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.condition_menu = QMenu(self.condition_button)
        for cond in tb.CONDITIONS:
            if not cond.offered:
                continue
            action = self.condition_menu.addAction(
                _("{when} / {otherwise}").format(
                    when=_(cond.branches[0]), otherwise=_(cond.branches[1])
                )
            )
            action.setData(cond.key)
            action.triggered.connect(
                lambda _c=False, key=cond.key: self._chips.wrap_in_condition(key)
            )
        self.condition_button.setMenu(self.condition_menu)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.field_button)
        tools.addWidget(self.condition_button)
        tools.addStretch(1)
        editing = QWidget()
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addLayout(tools)
        # the text here is the plain-text part: mail clients mostly show the HTML one
        self.html_note = QLabel(
            _("This is the e-mail's plain text; its HTML part is worded in the HTML tab.")
        )
        self.html_note.setWordWrap(True)
        _mute(self.html_note)
        editing_layout.addWidget(self.html_note)
        editing_layout.addWidget(self.simple_edit, 1)
        self.simple_reason = QLabel()
        self.simple_reason.setWordWrap(True)
        self.simple_reason.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.simple_stack = QStackedWidget()
        self.simple_stack.addWidget(editing)
        self.simple_stack.addWidget(self.simple_reason)
        return self.simple_stack

    def _chips_target(self, editor: ChipEdit) -> None:
        self._chips = editor

    def simple_available(self) -> bool:
        return self.simple_stack.currentIndex() == 0

    def _show_simple(self, source: str) -> None:
        """The simple editor from the source, or the sentence why it cannot show it."""
        try:
            pieces = tb.flatten(tb.to_blocks(source))
        except tb.NotSimpleError as exc:
            self.simple_reason.setText(
                _(exc.reason) + "\n\n" + _("Open the Advanced tab to edit the template's code.")
            )
            self.simple_stack.setCurrentIndex(1)
        else:
            self.simple_edit.set_pieces(pieces)
            self.simple_stack.setCurrentIndex(0)
        self._subject_simple = False
        loaded = self._loaded
        if loaded is not None and loaded.subject is not None:
            try:
                subject = tb.flatten(tb.to_blocks(self.subject_edit.text()))
            except tb.NotSimpleError:
                pass  # the subject stays code, as on the Advanced tab
            else:
                self.simple_subject.set_pieces(subject)
                self._subject_simple = True
        self._show_subject(self.parts.currentIndex())
        self._simple_error = None
        self._simple_current = True

    def _show_subject(self, part: int) -> None:
        simple = part == 0 and self._subject_simple
        self.subject_stack.setCurrentIndex(0 if simple else 1)
        # a stack is as tall as its tallest page: the line edit alone keeps a line's height
        shown = self.simple_subject if simple else self.subject_edit
        self.subject_stack.setFixedHeight(
            shown.height() if simple else self.subject_edit.sizeHint().height()
        )
        if not simple and self._chips is self.simple_subject:
            self._chips = self.simple_edit

    def _subject_chips_edited(self) -> None:
        self._chips = self.simple_subject
        try:
            source = tb.to_source(tb.nest(self.simple_subject.pieces()))
        except tb.UnbalancedError:
            self._unbalanced()
            return
        self._balanced()
        if source != self.subject_edit.text():
            self._from_simple = True
            try:
                self.subject_edit.setText(source)
            finally:
                self._from_simple = False
        else:
            self._update_buttons()

    def _unbalanced(self) -> None:
        self._simple_error = _(
            "A condition has lost its start, “otherwise” or end: undo with Ctrl+Z "
            "or delete its other parts too."
        )
        self.problems_label.setText(self._simple_error)
        self.problems_label.setVisible(True)
        self._update_buttons()

    def _balanced(self) -> None:
        if self._simple_error is not None:
            self._simple_error = None
            self.problems_label.setText("\n".join(self._problems))
            self.problems_label.setVisible(bool(self._problems))

    def _simple_edited(self) -> None:
        try:
            source = tb.to_source(tb.nest(self.simple_edit.pieces()))
        except tb.UnbalancedError:
            self._unbalanced()
            return
        self._balanced()
        if source != self.text_edit.toPlainText():
            self._from_simple = True
            try:
                self.text_edit.setPlainText(source)
            finally:
                self._from_simple = False
        else:
            self._update_buttons()

    _from_simple = False

    def _source_edited(self) -> None:
        if not self._from_simple and not self._filling:
            self._simple_current = False

    def _part_shown(self, index: int) -> None:
        if index == 0 and not self._simple_current and self._loaded is not None:
            self._show_simple(self.text_edit.toPlainText())
        self._show_subject(index)

    def _load_transliterate(self) -> None:
        db = self._db
        self._ops.read(
            lambda: bool(get_value(db, "sms.transliterate")),
            on_success=self._transliterate_loaded,
            key=f"transliterate-{id(self)}",
            owner=self,
            label="sms.transliterate",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & Change.TEMPLATES:
            self.refresh_list()
            self._compare_with_stored()
        if changes & Change.SETTINGS:
            self._load_transliterate()
        if changes & PREVIEW_USES:
            self.refresh_preview()

    def _compare_with_stored(self) -> None:
        loaded = self._loaded
        if loaded is None:
            return
        db, name, language = self._db, loaded.name, loaded.language
        self._ops.read(
            lambda: templates_store.get_template(db, name, language),
            on_success=self._stored_now,
            key=f"template-stored-{id(self)}",
            owner=self,
            label="stored template",
        )

    def _stored_now(self, stored: MessageTemplate) -> None:
        """The wording in the editor as it is stored now, after a change made elsewhere."""
        loaded = self._loaded
        if loaded is None or (stored.name, stored.language) != (loaded.name, loaded.language):
            return
        if stored == loaded:
            return  # this editor's own save, or a change to another template
        if self.is_dirty():
            self.changed_elsewhere = True
            self._update_buttons()
            return
        self.set_template(stored)

    # -- list ----------------------------------------------------------------------------------

    def refresh_list(self, select: tuple[str, str] | None = None) -> None:
        db = self._db
        self._pending = select or self._pending
        self._ops.read(
            lambda: templates_store.list_templates(db),
            on_success=self._list_loaded,
            owner=self,
            label="template list",
        )

    def _list_loaded(self, infos: list[TemplateInfo]) -> None:
        self._infos = infos
        loaded = self._loaded
        if loaded is not None:  # the list is the truth about which wording is the firm's own
            self._customised = any(
                i.customised
                for i in infos
                if (i.name, i.language) == (loaded.name, loaded.language)
            )
            self._update_buttons()
        wanted = self._pending or self.current_key()
        self._pending = None
        tree = self.template_list
        blocked = tree.blockSignals(True)
        tree.clear()
        bold = QFont(tree.font())
        bold.setBold(True)
        select_item = None
        for info in infos:
            language = labels.language(info.language)
            wording = _("Customised") if info.customised else _("Built-in")
            title = template_title(info.name, info.name in self._defaults)
            item = QTreeWidgetItem([title, language, wording])
            item.setToolTip(0, info.name)
            item.setData(0, NameRole, info.name)
            item.setData(0, LangRole, info.language)
            if info.customised:
                for column in range(3):
                    item.setFont(column, bold)
            else:
                item.setForeground(2, QBrush(theme.muted_text()))
            tree.addTopLevelItem(item)
            if (info.name, info.language) == wanted:
                select_item = item
        tree.blockSignals(blocked)
        self._filter(self.filter_edit.text())
        if select_item is None and tree.topLevelItemCount():
            select_item = tree.topLevelItem(0)
        if select_item is not None:
            tree.setCurrentItem(select_item)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        tree = self.template_list
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            if item is not None:
                texts = [item.text(c) for c in range(3)] + [str(item.data(0, NameRole))]
                haystack = " ".join(texts).casefold()
                item.setHidden(not all(w in haystack for w in words))

    def current_key(self) -> tuple[str, str] | None:
        item = self.template_list.currentItem()
        if item is None:
            return None
        return str(item.data(0, NameRole)), str(item.data(0, LangRole))

    def select_template(self, name: str, language: str) -> None:
        tree = self.template_list
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            if item is not None and (item.data(0, NameRole), item.data(0, LangRole)) == (
                name,
                language,
            ):
                tree.setCurrentItem(item)
                return

    def _template_selected(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        if current is None:
            return
        key = (str(current.data(0, NameRole)), str(current.data(0, LangRole)))
        loaded = self._loaded
        if loaded is not None and (loaded.name, loaded.language) == key:
            return
        if self.is_dirty() and not self._confirm_discard(lambda: self.select_template(*key)):
            tree = self.template_list
            if previous is not None:
                blocked = tree.blockSignals(True)
                tree.setCurrentItem(previous)
                tree.blockSignals(blocked)
            return
        self._load(*key)

    def _load(self, name: str, language: str) -> None:
        db = self._db
        self.state_label.setText(_("Loading…"))
        self._ops.read(
            lambda: templates_store.get_template(db, name, language),
            on_success=self.set_template,
            key=f"template-{id(self)}",
            owner=self,
            label="load template",
        )

    def set_template(self, template: MessageTemplate) -> None:
        previous = self._loaded
        if previous is None or (previous.name, previous.language) != (
            template.name,
            template.language,
        ):
            # another template: its preview is on the way; the last one's must not stand for it
            self._rendered = None
            self.preview_subject.clear()
            self.preview_html.clear()
            self.preview_text.clear()
        self._loaded = template
        self.changed_elsewhere = False
        self._customised = any(
            i.customised
            for i in self._infos
            if (i.name, i.language) == (template.name, template.language)
        )
        kind = template_kind(template.name)
        self._filling = True
        try:
            self.title_label.setText(
                _("{name} — {language}").format(
                    name=template_title(template.name, template.name in self._defaults),
                    language=labels.language(template.language),
                )
            )
            has_subject = template.subject is not None
            self.subject_edit.setText(template.subject or "")
            self.subject_edit.setCursorPosition(0)
            self.subject_stack.setVisible(has_subject)
            self.subject_label.setVisible(has_subject)
            self.text_edit.setPlainText(template.text)
            self.html_edit.setPlainText(template.html or "")
            self.parts.setTabVisible(1, template.html is not None)
            self.html_note.setVisible(template.html is not None)
            self._show_simple(template.text)
            self.parts.setCurrentIndex(0 if self.simple_available() else 2)
            self.sms_box.setVisible(kind == "sms")
            self.preview_html.setVisible(template.html is not None)
        finally:
            self._filling = False
        self._set_enabled(True)
        self._update_buttons()
        self.refresh_preview()

    def _set_enabled(self, on: bool) -> None:
        for widget in (
            self.subject_edit,
            self.text_edit,
            self.html_edit,
            self.simple_edit,
            self.simple_subject,
        ):
            widget.setEnabled(on)

    # -- editing -------------------------------------------------------------------------------

    def template(self) -> MessageTemplate | None:
        loaded = self._loaded
        if loaded is None:
            return None
        return MessageTemplate(
            loaded.name,
            loaded.language,
            self.text_edit.toPlainText(),
            self.subject_edit.text() if loaded.subject is not None else None,
            self.html_edit.toPlainText() if loaded.html is not None else None,
        )

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.template() != self._loaded

    def problems(self) -> list[str]:
        return list(self._problems)

    def _edited(self, *_args: Any) -> None:
        if self._filling:
            return
        # until the new preview arrives the counter measures what is typed, not the old render
        self._rendered = None
        self._update_buttons()
        self._preview_timer.start()
        if self._loaded is not None and template_kind(self._loaded.name) == "sms":
            self._update_sms()

    def _update_buttons(self) -> None:
        loaded = self._loaded is not None
        dirty = self.is_dirty()
        self.save_button.setEnabled(
            loaded and dirty and not self._problems and self._simple_error is None
        )
        self.undo_button.setEnabled(dirty)
        self.revert_button.setEnabled(
            loaded and self._customised and self._loaded is not None
            and self._loaded.name in self._defaults
        )  # fmt: skip
        if not loaded:
            self.state_label.setText("")
        elif dirty and self.changed_elsewhere:
            self.state_label.setText(
                _("Unsaved changes; the wording was changed elsewhere, saving replaces that")
            )
        elif dirty:
            self.state_label.setText(_("Unsaved changes"))
        elif self._customised:
            self.state_label.setText(_("The firm's own wording"))
        else:
            self.state_label.setText(_("The wording Inkaso ships"))
        self.setWindowModified(dirty)

    # -- preview -------------------------------------------------------------------------------

    def _timed_preview(self) -> None:
        with contextlib.suppress(RuntimeError):  # the operations are shutting down
            self.refresh_preview()

    def refresh_preview(self) -> None:
        self._preview_timer.stop()
        template = self.template()
        if template is None:
            return
        db, contractor_id, today = self._db, self._contractor_id, self._today()
        self._ops.read(
            lambda: run_preview(db, template, contractor_id, today),
            on_success=self._preview_ready,
            key=f"template-preview-{id(self)}",
            owner=self,
            label="template preview",
        )

    def _preview_ready(self, result: PreviewResult) -> None:
        self._problems = result.problems
        shown = result.problems + ([self._simple_error] if self._simple_error else [])
        self.problems_label.setText("\n".join(shown))
        self.problems_label.setVisible(bool(shown))
        if result.message is not None:
            message = result.message
            self._rendered = message
            self.preview_subject.setText(message.subject or "")
            self.preview_subject.setVisible(message.subject is not None)
            self.preview_html.setHtml(message.html or "")
            self.preview_text.setPlainText(message.text)
            self.preview_note.setText(
                _("As {contractor} would get it today, in {language}.").format(
                    contractor=result.contractor,
                    language=labels.language(self._loaded.language if self._loaded else ""),
                )
            )
        else:
            self.preview_note.setText(_("The preview waits until the template is fixed."))
        if self._loaded is not None and template_kind(self._loaded.name) == "sms":
            self._update_sms()
        self._update_buttons()

    def preview_plain_text(self) -> str:
        return self.preview_text.toPlainText()

    def _sms_source(self) -> str:
        """The rendered SMS when the template renders; otherwise the typed text."""
        if self._rendered is not None and not self._problems:
            return self._rendered.text
        return self.text_edit.toPlainText()

    def _update_sms(self) -> None:
        raw = self._sms_source()
        cyrillic = self._loaded is not None and self._loaded.language == "ru"
        sent = transliterate(raw, cyrillic=cyrillic) if self.transliterate.isChecked() else raw
        length = measure(sent)
        self.sms_counter.setText(sms_counter_text(length))
        self.sms_counter.setToolTip(
            _("Characters that need UCS-2: {chars}").format(
                chars=" ".join(non_gsm7_characters(sent))
            )
            if length.encoding == "UCS-2"
            else ""
        )
        other = (
            measure(raw)
            if self.transliterate.isChecked()
            else measure(transliterate(raw, cyrillic=cyrillic))
        )
        if other.segments != length.segments or other.encoding != length.encoding:
            template = (
                _("without transliteration: {counter}")
                if self.transliterate.isChecked()
                else _("with transliteration: {counter}")
            )
            self.sms_effect.setText(template.format(counter=sms_counter_text(other)))
        else:
            self.sms_effect.setText("")

    def _transliterate_loaded(self, on: bool) -> None:
        self.transliterate_setting = on
        blocked = self.transliterate.blockSignals(True)
        self.transliterate.setChecked(on)
        self.transliterate.blockSignals(blocked)
        self._update_sms()

    def _transliterate_toggled(self, on: bool) -> None:
        self._update_sms()
        db = self._db

        def stored(_value: object) -> None:
            self.transliterate_setting = on

        self._ops.write(
            lambda: set_value(db, "sms.transliterate", "true" if on else "false"),
            changes=Change.SETTINGS,
            on_success=stored,
            owner=self,
            label="sms.transliterate",
        )

    # -- contractor picker ---------------------------------------------------------------------

    def _timed_search(self) -> None:
        with contextlib.suppress(RuntimeError):  # the operations are shutting down
            self._search_contractors()

    def _search_contractors(self) -> None:
        text = self.contractor_search.text()
        db = self._db
        if not text.strip():
            self._fill_contractors([])
            return
        self._ops.read(
            lambda: desk.find_contractors(db, text),
            on_success=self._fill_contractors,
            key=f"template-contractors-{id(self)}",
            owner=self,
            label="find contractors",
        )

    def _fill_contractors(self, hits: list[desk.ContractorHit]) -> None:
        combo = self.contractor_combo
        blocked = combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("Sample contractor (made-up data)"), None)
        for hit in hits:
            label = hit.name if not hit.nip else f"{hit.name} · {hit.nip}"
            combo.addItem(label, hit.id)
        combo.blockSignals(blocked)
        if hits:
            combo.setCurrentIndex(1)
            self._contractor_chosen(1)
        else:
            combo.setCurrentIndex(0)
            self._contractor_chosen(0)

    def _contractor_chosen(self, index: int) -> None:
        data = self.contractor_combo.itemData(index)
        contractor_id = int(data) if data is not None else None
        if contractor_id != self._contractor_id:
            self._contractor_id = contractor_id
            self.refresh_preview()

    def preview_for(self, contractor_id: int | None) -> None:
        self._contractor_id = contractor_id
        self.refresh_preview()

    def _insert_variable(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.text(0)
        snippet = name if name.startswith("{") else "{{ " + name + " }}"
        target = self.subject_edit if self.subject_edit.hasFocus() else None
        if target is not None:
            target.insert(snippet)
            return
        if self.parts.currentIndex() == 0:
            known = [f.key for f in tb.FIELDS if tb.field_source(f.key) == snippet]
            self._chips.insert_piece(tb.Field(known[0]) if known else tb.Code(snippet))
            return
        editor = self.html_edit if self.parts.currentIndex() == 1 else self.text_edit
        cursor = editor.textCursor()
        cursor.insertText(snippet)
        editor.setTextCursor(cursor)
        editor.setFocus()

    # -- saving --------------------------------------------------------------------------------

    def _save(self, then: Callable[[], object] | None = None) -> None:
        template = self.template()
        if template is None or not self.save_button.isEnabled():
            return
        db = self._db
        self.save_button.setEnabled(False)

        def saved(_r: object) -> None:
            self._loaded = template
            self._customised = True
            self.changed_elsewhere = False
            # the list is read again when the save is announced
            self._pending = (template.name, template.language)
            self._update_buttons()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            show_error(exc, self)

        self._ops.write(
            lambda: templates_store.save_template(db, template),
            changes=Change.TEMPLATES,
            on_success=saved,
            on_failure=failed,
            owner=self,
            label="save template",
        )

    def _undo(self) -> None:
        if self._loaded is not None:
            self.set_template(self._loaded)

    def _revert(self) -> None:
        loaded = self._loaded
        if loaded is None:
            return
        answer = QMessageBox.question(
            self,
            _("Revert to built-in"),
            _("Forget the firm's wording of {name} ({language}) and use the shipped one?").format(
                name=loaded.name, language=labels.language(loaded.language)
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, name, language = self._db, loaded.name, loaded.language

        def reverted(_r: object) -> None:
            self._loaded = None
            self._customised = False
            self._pending = (name, language)  # the list is read again when this is announced
            self._load(name, language)

        self._ops.write(
            lambda: templates_store.revert_template(db, name, language),
            changes=Change.TEMPLATES,
            on_success=reverted,
            owner=self,
            label="revert template",
        )

    def _confirm_discard(self, then: Callable[[], object]) -> bool:
        answer = ask_to_save(
            self,
            _("Save the changes to this template?"),
            None
            if self.save_button.isEnabled()
            else _("The template has errors and cannot be saved as it is."),
        )
        if answer == "save":
            self._save(then)
            return False
        if answer == "discard":
            self._loaded = None
            return True
        return False

    def move_cursor_to(self, part: str, line: int) -> None:
        editor = self.html_edit if part == "html" else self.text_edit
        self.parts.setCurrentWidget(editor)
        block = editor.document().findBlockByLineNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        editor.setTextCursor(cursor)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not self._confirm_discard(self.close):
            event.ignore()
            return
        super().closeEvent(event)


def _mute(label: QLabel) -> None:
    pal = label.palette()
    pal.setColor(label.foregroundRole(), theme.muted_text())
    label.setPalette(pal)
