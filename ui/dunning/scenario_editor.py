"""The scenario editor: the list of dunning scenarios and every field of one of them.

The editor keeps a working copy built from its forms; each change is checked by the domain's
``validate()`` and the problems are listed in plain words under the form, the steps they concern
are marked in the step list, and Save stays disabled until the scenario is usable. Loading,
saving, importing and exporting go through ``services.dunning.scenarios`` via operations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import labels
from desktop_app.changes import Change
from desktop_app.domain import scenario as model
from desktop_app.domain.scenario import (
    ANCHORS,
    CHANNELS,
    MESSAGE_CHANNELS,
    Conditions,
    Handover,
    OnPaid,
    Repeat,
    Scenario,
    Step,
    Trigger,
)
from desktop_app.errors import ConflictError, InkasoError, ValidationError
from desktop_app.i18n import _, ngettext
from desktop_app.letters.model import DEMANDS, KINDS
from desktop_app.services.dunning import desk, scenarios
from desktop_app.services.dunning.scenarios import ScenarioInfo
from resources import resource_path
from ui import theme
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.unsaved import ask_to_save

#: conditions' amounts are typed in the item's currency; this one only sets the decimal places
AMOUNT_CURRENCY = "PLN"
NameRole = Qt.ItemDataRole.UserRole
DEFAULT_TASK_TEMPLATE = "sms-classic/task_handover"


def step_prefix(number: int, step: Step) -> str:
    """The words ``validate()`` starts a step's problems with."""
    return _("Step {number} ({code})").format(number=number, code=step.code)


def new_step(existing: list[Step]) -> Step:
    codes = {s.code for s in existing}
    n = len(existing) + 1
    while f"step-{n}" in codes:
        n += 1
    anchor = "previous" if existing else "due"
    offset = 7 if existing else 1
    return Step(
        code=f"step-{n}",
        name=_("Reminder {number}").format(number=n),
        trigger=Trigger(anchor, offset),
        channels=("email",),
        templates={"email": "gentle-email/email_overdue"},
    )


