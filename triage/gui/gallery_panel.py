"""The gallery page of an open case: toolbar, filter bar, the grid, and the detail pane.

It owns the threads the gallery needs beside the case's reader: its own
reader, a thumbnail loader, and the writer that makes tagging changes (FIFO, audited,
undoable through a QUndoStack). Keys: the working scheme's hotkeys tag the
selection (Alt+key the whole stacks), Backspace removes the examiner's tag,
C confirms a plugin's suggested category as the examiner's tag, Space held
reveals the current picture, Ctrl+Z / Ctrl+Shift+Z undo and redo.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from triage.review.gallery import evidence_choices, items_by_id, stack_members
from triage.case.models import Keyframe
from triage.review.segments import add_segment, remove_segment, segments_of
from triage.case.store import CaseStore
from triage.review.tags import working_scheme
from triage.gui import formatting
from triage.gui.detail import CONFIRM_KEY, DetailPane
from triage.gui.filters import FilterBar
from triage.gui.gallery_model import GalleryModel, ThumbnailCache, coalesced
from triage.gui.gallery_view import PICTURE, GalleryView, GridModel, TileDelegate
from triage.gui.i18n import language
from triage.gui.tagging import TagChange
from triage.gui.video_player import VideoPlayer
from triage.gui.wellbeing import ExposureMeter, WellbeingPolicy
from triage.gui.widgets import MessageBar
from triage.gui.workers import ChangeWatcher, StoreReader, StoreWriter, ThumbnailLoader
from triage.pipeline.matches import PARTIAL, how_matched

translate = QCoreApplication.translate

CHANGES_THAT_RESHAPE = ("hashset.import", "hashset.match", "hashset.remove", "stacks.",
                        "case.working_scheme", "ingest.complete")
"""Others' audited actions after which the gallery's tiles may be other tiles (a refresh)."""
ADVANCE_LOOKAHEAD = 500  # tiles looked at for the next one that still needs a person


def _filter_choices(session):
    """What the filter bar offers beyond fixed choices: plugin flags, evidence."""
    from triage.plugins.results import flag_counts

    return flag_counts(session), evidence_choices(session)


def _confirmation(session, media_ids: list[int], stacks: bool, plugin: str, version: str):
    """The examiner's tag confirming `plugin`'s suggestion for these tiles (and their stacks)."""
    from triage.review.tag_queries import with_stacks
    from triage.plugins.results import confirm_suggestion

    ids = with_stacks(session, media_ids) if stacks else media_ids
    return confirm_suggestion(session, ids, plugin, version)


def _load_scheme(session):
    """The working scheme (its hotkeys, labels, colours); read on the reader thread."""
    from triage.schema import default_registry

    return default_registry().get(working_scheme(session))


class GalleryPanel(QWidget):
    """Everything the gallery shows for one case."""

    schemeLoaded = Signal(object)
    tagged = Signal(list)  # media ids whose tiles were re-read after a change

    def __init__(self, store: CaseStore, messages: MessageBar,
                 settings: QSettings, examiner, exposure: ExposureMeter | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._messages = messages
        self._examiner = examiner  # a callable: the examiner can change while the case is open
        self._store, self._exposure = store, exposure
        self.player: VideoPlayer | None = None
        self.scheme = None
        self._return_to: tuple[int | None, int] | None = None  # where a refresh comes back to
        # Its own reader, so the first tiles never queue behind the overview's counts
        # (a million files take seconds to summarise); the case's reader closes the store.
        self.reader = StoreReader(store, self, owns_store=False, name="GalleryReader")
        self.policy = WellbeingPolicy(settings, self)
        self.loader = ThumbnailLoader(store, PICTURE, self)
        self.cache = ThumbnailCache(self.loader, parent=self)
        self.writer = StoreWriter(store, self)
        self.watcher = ChangeWatcher(store, self)
        self.undo_stack = QUndoStack(self)
        self.model = GalleryModel(self.reader, self)
        self.grid = GridModel(self.model, self)
        self.view = GalleryView()
        self.view.setModel(self.grid)
        self.exposure = exposure if exposure is not None else ExposureMeter(settings, self)
        self.delegate = TileDelegate(self.cache, self.policy, self.exposure, self.view)
        self.view.setItemDelegate(self.delegate)
        self.filters = FilterBar()
        self.detail = DetailPane(self.reader, self.cache, self.policy, self.exposure)
        self.count_label = QLabel()
        self.keys_label = QLabel()
        self.keys_label.setWordWrap(True)
        self.keys_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._make_actions()
        self.toolbar = QToolBar()
        for action in (self.stacks_action, self.series_action, None, self.blur_action,
                       self.greyscale_action,
                       self.protect_action, None, self.undo_action, self.redo_action, None,
                       self.refresh_action):
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.view, 1)
        status = QHBoxLayout()
        status.addWidget(self.keys_label, 1)
        status.addWidget(self.count_label)
        left_layout.addLayout(status)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

        self._repaint = coalesced(self, 15, self.view.viewport().update)
        self.cache.ready.connect(lambda _sha: self._repaint.start())
        self.policy.changed.connect(self.view.viewport().update)
        self._show_current = coalesced(self, 60, self._current_to_detail)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._show_current.start())
        self.grid.modelReset.connect(self._after_reset)
        self.grid.modelReset.connect(self._update_count)
        self.model.loaded.connect(self._loaded)
        self.model.loadFailed.connect(self._load_failed)
        self.filters.changed.connect(lambda f: setattr(self.delegate, "stacks", f.stacks))
        self.filters.changed.connect(self.model.set_filter)
        self.filters.changed.connect(lambda _f: self._update_count())
        self.filters.changed.connect(
            lambda f: self.series_action.setChecked(f.series_id is not None))
        self.view.tagRequested.connect(self.tag_selection)
        self.view.untagRequested.connect(self.untag_selection)
        self.view.revealRequested.connect(self._reveal)
        self.view.confirmRequested.connect(self.confirm_suggestion)
        self.view.activated.connect(self._activated)
        self.detail.memberChosen.connect(self.detail.show_media)
        self.detail.seriesRequested.connect(self.filters.set_series)

        self.reader.start()
        self.loader.start()
        self.writer.start()
        self.watcher.changed.connect(self._others_changed)
        self.watcher.start()
        self.model.set_filter(self.filters.current())
        self.reader.submit(_load_scheme, self._scheme_loaded, self._load_failed)
        self._read_choices()

    # -- actions -------------------------------------------------------------------------

    def _toggle(self, text: str, shortcut: str, checked: bool, slot, tip: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setChecked(checked)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({shortcut})")
        action.toggled.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.stacks_action = self._toggle(
            self.tr("Show stacks"), "Ctrl+T", True, self.filters.set_stacks,
            self.tr("One tile per stack of near-duplicates; off: every item"))
        self.blur_action = self._toggle(
            self.tr("Blur"), "Ctrl+B", self.policy.blur,
            lambda on: setattr(self.policy, "blur", on),
            self.tr("Blur pictures nobody has categorised yet"))
        self.greyscale_action = self._toggle(
            self.tr("Greyscale"), "Ctrl+G", self.policy.greyscale,
            lambda on: setattr(self.policy, "greyscale", on),
            self.tr("Show pictures nobody has categorised yet in greyscale"))
        self.protect_action = self._toggle(
            self.tr("Protect categorised"), "Ctrl+Shift+B", self.policy.protect_categorised,
            lambda on: setattr(self.policy, "protect_categorised", on),
            self.tr("Blur and greyscale apply to categorised pictures too"))
        self.protect_above_action = QAction(self.tr("Always blur above score…"), self)
        self.protect_above_action.setToolTip(self.tr(
            "Pictures a classifier scored at least this high stay blurred even with blur off; "
            "hold Space to reveal one (counted apart)"))
        self.protect_above_action.triggered.connect(self.ask_protect_above)
        self.undo_action = self._undo_redo(self.tr("Undo"), self.undo_stack.undo,
                                           self.undo_stack.canUndoChanged,
                                           self.undo_stack.undoTextChanged)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self._undo_redo(self.tr("Redo"), self.undo_stack.redo,
                                           self.undo_stack.canRedoChanged,
                                           self.undo_stack.redoTextChanged)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.confirm_action = QAction(self.tr("Confirm plugin suggestion") + f"\t{CONFIRM_KEY}",
                                      self)
        self.confirm_action.setToolTip(self.tr("Tag the selection with the category a plugin "
                                               "suggests for it: your tag, audited, undoable"))
        self.confirm_action.triggered.connect(self.confirm_suggestion)
        self.series_action = QAction(self.tr("Show the series"), self)
        self.series_action.setCheckable(True)  # checked while one series is shown
        self.series_action.setShortcut(QKeySequence("Ctrl+R"))
        self.series_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.series_action.setToolTip(self.tr(
            "Only the pictures of the selected one's setting (same room, another pose): "
            "related, never stacked. Again: everything (Ctrl+R)"))
        self.series_action.triggered.connect(self.toggle_series)
        self.addAction(self.series_action)
        self.refresh_action = QAction(self.tr("Refresh gallery"), self)
        self.refresh_action.setToolTip(self.tr("Read the gallery again (tagged tiles stay in "
                                               "place until then)"))
        self.refresh_action.triggered.connect(self.refresh)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def key_help(self) -> list[tuple[str, str]]:
        """The gallery's keys, the working scheme's first, for the shortcut sheet."""
        keys = [(c.hotkey, self.tr("tag as {code} {label}").format(
                    code=c.code, label=c.label_in(language())))
                for c in (self.scheme.categories if self.scheme else ()) if c.hotkey]
        return keys + [
            (self.tr("Alt+category key"), self.tr("tag the whole stack")),
            ("Backspace", self.tr("remove your tag (Alt: of the whole stack)")),
            (CONFIRM_KEY, self.tr("confirm what a hash set proposes, or a plugin suggests")),
            (self.tr("hold Space"), self.tr("show the selected picture clearly")),
            (self.tr("arrows"), self.tr("move; Shift selects a run of tiles")),
            ("Ctrl+Home, Ctrl+End", self.tr("first and last tile")),
            ("Ctrl+R", self.tr("show the series of the selected picture (same setting), "
                               "or everything again")),
            ("Enter", self.tr("to the detail pane")),
        ]

    def _undo_redo(self, text: str, slot, can_changed, text_changed) -> QAction:
        """Undo or Redo with a label that stays short; what it would undo is its tooltip."""
        action = QAction(text, self)
        action.setEnabled(False)
        action.triggered.connect(slot)
        can_changed.connect(action.setEnabled)
        text_changed.connect(lambda what: action.setToolTip(f"{text}: {what}" if what else text))
        return action

    @property
    def actions_for_menu(self) -> list[QAction]:
        return [self.stacks_action, self.series_action, self.blur_action, self.greyscale_action,
                self.protect_action, self.protect_above_action, self.undo_action,
                self.redo_action, self.confirm_action, self.refresh_action]

    # -- loading -------------------------------------------------------------------------

    def toggle_series(self) -> None:
        """Show the series of the item in the detail pane, or everything again."""
        if self.filters.series_id is not None:
            self.filters.set_series(None)
        elif self.detail.detail is not None and self.detail.detail.series_id is not None:
            self.filters.set_series(self.detail.detail.series_id)
        else:
            self.series_action.setChecked(False)
            self._messages.info(self.tr("The selected picture is in no series: no other "
                                        "picture of its setting was found."))

    def refresh(self) -> None:
        """Read the same view again and come back to the same place in it."""
        self._return_to = (self.view.current_row(), self.view.verticalScrollBar().value())
        self.model.reload()
        self.detail.reload()
        self._read_choices()

    def _read_choices(self) -> None:
        self.reader.submit(_filter_choices, self._choices_read, self._load_failed)

    def _choices_read(self, choices) -> None:
        flags, evidence = choices
        self.filters.set_plugin_flags(flags)
        self.filters.set_evidence(evidence)

    def _scheme_loaded(self, scheme) -> None:
        self.scheme = scheme
        self.view.hotkeys = {c.hotkey.lower(): c.code for c in scheme.categories if c.hotkey}
        self.delegate.colours = {c.code: _colour(c.colour) for c in scheme.categories}
        lang = language()  # scheme labels follow the interface's language
        self.detail.labels = {f"{scheme.id}:{c.code}": c.label_in(lang)
                              for c in scheme.categories}
        self.detail.scheme_id = scheme.id
        self.filters.set_categories([(c.code, c.label_in(lang)) for c in scheme.categories])
        keys = "  ·  ".join(f"<b>{c.hotkey}</b> " + ("" if c.code == c.hotkey else f"{c.code} ")
                            + c.label_in(lang) for c in scheme.categories if c.hotkey)
        self.keys_label.setText(self.tr("{scheme}: {keys}  ·  <b>Alt+key</b> whole stack  ·  "
                                        "<b>Backspace</b> remove tag  ·  <b>{confirm}</b> "
                                        "confirm a proposal  ·  <b>hold Space</b> "
                                        "reveal").format(scheme=scheme.name, keys=keys,
                                                         confirm=CONFIRM_KEY))
        self.view.viewport().update()
        self.schemeLoaded.emit(scheme)

    def _loaded(self, _total: int) -> None:
        self._update_count()
        place, self._return_to = self._return_to, None
        if place is not None and self.model.rowCount():
            row, scrolled = place
            self.view.verticalScrollBar().setValue(scrolled)
            if row is not None:
                cell = self.grid.to_cell(min(row, self.model.rowCount() - 1))
                self.view.selectionModel().setCurrentIndex(
                    cell, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _after_reset(self) -> None:
        self.cache.forget_requests()
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.go_to(0)
        elif not self.model.rowCount():
            self.detail.clear()

    def _load_failed(self, message: str) -> None:
        self._messages.error(self.tr("Could not read the gallery: {m}").format(m=message),
                             self.tr("Retry"), self.refresh)

    def _update_count(self) -> None:
        if self.model.counting:
            self.count_label.setText(self.tr("Counting…"))
            return
        if self.model.loading:
            self.count_label.setText(self.tr("Reading…"))
            return
        n = self.model.rowCount()
        if self.model.filter.stacks:
            text = self.tr("1 tile") if n == 1 else self.tr("{n} tiles")
        else:
            text = self.tr("1 item") if n == 1 else self.tr("{n} items")
        self.count_label.setText(text.format(n=formatting.count(n)))

    def _current_to_detail(self) -> None:
        row = self.view.current_row()
        item = self.model.item(row) if row is not None else None
        self.detail.show_media(item.media_id if item else None)

    # -- tagging -------------------------------------------------------------------------

    def _selected_items(self):
        rows = self.view.selected_rows()
        current = self.view.current_row()
        if not rows and current is not None:
            rows = [current]
        items = [self.model.item(r) for r in rows]
        return rows, [i for i in items if i is not None]

    def tag_selection(self, code: str, whole_stacks: bool = False) -> bool:
        """Give the selected tiles `code` (in stack view a tile stands for its whole stack)."""
        return self._change(code, whole_stacks)

    def untag_selection(self, whole_stacks: bool = False) -> bool:
        return self._change(None, whole_stacks)

    def _change(self, code: str | None, whole_stacks: bool) -> bool:
        if self.scheme is None:
            return False
        rows, items = self._selected_items()
        if not items:
            return False
        stacks = whole_stacks or self.model.filter.stacks
        if code is not None and stacks and any(i.stack_size > 1 for i in items):
            # A stack's category reaches only its copies that look whole; members matched
            # only in part (cropped, captioned, padded) are left for a person, and said so.
            self.reader.submit(partial(_whole_copies, items=items),
                               partial(self._tag_whole_copies, code), self._load_failed)
            self._advance(max(rows))
            return True
        n = _items_count(items, stacks)
        text = (self.tr("remove the tag of {n}").format(n=n) if code is None
                else self._tag_text(n, code))
        self._push_tag([i.media_id for i in items], self.scheme.id, code, stacks, text)
        if code is not None:
            self._advance(max(rows))
        return True

    def _tag_text(self, n: str, code: str) -> str:
        label = self.scheme.category(code).label_in(language())
        return self.tr("tag {n} as {code} ({label})").format(n=n, code=code, label=label)

    def _push_tag(self, ids: list[int], scheme: str, code: str | None, whole_stacks: bool,
                  text: str) -> None:
        """Tag (or untag) media through the undo stack, on the writer thread, audited."""
        self.undo_stack.push(TagChange(self.writer, self._examiner, ids, scheme, code,
                                       whole_stacks, text, self._changes_arrived,
                                       self._change_failed))

    def _tag_whole_copies(self, code: str, answer) -> None:
        ids, held_back = answer
        self._push_tag(ids, self.scheme.id, code, False,
                       self._tag_text(_count_text(len(ids)), code))
        if held_back:
            names = ", ".join(held_back[:5]) + (" …" if len(held_back) > 5 else "")
            self._messages.info(self.tr(
                "{k} stack member(s) matched only in part and were not tagged: {names}. "
                "Look at them (Show stacks off) and tag them yourself.").format(
                k=len(held_back), names=names))

    def _activated(self, _index) -> None:
        """Enter or a double click: a video plays, a picture's details take the keys."""
        row = self.view.current_row()
        item = self.model.item(row) if row is not None else None
        if item is not None and item.is_video:
            self.play(item)
        else:
            self.detail.setFocus()

    def play(self, item) -> None:
        """Open the player on a video tile, once its keyframes' times are read."""
        self.reader.submit(partial(_keyframe_times, media_id=item.media_id),
                           partial(self._open_player, item), self._load_failed)

    def _open_player(self, item, times: list[float]) -> None:
        if self.player is not None:
            self.player.close()
        self.player = VideoPlayer(item.media_id, item.name, item.categorised, self.policy,
                                  times, dict(self.view.hotkeys), self._exposure, self,
                                  relevance=item.relevance)
        self.player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.player.destroyed.connect(lambda: setattr(self, "player", None))
        self.player.tagRequested.connect(self._tag_video)
        self.player.segmentRequested.connect(self._add_segment)
        self.player.segmentRemoveRequested.connect(self._remove_segment)
        self.player.open_content(self._store, item.sha256)
        self.player.show()
        self._read_segments(item.media_id)

    def _add_segment(self, media_id: int, start: float, end: float, code: str) -> None:
        scheme, examiner = self.scheme.id, self._examiner()
        self.writer.submit(lambda session: add_segment(session, examiner, media_id, start, end,
                                                       scheme, code),
                           lambda _segment: self._read_segments(media_id),
                           self._segment_failed)

    def _remove_segment(self, segment_id: int) -> None:
        examiner, player = self._examiner(), self.player
        self.writer.submit(lambda session: remove_segment(session, examiner, segment_id),
                           lambda _none: player and self._read_segments(player.media_id),
                           self._segment_failed)

    def _segment_failed(self, message: str) -> None:
        self._messages.error(self.tr("The segment was not changed: {m}").format(m=message))

    def _read_segments(self, media_id: int) -> None:
        def show(found) -> None:
            if self.player is not None and self.player.media_id == media_id:
                self.player.set_segments(found.get(media_id, []), self.detail.labels)

        self.reader.submit(partial(segments_of, media_ids=[media_id]), show, self._load_failed)

    def _tag_video(self, media_id: int, code: str) -> None:
        label = self.scheme.category(code).label_in(language())
        self._push_tag([media_id], self.scheme.id, code, False,
                       self.tr("tag the video as {code} ({label})").format(code=code,
                                                                          label=label))

    def confirm_suggestion(self) -> bool:
        """Make the category a plugin suggests for the current item the examiner's tag of the
        selection (with their stacks in stack view), through the undo stack like a hotkey.

        The command is prepared on the reader (`confirm_suggestion` refuses tiles
        whose suggestions disagree, which is said, not pushed), then run on the writer.
        """
        rows, items = self._selected_items()
        if not items:
            return False
        if self._confirm_hash_set_category(rows, items):
            return True
        suggested = self.detail.suggested
        if suggested is None:
            self._messages.info(self.tr("No plugin suggests a category for this item."))
            return False
        ids, stacks = [i.media_id for i in items], self.model.filter.stacks
        text = self.tr("confirm {plugin}'s suggestion {category} for {n}").format(
            plugin=suggested.plugin, category=suggested.category,
            n=_items_count(items, stacks))

        def push(command) -> None:
            self.undo_stack.push(TagChange(
                self.writer, self._examiner, ids, command.scheme, command.category, stacks,
                text, self._changes_arrived, self._change_failed, prepared=command))
            self._advance(max(rows))

        self.reader.submit(partial(_confirmation, media_ids=ids, stacks=stacks,
                                   plugin=suggested.plugin, version=suggested.version), push,
                           lambda message: self._messages.warning(
                               self.tr("Nothing confirmed: {m}").format(m=message)))
        return True

    def _confirm_hash_set_category(self, rows: list[int], items) -> bool:
        """The category an alert set gives the selection becomes the examiner's tag (a set's
        answer is a proposal until a person confirms it); False if no set proposes one."""
        proposed = [i for i in items if i.hashset_category and i.category is None]
        proposals = {i.hashset_category for i in proposed}
        if not proposals:
            return False
        if len(proposals) > 1 or any(";" in p for p in proposals):
            self._messages.info(self.tr("The hash sets propose different categories for the "
                                        "selection: give it one with its key."))
            return True
        scheme, _, code = proposals.pop().rpartition(":")
        stacks = self.model.filter.stacks
        text = self.tr("confirm the hash-set category {code} for {n}").format(
            code=code, n=_items_count(proposed, stacks))
        self._push_tag([i.media_id for i in proposed], scheme, code, stacks, text)
        self._advance(max(rows))
        return True

    def _advance(self, after: int) -> None:
        """To the next tile nobody has categorised (among those read), else the next one."""
        total = self.model.rowCount()
        for row in range(after + 1, min(total, after + 1 + ADVANCE_LOOKAHEAD)):
            item = self.model.item(row)
            if item is None or not item.categorised:
                self.view.go_to(row)
                return
        self.view.go_to(min(after + 1, total - 1))

    def _changes_arrived(self, fresh: dict, media_ids: list[int]) -> None:
        self.model.update_items(fresh)
        if self.detail.detail is not None and self.detail.detail.item.media_id in media_ids:
            self.detail.reload()
        elif self.detail.detail is not None and any(
                m.media_id in media_ids for m in self.detail.detail.stack):
            self.detail.reload()
        self.tagged.emit(media_ids)

    def _others_changed(self, changes: list) -> None:
        """Tiles another examiner (or window) tagged are re-read in place; more is said."""
        me = self._examiner()
        media = sorted({c.media_id for c in changes if c.media_id is not None
                        and not (c.examiner == me and c.action.startswith("tag."))})
        if media:
            self.reader.submit(partial(items_by_id, media_ids=media),
                               lambda fresh: self._changes_arrived(fresh, media))
        others = [c for c in changes if c.media_id is None and c.examiner != me
                  and c.action.startswith(CHANGES_THAT_RESHAPE)]
        if others:
            last = others[-1]
            self._messages.info(self.tr("{who} changed the case ({what}). Refresh to see it.")
                                .format(who=last.examiner, what=last.action),
                                self.tr("Refresh"), self.refresh)

    def _change_failed(self, message: str) -> None:
        self.undo_stack.clear()
        self._messages.error(self.tr("The change was not made: {m}. Undo history was cleared; "
                                     "refresh to see the case as it is.").format(m=message),
                             self.tr("Refresh"), self.refresh)

    def ask_protect_above(self) -> None:
        score, ok = QInputDialog.getDouble(
            self, self.tr("Always blur above score"),
            self.tr("Keep pictures blurred, even with blur off, when a classifier's relevance "
                    "score is at least (0 to 1; above 1: never):"),
            self.policy.protect_above, 0.0, 1.01, 2)
        if ok:
            self.policy.protect_above = score

    def _reveal(self, on: bool) -> None:
        row = self.view.current_row() if on else None
        item = self.model.item(row) if row is not None else None
        self.policy.reveal(item.media_id if item else None)

    # -- closing -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.writer.busy

    def shutdown(self) -> None:
        """Finish queued changes, stop the threads (before the reader closes the store)."""
        if self.player is not None:  # its decoder and copy threads go with it
            self.player.reject()
        self.watcher.stop()
        self.writer.stop()
        self.loader.stop()
        self.reader.stop()