class _TemplateCombo(QComboBox):
    """An editable combo of template names; a typed name must be one of them to be saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(26)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def set_names(self, names: list[str]) -> None:
        current = self.currentText()
        blocked = self.blockSignals(True)
        self.clear()
        self.addItems(names)
        self.setEditText(current)
        self.blockSignals(blocked)

    def value(self) -> str:
        return self.currentText().strip()

    def set_value(self, name: str) -> None:
        blocked = self.blockSignals(True)
        index = self.findText(name)
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(name)
        self.blockSignals(blocked)


class _ChannelRows(QWidget):
    """A check box and a template per channel."""

    changed = Signal()

    def __init__(self, channels: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.checks: dict[str, QCheckBox] = {}
        self.templates: dict[str, _TemplateCombo] = {}
        for row, code in enumerate(channels):
            check = QCheckBox(labels.channel(code))
            combo = _TemplateCombo()
            combo.setToolTip(_("Template used for this channel (in the contractor's language)"))
            combo.setAccessibleName(
                _("Template for {channel}").format(channel=labels.channel(code))
            )
            check.toggled.connect(combo.setEnabled)
            check.toggled.connect(lambda _on: self.changed.emit())
            combo.editTextChanged.connect(lambda _t: self.changed.emit())
            combo.setEnabled(False)
            grid.addWidget(check, row, 0)
            grid.addWidget(combo, row, 1)
            self.checks[code] = check
            self.templates[code] = combo
        grid.setColumnStretch(1, 1)

    def set_names(self, names: list[str]) -> None:
        for combo in self.templates.values():
            combo.set_names(names)

    def set_value(self, channels: tuple[str, ...], templates: dict[str, str]) -> None:
        for code, check in self.checks.items():
            blocked = check.blockSignals(True)
            check.setChecked(code in channels)
            check.blockSignals(blocked)
            self.templates[code].setEnabled(code in channels)
            self.templates[code].set_value(templates.get(code, ""))

    def value(self) -> tuple[tuple[str, ...], dict[str, str]]:
        channels = tuple(code for code, check in self.checks.items() if check.isChecked())
        templates = {
            code: combo.value()
            for code, combo in self.templates.items()
            if code in channels and combo.value()
        }
        return channels, templates


def _spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    if suffix:
        spin.setSuffix(suffix)
    spin.setAccelerated(True)
    return spin


class StepForm(QWidget):
    """Every field of one step."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self._amount_problems: list[str] = []

        self.code = QLineEdit()
        self.code.setToolTip(
            _("A short id used in the log and the outbox: lower-case letters, digits, - and _")
        )
        self.code.setMaxLength(40)
        self.name = QLineEdit()
        identity = QGroupBox(_("Step"))
        form = QFormLayout(identity)
        form.addRow(_("Na&me:"), self.name)
        form.addRow(_("&Code:"), self.code)

        self.offset = _spin(-3650, 3650)
        self.offset.setToolTip(_("Negative: before the anchor date"))
        self.anchor = QComboBox()
        for code in ANCHORS:
            self.anchor.addItem(_(labels.ANCHOR_LABELS[code]), code)
        self.business = QCheckBox(_("Count business days only (no weekends or holidays)"))
        self.when_text = QLabel()
        _mute(self.when_text)
        when_row = QHBoxLayout()
        when_row.addWidget(self.offset)
        when_row.addWidget(QLabel(_("days after")))
        when_row.addWidget(self.anchor, 1)
        trigger = QGroupBox(_("When"))
        trigger_layout = QVBoxLayout(trigger)
        trigger_layout.addLayout(when_row)
        trigger_layout.addWidget(self.business)
        trigger_layout.addWidget(self.when_text)

        self.repeat = QGroupBox(_("Repeat while unpaid"))
        self.repeat.setCheckable(True)
        self.every = _spin(1, 365)
        self.limited = QCheckBox(_("At most"))
        self.times = _spin(1, 100)
        self.times.setEnabled(False)
        self.limited.toggled.connect(self.times.setEnabled)
        repeat_layout = QHBoxLayout(self.repeat)
        repeat_layout.addWidget(QLabel(_("Every")))
        repeat_layout.addWidget(self.every)
        repeat_layout.addWidget(QLabel(_("days;")))
        repeat_layout.addSpacing(12)
        repeat_layout.addWidget(self.limited)
        repeat_layout.addWidget(self.times)
        repeat_layout.addWidget(QLabel(_("more times")))
        repeat_layout.addStretch(1)

        channels_box = QGroupBox(_("Channels and templates"))
        self.channels = _ChannelRows(CHANNELS)
        self.attach = QCheckBox(_("Attach a list of the invoices (CSV) to e-mails"))
        self.letter = QComboBox()
        for kind in KINDS:
            if kind in DEMANDS:
                self.letter.addItem(labels.document(kind), kind)
        self.letter.setToolTip(_("The document the Letter channel puts in Letters to print"))
        letter_row = QHBoxLayout()
        letter_row.addWidget(QLabel(_("Letter document:")))
        letter_row.addWidget(self.letter)
        letter_row.addStretch(1)
        channels_layout = QVBoxLayout(channels_box)
        channels_layout.addWidget(self.channels)
        channels_layout.addWidget(self.attach)
        channels_layout.addLayout(letter_row)

        conditions = QGroupBox(_("Only when"))
        self.min_open = AmountEdit(AMOUNT_CURRENCY, placeholder=_("any amount"))
        self.min_open.setToolTip(_("Skip items with less open than this (in the item's currency)"))
        self.min_invoice = AmountEdit(AMOUNT_CURRENCY, placeholder=_("any amount"))
        self.min_invoice.setToolTip(_("Skip invoices smaller than this (in their currency)"))
        self.tags_any = QLineEdit()
        self.tags_any.setPlaceholderText(_("any contractor"))
        self.tags_any.setToolTip(_("Comma-separated; the contractor must have one of these tags"))
        self.tags_none = QLineEdit()
        self.tags_none.setPlaceholderText(_("none excluded"))
        self.tags_none.setToolTip(_("Comma-separated; contractors with any of these are skipped"))
        self.rating = QComboBox()
        self.rating.addItem(_("any rating"), None)
        for stars in range(1, 6):
            self.rating.addItem(
                ngettext("{n} star or worse", "{n} stars or worse", stars).format(n=stars), stars
            )
        cond_form = QFormLayout(conditions)
        cond_form.addRow(_("Open amount at least:"), self.min_open)
        cond_form.addRow(_("Invoice amount at least:"), self.min_invoice)
        cond_form.addRow(_("Contractor has a tag:"), self.tags_any)
        cond_form.addRow(_("Contractor has none of:"), self.tags_none)
        cond_form.addRow(_("Payer rating:"), self.rating)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(identity)
        layout.addWidget(trigger)
        layout.addWidget(self.repeat)
        layout.addWidget(channels_box)
        layout.addWidget(conditions)
        layout.addStretch(1)

        for line in (self.code, self.name, self.min_open, self.min_invoice):
            line.textEdited.connect(self._edited)
        for line in (self.tags_any, self.tags_none):
            line.textChanged.connect(self._edited)
        for spin in (self.offset, self.every, self.times):
            spin.valueChanged.connect(self._edited)
        for combo in (self.anchor, self.rating, self.letter):
            combo.currentIndexChanged.connect(self._edited)
        for check in (self.business, self.limited, self.attach, self.repeat):
            check.toggled.connect(self._edited)
        self.channels.changed.connect(self._edited)

    def _edited(self, *_args: Any) -> None:
        if not self._filling:
            self._update_when()
            self.changed.emit()

    def _update_when(self) -> None:
        anchor = self.anchor.currentData()
        self.when_text.setText(
            labels.describe_trigger(Trigger(anchor, self.offset.value(), self.business.isChecked()))
        )

    def set_template_names(self, names: list[str]) -> None:
        self.channels.set_names(names)

    def set_tag_names(self, names: list[str]) -> None:
        from PySide6.QtWidgets import QCompleter

        for line in (self.tags_any, self.tags_none):
            completer = QCompleter(names, line)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            line.setCompleter(completer)

    def set_step(self, step: Step) -> None:
        self._filling = True
        try:
            self.code.setText(step.code)
            self.name.setText(step.name)
            self.offset.setValue(step.trigger.offset)
            index = self.anchor.findData(step.trigger.anchor)
            self.anchor.setCurrentIndex(max(index, 0))
            self.business.setChecked(step.trigger.business_days)
            self.repeat.setChecked(step.repeat is not None)
            self.every.setValue(step.repeat.every if step.repeat else 7)
            limited = step.repeat is not None and step.repeat.times is not None
            self.limited.setChecked(limited)
            times = step.repeat.times if step.repeat is not None else None
            self.times.setValue(times or 1)
            self.times.setEnabled(limited)
            self.channels.set_value(step.channels, dict(step.templates))
            self.attach.setChecked(step.attach_invoice_list)
            self.letter.setCurrentIndex(max(self.letter.findData(step.letter), 0))
            c = step.conditions
            self.min_open.set_minor(c.min_open_minor)
            self.min_invoice.set_minor(c.min_invoice_minor)
            self.tags_any.setText(", ".join(c.tags_any))
            self.tags_none.setText(", ".join(c.tags_none))
            self.rating.setCurrentIndex(max(self.rating.findData(c.max_rating), 0))
            self._update_when()
        finally:
            self._filling = False

    def step(self) -> tuple[Step, list[str]]:
        """The step as the form shows it, and problems the domain cannot see (amount typos)."""
        problems: list[str] = []
        channels, templates = self.channels.value()
        repeat = None
        if self.repeat.isChecked():
            repeat = Repeat(
                every=self.every.value(),
                times=self.times.value() if self.limited.isChecked() else None,
            )
        min_open = _amount(self.min_open, _("open amount"), problems)
        min_invoice = _amount(self.min_invoice, _("invoice amount"), problems)
        step = Step(
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            trigger=Trigger(
                self.anchor.currentData(), self.offset.value(), self.business.isChecked()
            ),
            channels=channels,
            templates=templates,
            repeat=repeat,
            conditions=Conditions(
                min_open_minor=min_open,
                min_invoice_minor=min_invoice,
                tags_any=_tags(self.tags_any.text()),
                tags_none=_tags(self.tags_none.text()),
                max_rating=self.rating.currentData(),
            ),
            attach_invoice_list=self.attach.isChecked(),
            letter=self.letter.currentData(),
        )
        return step, problems


def _amount(edit: AmountEdit, what: str, problems: list[str]) -> int | None:
    try:
        return edit.minor_or_none()
    except InkasoError as exc:
        problems.append(_("{what}: {problem}").format(what=what, problem=exc.message))
        return None


def _tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


def _mute(label: QLabel) -> None:
    pal = label.palette()
    pal.setColor(label.foregroundRole(), theme.muted_text())
    label.setPalette(pal)


class ScenarioEditor(QDialog):
    """Non-modal window: Dunning → Scenarios…"""

    def __init__(self, db: Database, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._infos: list[ScenarioInfo] = []
        self._loaded: Scenario | None = None
        self._is_new = False
        self._steps: list[Step] = []
        self._filling = False
        self._step_problems: dict[int, list[str]] = {}
        self._problems: list[str] = []
        #: shipped and the firm's own template names, once read (steps may name only these)
        self._known_templates: frozenset[str] | None = None
        self._pending_select: str | None = None
        #: the stored scenario changed while the edits in the forms were not saved yet
        self.changed_elsewhere = False

        self.setWindowTitle(_("Dunning scenarios") + "[*]")
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(theme.fitting_size(QSize(1240, 820)))

        # -- the list ----------------------------------------------------------------------------
        self.scenario_list = QListWidget()
        self.scenario_list.setAccessibleName(_("Scenarios"))
        self.scenario_list.setSpacing(3)
        self.scenario_list.setWordWrap(True)
        self.scenario_list.setMinimumWidth(260)
        self.scenario_list.currentItemChanged.connect(self._scenario_selected)
        self.new_button = QPushButton(_("&New…"))
        self.duplicate_button = QPushButton(_("D&uplicate…"))
        self.delete_button = QPushButton(_("&Delete"))
        self.default_button = QPushButton(_("Set as de&fault"))
        self.reset_button = QPushButton(_("&Reset preset"))
        self.reset_button.setToolTip(_("Put a built-in scenario back the way it was shipped"))
        self.import_button = QPushButton(_("&Import…"))
        self.export_button = QPushButton(_("E&xport…"))
        self.new_button.clicked.connect(self._new)
        self.duplicate_button.clicked.connect(self._duplicate)
        self.delete_button.clicked.connect(self._delete)
        self.default_button.clicked.connect(self._set_default)
        self.reset_button.clicked.connect(self._reset)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        list_buttons = QGridLayout()
        for i, button in enumerate(
            (
                self.new_button,
                self.duplicate_button,
                self.delete_button,
                self.default_button,
                self.reset_button,
                self.import_button,
                self.export_button,
            )
        ):
            button.setAutoDefault(False)
            list_buttons.addWidget(button, i // 2, i % 2)
        legend = QLabel(_("★ default scenario · built-in presets are marked"))
        legend.setWordWrap(True)
        _mute(legend)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.scenario_list, 1)
        left_layout.addWidget(legend)
        left_layout.addLayout(list_buttons)

        # -- general -------------------------------------------------------------------------
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self.name_edit.setToolTip(_("Lower-case letters, digits, - and _; used by the CLI"))
        self.title_edit = QLineEdit()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMaximumHeight(90)
        self.per_contractor = QRadioButton(
            _("One message per contractor, listing all its invoices at that step")
        )
        self.per_invoice = QRadioButton(_("One message per invoice"))
        self._per_group = QButtonGroup(self)
        self._per_group.addButton(self.per_contractor)
        self._per_group.addButton(self.per_invoice)
        self.min_gap = _spin(0, 60)
        self.min_gap.setToolTip(
            _("No reminder about an invoice within this many days of the previous one")
        )
        general = QWidget()
        general_outer = QVBoxLayout(general)
        general_form = QFormLayout()
        general_outer.addLayout(general_form)
        general_outer.addStretch(1)
        general_form.addRow(_("&Title:"), self.title_edit)
        general_form.addRow(_("Na&me:"), self.name_edit)
        general_form.addRow(_("Descri&ption:"), self.description_edit)
        messages = QVBoxLayout()
        messages.addWidget(self.per_contractor)
        messages.addWidget(self.per_invoice)
        general_form.addRow(_("Messages:"), messages)
        gap_row = QHBoxLayout()
        gap_row.addWidget(self.min_gap)
        gap_row.addWidget(QLabel(_("days between two reminders about the same invoice")))
        gap_row.addStretch(1)
        general_form.addRow(_("At least:"), gap_row)

        # -- steps ---------------------------------------------------------------------------
        self.step_list = QListWidget()
        self.step_list.setAccessibleName(_("Steps"))
        self.step_list.setSpacing(2)
        self.step_list.setWordWrap(True)
        self.step_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.step_list.currentRowChanged.connect(self._step_selected)
        self.add_step_button = QPushButton(_("&Add step"))
        self.remove_step_button = QPushButton(_("Remo&ve"))
        self.up_button = QPushButton(_("Move u&p"))
        self.down_button = QPushButton(_("Move do&wn"))
        self.add_step_button.clicked.connect(self._add_step)
        self.remove_step_button.clicked.connect(self._remove_step)
        self.up_button.clicked.connect(lambda: self._move_step(-1))
        self.down_button.clicked.connect(lambda: self._move_step(1))
        step_buttons = QHBoxLayout()
        for button in (
            self.add_step_button,
            self.remove_step_button,
            self.up_button,
            self.down_button,
        ):
            button.setAutoDefault(False)
            step_buttons.addWidget(button)
        steps_left = QWidget()
        steps_left_layout = QVBoxLayout(steps_left)
        steps_left_layout.setContentsMargins(0, 0, 0, 0)
        steps_left_layout.addWidget(self.step_list, 1)
        steps_left_layout.addLayout(step_buttons)
        self.step_form = StepForm()
        self.step_form.changed.connect(self._step_edited)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        form_scroll.setWidget(self.step_form)
        steps = QSplitter(Qt.Orientation.Horizontal)
        steps.addWidget(steps_left)
        steps.addWidget(form_scroll)
        steps.setStretchFactor(0, 1)
        steps.setStretchFactor(1, 1)
        steps.setChildrenCollapsible(False)

        # -- after payment, hand-over ----------------------------------------------------------
        thanks = QGroupBox(_("Thank-you after payment"))
        self.thanks_channels = _ChannelRows(MESSAGE_CHANNELS)
        self.thanks_within = _spin(0, 365)
        self.thanks_within.setToolTip(
            _("A thank-you later than this after the payment would be stale; it is skipped")
        )
        thanks_layout = QVBoxLayout(thanks)
        thanks_layout.addWidget(
            QLabel(_("Sent once, after every invoice the contractor was reminded of is paid:"))
        )
        thanks_layout.addWidget(self.thanks_channels)
        within_row = QHBoxLayout()
        within_row.addWidget(QLabel(_("Only within")))
        within_row.addWidget(self.thanks_within)
        within_row.addWidget(QLabel(_("days of the payment")))
        within_row.addStretch(1)
        thanks_layout.addLayout(within_row)

        self.handover_box = QGroupBox(_("Hand the case over to hard collection"))
        self.handover_box.setCheckable(True)
        self.handover_days = _spin(1, 3650)
        self.handover_template = _TemplateCombo()
        self.handover_notice = QCheckBox(_("Also add a line to the owner's notice"))
        handover_form = QFormLayout(self.handover_box)
        days_row = QHBoxLayout()
        days_row.addWidget(self.handover_days)
        days_row.addWidget(QLabel(_("days after the due date")))
        days_row.addStretch(1)
        handover_form.addRow(_("After:"), days_row)
        handover_form.addRow(_("Task text:"), self.handover_template)
        handover_form.addRow("", self.handover_notice)
        handover_help = QLabel(
            _(
                "Reminders end, the case is marked for collection and the account manager gets "
                "a task. A disputed invoice never gets reminders or a thank-you until the "
                "dispute is closed."
            )
        )
        handover_help.setWordWrap(True)
        _mute(handover_help)
        handover_form.addRow(handover_help)
        after = QWidget()
        after_layout = QVBoxLayout(after)
        after_layout.addWidget(thanks)
        after_layout.addWidget(self.handover_box)
        after_layout.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(general, _("General"))
        self.tabs.addTab(steps, _("Steps"))
        self.tabs.addTab(after, _("When paid, hand-over"))

        # -- problems and buttons ---------------------------------------------------------------
        self.problems_list = QListWidget()
        self.problems_list.setAccessibleName(_("Problems"))
        self.problems_list.setMaximumHeight(76)
        self.problems_list.itemActivated.connect(self._problem_clicked)
        self.problems_list.itemClicked.connect(self._problem_clicked)
        self.state_label = QLabel()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.revert_button = self.buttons.addButton(
            _("Undo changes"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(lambda: self._save())
        self.revert_button.clicked.connect(self._revert)
        self.close_button.clicked.connect(self.close)
        for any_button in self.buttons.buttons():
            if isinstance(any_button, QPushButton):
                any_button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self._save())

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.problems_list)
        bottom = QHBoxLayout()
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.buttons)
        right_layout.addLayout(bottom)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(split)

        for line in (self.name_edit, self.title_edit):
            line.textEdited.connect(self._edited)
        self.description_edit.textChanged.connect(self._edited)
        self.per_invoice.toggled.connect(self._edited)
        for spin in (self.min_gap, self.thanks_within, self.handover_days):
            spin.valueChanged.connect(self._edited)
        self.thanks_channels.changed.connect(self._edited)
        self.handover_box.toggled.connect(self._edited)
        self.handover_notice.toggled.connect(self._edited)
        self.handover_template.editTextChanged.connect(self._edited)

        self._set_editable(False)
        self.refresh_list()
        self._load_names()
        ops.changed.connect(self._data_changed)

    # -- loading -------------------------------------------------------------------------------

    def _load_names(self) -> None:
        db = self._db
        self._ops.read(
            lambda: (desk.template_names(db), desk.tag_names(db)),
            on_success=self._names_loaded,
            key=f"scenario-names-{id(self)}",
            owner=self,
            label="template and tag names",
        )

    def refresh_list(self, select: str | None = None) -> None:
        """Read the list again; ``select`` it then, else whichever scenario is chosen by then."""
        self._pending_select = select or self._pending_select
        db = self._db
        self._ops.read(
            lambda: scenarios.list_scenarios(db),
            on_success=self._list_loaded,
            owner=self,
            label="scenario list",
        )

    def _data_changed(self, changes: Change) -> None:
        if changes & Change.SCENARIOS:
            self.refresh_list()
            self._compare_with_stored()
        if changes & (Change.TEMPLATES | Change.CONTRACTORS):
            self._load_names()  # the templates a step can use, the tags contractors carry

    def _compare_with_stored(self) -> None:
        loaded = self._loaded
        if loaded is None or self._is_new:
            return
        db, name = self._db, loaded.name
        self._ops.read(
            lambda: scenarios.get(db, name),
            on_success=self._stored_now,
            on_failure=lambda _exc: None,  # deleted elsewhere: the list's refresh shows another
            key=f"scenario-stored-{id(self)}",
            owner=self,
            label="stored scenario",
        )

    def _stored_now(self, stored: Scenario) -> None:
        """The scenario in the forms as it is stored now, after a change made elsewhere."""
        loaded = self._loaded
        if loaded is None or self._is_new or stored.name != loaded.name:
            return
        if model.to_dict(stored) == model.to_dict(loaded):
            return  # this editor's own save, or a change to another scenario
        if self.is_dirty():
            self.changed_elsewhere = True
            self._update_buttons()
            return
        step = self.step_list.currentRow()
        self.set_scenario(stored)
        if 0 <= step < self.step_list.count():
            self.select_step(step)

    def _list_loaded(self, infos: list[ScenarioInfo]) -> None:
        self._infos = infos
        wanted = self._pending_select or self.current_name()
        self._pending_select = None
        lst = self.scenario_list
        blocked = lst.blockSignals(True)
        lst.clear()
        bold = QFont(lst.font())
        bold.setBold(True)
        select_row = 0
        for row, info in enumerate(infos):
            text = f"{info.title}\n{info.name}"
            if info.builtin:
                text += " · " + _("built-in preset")
            item = QListWidgetItem(("★ " if info.is_default else "") + text)
            item.setData(NameRole, info.name)
            item.setToolTip(
                ngettext("{n} step", "{n} steps", info.steps).format(n=info.steps)
                + ("\n" + _("The default scenario") if info.is_default else "")
            )
            if info.is_default:
                item.setFont(bold)
            lst.addItem(item)
            if info.name == wanted:
                select_row = row
        lst.blockSignals(blocked)
        if self._is_new:  # a draft stays in the forms; nothing in the list is it yet
            self._update_buttons()
            return
        if infos:
            # loads the scenario unless it is the one already in the forms
            lst.setCurrentRow(select_row)
        self._update_buttons()

    def _names_loaded(self, result: tuple[list[str], list[str]]) -> None:
        templates, tags = result
        self._known_templates = frozenset(templates)
        self.step_form.set_template_names(templates)
        self.thanks_channels.set_names(templates)
        self.handover_template.set_names(templates)
        self.step_form.set_tag_names(tags)
        self._revalidate()

    def current_name(self) -> str | None:
        item = self.scenario_list.currentItem()
        return None if item is None else str(item.data(NameRole))

    def current_info(self) -> ScenarioInfo | None:
        name = self.current_name()
        return next((i for i in self._infos if i.name == name), None)

    def _scenario_selected(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        name = str(current.data(NameRole))
        if self._loaded is not None and name == self._loaded.name and not self._is_new:
            self._update_buttons()
            return
        if self.is_dirty() and not self._confirm_discard(lambda: self._select_by_name(name)):
            lst = self.scenario_list
            if previous is not None:
                blocked = lst.blockSignals(True)
                lst.setCurrentItem(previous)
                lst.blockSignals(blocked)
            return
        self._is_new = False
        self._load(name)

    def _select_by_name(self, name: str) -> None:
        for row in range(self.scenario_list.count()):
            item = self.scenario_list.item(row)
            if item is not None and item.data(NameRole) == name:
                self.scenario_list.setCurrentRow(row)
                return

    def _load(self, name: str) -> None:
        db = self._db
        self.state_label.setText(_("Loading…"))
        self._ops.read(
            lambda: scenarios.get(db, name),
            on_success=self.set_scenario,
            key=f"scenario-{id(self)}",
            owner=self,
            label="load scenario",
        )

    def set_scenario(self, scenario: Scenario, *, new: bool = False) -> None:
        """Show ``scenario`` in the forms as the saved state (``new``: not stored yet)."""
        self._loaded = scenario
        self._is_new = new
        self.changed_elsewhere = False
        self._steps = list(scenario.steps)
        self._filling = True
        try:
            self.name_edit.setText(scenario.name)
            self.name_edit.setReadOnly(not new)
            self.title_edit.setText(scenario.title)
            self.description_edit.setPlainText(scenario.description)
            (self.per_invoice if scenario.per_invoice else self.per_contractor).setChecked(True)
            self.min_gap.setValue(scenario.min_gap_days)
            self.thanks_channels.set_value(
                scenario.on_paid.channels, dict(scenario.on_paid.templates)
            )
            self.thanks_within.setValue(scenario.on_paid.within_days)
            handover = scenario.handover
            self.handover_box.setChecked(handover is not None)
            self.handover_days.setValue(handover.after_days if handover else 30)
            self.handover_template.set_value(
                handover.task_template if handover else DEFAULT_TASK_TEMPLATE
            )
            self.handover_notice.setChecked(handover.notice if handover else True)
        finally:
            self._filling = False
        self._set_editable(True)
        self._fill_steps(0 if self._steps else -1)
        self._revalidate()

    def _set_editable(self, on: bool) -> None:
        self.tabs.setEnabled(on)

    # -- building and checking -----------------------------------------------------------------

    def scenario(self) -> tuple[Scenario, list[str]]:
        """The scenario as the forms show it, and problems only the forms can see."""
        problems: list[str] = []
        channels, templates = self.thanks_channels.value()
        handover = None
        if self.handover_box.isChecked():
            handover = Handover(
                after_days=self.handover_days.value(),
                task_template=self.handover_template.value() or DEFAULT_TASK_TEMPLATE,
                notice=self.handover_notice.isChecked(),
            )
        for number, problem in self._form_problems():
            problems.append(step_prefix(number, self._steps[number - 1]) + ": " + problem)
        built = Scenario(
            name=self.name_edit.text().strip(),
            title=self.title_edit.text().strip(),
            description=self.description_edit.toPlainText().strip(),
            per_invoice=self.per_invoice.isChecked(),
            min_gap_days=self.min_gap.value(),
            steps=tuple(self._steps),
            on_paid=OnPaid(
                channels=channels, templates=templates, within_days=self.thanks_within.value()
            ),
            handover=handover,
        )
        return built, problems

    def _form_problems(self) -> list[tuple[int, str]]:
        row = self.step_list.currentRow()
        if row < 0 or row >= len(self._steps):
            return []
        _step, problems = self.step_form.step()
        return [(row + 1, p) for p in problems]

    def problems(self) -> list[str]:
        return list(self._problems)

    def is_dirty(self) -> bool:
        if self._loaded is None:
            return False
        if self._is_new:
            return True
        built, _problems = self.scenario()
        return model.to_dict(built) != model.to_dict(self._loaded)

    def _edited(self, *_args: Any) -> None:
        if not self._filling:
            self._revalidate()

    def _revalidate(self) -> None:
        if self._loaded is None:
            self._update_buttons()
            return
        built, problems = self.scenario()
        problems += model.validate(built, known_templates=self._known_templates)
        self._problems = problems
        self.problems_list.clear()
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in problems:
            self.problems_list.addItem(QListWidgetItem(warn, problem))
        if not problems:
            ok = QListWidgetItem(_("The scenario is complete and can be saved."))
            ok.setFlags(Qt.ItemFlag.NoItemFlags | Qt.ItemFlag.ItemIsEnabled)
            self.problems_list.addItem(ok)
        self._step_problems = {}
        for index, step in enumerate(self._steps):
            prefix = step_prefix(index + 1, step)
            found = [p for p in problems if p.startswith(prefix + ":")]
            if found:
                self._step_problems[index] = found
        self._mark_steps()
        self._update_buttons()

    def _mark_steps(self) -> None:
        warn = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        red = QBrush(theme.overdue_text())
        for index in range(self.step_list.count()):
            item = self.step_list.item(index)
            if item is None:
                continue
            problems = self._step_problems.get(index)
            item.setIcon(warn if problems else QIcon())
            item.setForeground(red if problems else QBrush())
            item.setToolTip("\n".join(problems) if problems else "")

    def step_has_problem(self, index: int) -> bool:
        return index in self._step_problems

    def _update_buttons(self) -> None:
        info = self.current_info()
        loaded = self._loaded is not None
        dirty = self.is_dirty()
        self.save_button.setEnabled(loaded and dirty and not self._problems)
        self.revert_button.setEnabled(loaded and dirty and not self._is_new)
        self.duplicate_button.setEnabled(loaded and not self._is_new)
        self.export_button.setEnabled(loaded and not self._is_new)
        self.delete_button.setEnabled(info is not None and not info.is_default and not self._is_new)
        self.default_button.setEnabled(info is not None and not info.is_default and not dirty)
        self.reset_button.setEnabled(info is not None and info.builtin and not self._is_new)
        row = self.step_list.currentRow()
        self.remove_step_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.step_list.count() - 1)
        if self._is_new:
            self.state_label.setText(_("New scenario, not saved yet"))
        elif dirty and self.changed_elsewhere:
            self.state_label.setText(
                _("Unsaved changes; the scenario was changed elsewhere, saving replaces that")
            )
        elif dirty:
            self.state_label.setText(_("Unsaved changes"))
        elif loaded:
            self.state_label.setText(_("Saved"))
        self.setWindowModified(dirty)

    # -- steps ---------------------------------------------------------------------------------

    def _step_text(self, index: int, step: Step) -> str:
        channels = ", ".join(labels.channel(c, short=True) for c in step.channels) or "—"
        when = labels.describe_trigger(step.trigger)
        repeat = labels.describe_repeat(step.repeat)
        second = f"{when}; {repeat}" if repeat else when
        return f"{index + 1}. {step.name or step.code}\n     {second} · {channels}"

    def _fill_steps(self, select: int) -> None:
        lst = self.step_list
        blocked = lst.blockSignals(True)
        lst.clear()
        for index, step in enumerate(self._steps):
            lst.addItem(self._step_text(index, step))
        lst.blockSignals(blocked)
        if 0 <= select < len(self._steps):
            lst.setCurrentRow(select)
            self.step_form.set_step(self._steps[select])
        self.step_form.setEnabled(0 <= select < len(self._steps))
        self._mark_steps()

    def _step_selected(self, row: int) -> None:
        if 0 <= row < len(self._steps):
            self.step_form.set_step(self._steps[row])
            self.step_form.setEnabled(True)
        else:
            self.step_form.setEnabled(False)
        self._revalidate()

    def _step_edited(self) -> None:
        row = self.step_list.currentRow()
        if not 0 <= row < len(self._steps):
            return
        step, _problems = self.step_form.step()
        self._steps[row] = step
        item = self.step_list.item(row)
        if item is not None:
            item.setText(self._step_text(row, step))
        self._revalidate()

    def _add_step(self) -> None:
        self._steps.append(new_step(self._steps))
        self._fill_steps(len(self._steps) - 1)
        self._revalidate()
        self.step_form.name.setFocus()
        self.step_form.name.selectAll()

    def _remove_step(self) -> None:
        row = self.step_list.currentRow()
        if 0 <= row < len(self._steps):
            del self._steps[row]
            self._fill_steps(min(row, len(self._steps) - 1))
            self._revalidate()

    def _move_step(self, delta: int) -> None:
        row = self.step_list.currentRow()
        target = row + delta
        if 0 <= row < len(self._steps) and 0 <= target < len(self._steps):
            self._steps[row], self._steps[target] = self._steps[target], self._steps[row]
            self._fill_steps(target)
            self._revalidate()

    def select_step(self, index: int) -> None:
        self.tabs.setCurrentIndex(1)
        self.step_list.setCurrentRow(index)

    def _problem_clicked(self, item: QListWidgetItem) -> None:
        text = item.text()
        for index, step in enumerate(self._steps):
            if text.startswith(step_prefix(index + 1, step) + ":"):
                self.select_step(index)
                return
        if text.startswith(_("Thank-you")) or text.startswith(_("Hand-over")):
            self.tabs.setCurrentIndex(2)
        else:
            self.tabs.setCurrentIndex(0)

    # -- saving --------------------------------------------------------------------------------

    def _save(self, then: Callable[[], object] | None = None) -> None:
        if not self.save_button.isEnabled():
            return
        built, problems = self.scenario()
        if problems or model.validate(built, known_templates=self._known_templates):
            return
        db, new = self._db, self._is_new
        self.save_button.setEnabled(False)
        self.state_label.setText(_("Saving…"))

        def saved(_id: int) -> None:
            self._loaded = built
            self._is_new = False
            self.changed_elsewhere = False
            self.name_edit.setReadOnly(True)
            self._pending_select = built.name  # the list is read again when the save is announced
            self._revalidate()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            show_error(exc, self)

        self._ops.write(
            lambda: scenarios.save(db, built, replace=not new),
            changes=Change.SCENARIOS,
            on_success=saved,
            on_failure=failed,
            owner=self,
            label="save scenario",
        )

    def _revert(self) -> None:
        if self._loaded is not None:
            self.set_scenario(self._loaded, new=self._is_new)

    def _confirm_discard(self, then: Callable[[], object]) -> bool:
        """Ask about unsaved changes; True when the caller may go on now."""
        answer = ask_to_save(
            self,
            _("Save the changes to this scenario?"),
            None
            if self.save_button.isEnabled()
            else _("The scenario has problems and cannot be saved as it is."),
        )
        if answer == "save":
            self._save(then)
            return False
        if answer == "discard":
            self._loaded = None
            self._is_new = False
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not self._confirm_discard(self.close):
            event.ignore()
            return
        super().closeEvent(event)

    # -- list actions --------------------------------------------------------------------------

    def _ask_name(self, title: str, suggestion: str) -> str | None:
        name, ok = QInputDialog.getText(
            self,
            title,
            _("Name (lower-case letters, digits, - and _):"),
            QLineEdit.EchoMode.Normal,
            suggestion,
        )
        name = name.strip()
        if not ok or not name:
            return None
        if any(info.name == name for info in self._infos):
            show_error(
                ConflictError(_("A scenario named {name} already exists").format(name=name)), self
            )
            return None
        return name

    def start_new(self, name: str, base: Scenario | None = None) -> None:
        """An unsaved scenario in the editor: a copy of ``base`` or one e-mail step."""
        if base is not None:
            scenario = dataclasses.replace(
                base, name=name, title=_("{title} (copy)").format(title=base.title)
            )
        else:
            scenario = Scenario(
                name=name,
                title=_("New scenario"),
                steps=(new_step([]),),
            )
        self.scenario_list.clearSelection()
        self.set_scenario(scenario, new=True)
        self.tabs.setCurrentIndex(0)
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def _new(self) -> None:
        if self.is_dirty() and not self._confirm_discard(self._new):
            return
        name = self._ask_name(_("New scenario"), "my-scenario")
        if name:
            self.start_new(name)

    def _duplicate(self) -> None:
        if self._loaded is None:
            return
        base, _problems = self.scenario()
        if self.is_dirty() and not self._confirm_discard(self._duplicate):
            return
        name = self._ask_name(_("Duplicate scenario"), f"{base.name}-copy"[:40])
        if name:
            self.start_new(name, base)

    def _run_then_refresh(self, fn: Callable[[], object], label: str, select: str | None) -> None:
        def done(_result: object) -> None:
            self._pending_select = select  # the list is read again when the change is announced

        self._ops.write(fn, changes=Change.SCENARIOS, on_success=done, owner=self, label=label)

    def _delete(self) -> None:
        info = self.current_info()
        if info is None:
            return
        answer = QMessageBox.question(
            self,
            _("Delete scenario"),
            _(
                "Delete the scenario {title}? Contractors and invoices that use it go back to "
                "the default scenario."
            ).format(title=info.title),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, name = self._db, info.name
        self._loaded = None
        self._run_then_refresh(lambda: scenarios.delete(db, name), "delete scenario", None)

    def _set_default(self) -> None:
        info = self.current_info()
        if info is not None:
            db, name = self._db, info.name
            self._run_then_refresh(
                lambda: scenarios.set_default(db, name), "default scenario", name
            )

    def _reset(self) -> None:
        info = self.current_info()
        if info is None or not info.builtin:
            return
        answer = QMessageBox.question(
            self,
            _("Reset preset"),
            _("Put {title} back the way it was shipped? Your changes to it are lost.").format(
                title=info.title
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, name = self._db, info.name
        self._loaded = None
        self._run_then_refresh(lambda: scenarios.reset_preset(db, name), "reset preset", name)

    def _import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import scenario"),
            "",
            _("Scenarios (*.json *.yaml *.yml);;All files (*)"),
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, *, replace: bool = False) -> None:
        db = self._db

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConflictError) and not replace:
                answer = QMessageBox.question(
                    self,
                    _("Import scenario"),
                    _("{message}. Replace it with the imported one?").format(message=exc.message),
                )
                if answer == QMessageBox.StandardButton.Yes:
                    self.import_file(path, replace=True)
                return
            show_error(exc, self)

        def imported(name: str) -> None:
            self._loaded = None
            self._pending_select = name  # the list is read again when the import is announced

        self._ops.write(
            lambda: scenarios.import_file(db, path, replace=replace),
            changes=Change.SCENARIOS,
            on_success=imported,
            on_failure=failed,
            owner=self,
            label="import scenario",
        )

    def _export(self) -> None:
        if self._loaded is None:
            return
        name = self._loaded.name
        path, chosen = QFileDialog.getSaveFileName(
            self,
            _("Export scenario"),
            f"{name}.json",
            _("JSON (*.json);;YAML (*.yaml *.yml)"),
        )
        if path:
            fmt = "yaml" if path.endswith((".yaml", ".yml")) or "yaml" in chosen.lower() else "json"
            self.export_file(name, Path(path), fmt)

    def export_file(self, name: str, path: Path, fmt: str) -> None:
        db = self._db

        def run() -> None:
            text = scenarios.export_text(db, name, fmt)
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ValidationError(
                    _("Cannot write {file}: {error}").format(file=path, error=exc.strerror)
                ) from exc

        self._ops.read(
            run,
            on_success=lambda _r: self.state_label.setText(
                _("Exported to {file}").format(file=str(path))
            ),
            owner=self,
            label="export scenario",
        )