def _colour(text: str):
    from PySide6.QtGui import QColor

    return QColor(text)


def _items_count(items, whole_stacks: bool) -> str:
    """How many contents a change reaches: a stack tile counts every member."""
    return _count_text(sum(i.stack_size for i in items) if whole_stacks else len(items))


def _count_text(n: int) -> str:
    return translate("GalleryPanel", "1 item") if n == 1 else translate(
        "GalleryPanel", "{n} items").format(n=n)


def _keyframe_times(session, media_id: int) -> list[float]:
    return [t for t in session.scalars(select(Keyframe.time).where(Keyframe.media_id == media_id)
                                       .order_by(Keyframe.index)) if t is not None]


def _whole_copies(session, items) -> tuple[list[int], list[str]]:
    """The media a stack tag may reach (each tile's stack, less the members that matched
    their representative only in part), and the names of those held back."""
    ids, held_back = [], []
    for item in items:
        if item.stack_size <= 1:
            ids.append(item.media_id)
            continue
        members = stack_members(session, item.media_id)
        matches = how_matched(session, members[0].media_id, [m.media_id for m in members[1:]])
        for member in members:
            if matches.get(member.media_id) in PARTIAL:
                held_back.append(member.name)
            else:
                ids.append(member.media_id)
    return ids, held_back
