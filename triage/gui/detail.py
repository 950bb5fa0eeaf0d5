"""The detail pane: one media item's preview, instances, hashes, EXIF, hash-set hits, stack
members, plugin suggestions and tag history. It reads through the case's reader thread and
shows pictures through the same cache and wellbeing policy as the grid."""

from __future__ import annotations

import html
from functools import partial

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from triage.review import gallery
from triage.time_zones import DEVICE_LOCAL, UTC
from triage.review.gallery import GalleryItem, MediaDetail
from triage.review.video_matches import clock
from triage.case.thumbnails import FILMSTRIP
from triage.gui import formatting
from triage.gui.gallery_model import ThumbnailCache, coalesced
from triage.gui.gallery_view import CONFLICT_COLOUR
from triage.gui.wellbeing import ExposureMeter, WellbeingPolicy
from triage.gui.workers import StoreReader
from triage.pipeline.matches import MATCHES, PARTIAL, THROUGH_ANOTHER, how_matched

if TYPE_CHECKING:  # the plugin runner behind it loads OpenCV: read on the reader thread only
    from triage.plugins.results import PluginSuggestion

PREVIEW = 256
translate = QCoreApplication.translate
MEMBER_ICON = QSize(72, 72)
BOX_COLOUR = QColor("#f1c40f")
SUGGESTION_COLOUR = "#6c3483"
CONFIRM_KEY = "C"
"""Confirms the current item's plugin suggestion (a scheme hotkey of the same key wins)."""
MATCH_WORDS = {"main": "resized", "mirror": "mirrored", "content": "padded",
               "region": "captioned", "window": "cropped", THROUGH_ANOTHER: "via another"}
"""How a stack member matched its representative, in the stack strip's few letters."""


@dataclass(frozen=True)
class Suggested:
    """A category a plugin suggests for the item shown: what the confirm key would give."""

    plugin: str
    version: str
    scheme: str
    category: str
    working_category: str | None


def read_detail(session, media_id: int):
    """The item's details, its plugins' results and how each member of its stack matched,
    in one read on the reader thread."""
    from triage.plugins.results import suggestions_for

    detail = gallery.media_detail(session, media_id)
    if detail is None:
        return None, [], {}
    return detail, suggestions_for(session, media_id), stack_matches(session, detail)


def stack_matches(session, detail: MediaDetail) -> dict[int, str]:
    """Member media id -> how it matched the representative (`matches.MATCHES` keys)."""
    if len(detail.stack) < 2:
        return {}
    representative, *members = [m.media_id for m in detail.stack]
    return how_matched(session, representative, members)


def suggested_category(detail: MediaDetail | None,
                       suggestions: list[PluginSuggestion]) -> Suggested | None:
    """The newest plugin result that comes with a suggested category (a plugin tag), if any."""
    if detail is None:
        return None
    tags = {t.source: t for t in detail.tags if t.source.startswith("plugin ")}
    for suggestion in suggestions:
        tag = tags.get(suggestion.source)
        if tag is not None:
            return Suggested(suggestion.plugin, suggestion.version, tag.scheme, tag.category,
                             tag.working_category)
    return None


class DetailPane(QWidget):
    """Shows `show_media(id)`'s details once read; `memberChosen` when a stack member is picked."""

    memberChosen = Signal(int)
    seriesRequested = Signal(int)  # "show the series" of the item shown
    loaded = Signal(object)  # MediaDetail or None

    def __init__(self, reader: StoreReader, cache: ThumbnailCache, policy: WellbeingPolicy,
                 exposure: ExposureMeter | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._reader, self._cache, self._policy = reader, cache, policy
        self._exposure = exposure
        self.detail: MediaDetail | None = None
        self.suggestions: list[PluginSuggestion] = []
        self.matches: dict[int, str] = {}  # stack member -> how it matched its representative
        self.labels: dict[str, str] = {}  # "scheme:code" -> label, of the working scheme
        self.scheme_id = ""  # the working scheme's
        self._wanted: int | None = None
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW, PREVIEW)
        self.preview.setStyleSheet("background: palette(mid); border-radius: 4px")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.filmstrip = QLabel()
        self.filmstrip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.filmstrip.setToolTip(self.tr("Keyframes of the video, treated like its preview"))
        self.members_label = QLabel()
        self.members = QListWidget()
        self.members.setViewMode(QListView.ViewMode.IconMode)
        self.members.setIconSize(MEMBER_ICON)
        self.members.setFlow(QListView.Flow.LeftToRight)
        self.members.setWrapping(False)
        self.members.setFixedHeight(MEMBER_ICON.height() + 58)
        self.members.setMovement(QListView.Movement.Static)
        # Every member the same cell, its name elided in the middle (the extension shows);
        # the whole path is the tooltip.
        self.members.setGridSize(QSize(MEMBER_ICON.width() + 28, MEMBER_ICON.height() + 40))
        self.members.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.members.setWordWrap(False)
        self.members.itemActivated.connect(self._member_activated)
        self.members.itemClicked.connect(self._member_activated)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._link)
        self.text.setPlaceholderText(self.tr("Select a picture to see where it was found, its "
                                             "hashes, hash-set matches and tag history."))
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.preview, 1)
        top_layout.addWidget(self.caption)
        top_layout.addWidget(self.filmstrip)
        top_layout.addWidget(self.members_label)
        top_layout.addWidget(self.members)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._repaint = coalesced(self, 30, self._paint_pictures)
        cache.ready.connect(lambda _sha: self._repaint.start())
        policy.changed.connect(self._paint_pictures)
        self.clear()

    def clear(self) -> None:
        self.detail, self._wanted, self.suggestions = None, None, []
        self.preview.clear()
        self.preview.setText(self.tr("No picture selected"))
        self.caption.clear()
        self.members.clear()
        self.members.hide()
        self.members_label.hide()
        self.filmstrip.clear()
        self.filmstrip.hide()
        self.text.clear()

    def show_media(self, media_id: int | None) -> None:
        if media_id is None:
            self.clear()
            return
        self._wanted = media_id
        self._reader.submit(partial(read_detail, media_id=media_id),
                            partial(self._arrived, media_id), self._failed)

    def reload(self) -> None:
        if self._wanted is not None:
            self.show_media(self._wanted)

    @property
    def suggested(self) -> Suggested | None:
        """What the confirm key would confirm for the item shown."""
        return suggested_category(self.detail, self.suggestions)

    def _arrived(self, media_id: int, answer) -> None:
        if media_id != self._wanted:
            return
        detail, suggestions, self.matches = answer
        self.detail, self.suggestions = detail, list(suggestions)
        if detail is None:
            self.clear()
            self.text.setPlainText(self.tr("This item is no longer in the case."))
        else:
            self.text.setHtml(detail_html(detail, self.suggestions, self.labels, self.scheme_id))
            self._fill_members(detail)
            self._paint_pictures()
            item = detail.item
            self.caption.setText(f"{html.escape(item.name)}")
        self.loaded.emit(detail)

    def _failed(self, message: str) -> None:
        self.text.setPlainText(self.tr("Could not read this item: {m}").format(m=message))

    def _fill_members(self, detail: MediaDetail) -> None:
        self.members.clear()
        many = len(detail.stack) > 1
        self.members.setVisible(many)
        self.members_label.setVisible(many)
        if not many:
            return
        partial = sum(self.matches.get(m.media_id) in PARTIAL for m in detail.stack)
        self.members_label.setText(self.tr("Stack of {n} (representative first):").format(
            n=detail.item.stack_size) + (self.tr(" {k} matched only in part: look before "
                                                 "Alt+key").format(k=partial) if partial
                                         else ""))
        for member in detail.stack:
            how = self.matches.get(member.media_id)
            entry = QListWidgetItem(member.name + (f"\n{MATCH_WORDS[how]}" if how else ""))
            entry.setData(Qt.ItemDataRole.UserRole, member)
            entry.setToolTip(member.path + (f"\n{MATCHES.get(how, how)}" if how else ""))
            if how in PARTIAL:
                entry.setForeground(CONFLICT_COLOUR)
            self.members.addItem(entry)

    def _paint_pictures(self) -> None:
        detail = self.detail
        if detail is None:
            return
        item = detail.item
        treatment = self._treatment(item)
        pixmap = self._cache.pixmap(item.sha256, treatment)
        if pixmap is not None and self._exposure is not None and not treatment.blur:
            self._exposure.shown(item.media_id, self._policy.protects(item.relevance))
        if pixmap is None:
            self.preview.setText(self.tr("Loading…") if not self._cache.known(item.sha256)
                                 else self.tr("No preview"))
        else:
            fitted = _fit(pixmap, PREVIEW)
            if not treatment.blur:  # boxes only where the picture itself can be seen
                fitted = _with_boxes(fitted, [b for s in self.suggestions for b in s.boxes
                                              if s.frame_time is None])  # a frame's: not this
            self.preview.setPixmap(fitted)
        self._paint_filmstrip(item, treatment)
        for row in range(self.members.count()):
            entry = self.members.item(row)
            member: GalleryItem = entry.data(Qt.ItemDataRole.UserRole)
            icon = self._cache.pixmap(member.sha256, self._treatment(member))
            entry.setIcon(QIcon(_fit(icon, MEMBER_ICON.width())) if icon is not None else QIcon())

    def _paint_filmstrip(self, item: GalleryItem, treatment) -> None:
        self.filmstrip.setVisible(item.is_video)
        if not item.is_video:
            return
        strip = self._cache.pixmap(item.sha256, treatment, kind=FILMSTRIP)
        if strip is None:
            self.filmstrip.setText(self.tr("Keyframes: loading…") if not self._cache.known(
                item.sha256, FILMSTRIP) else self.tr("No keyframes"))
        else:
            width = max(PREVIEW, self.preview.width())
            self.filmstrip.setPixmap(strip.scaledToWidth(
                min(width, strip.width()), Qt.TransformationMode.SmoothTransformation))

    def _treatment(self, item: GalleryItem):
        return self._policy.treatment(item.media_id, item.categorised, item.relevance)

    def _member_activated(self, entry: QListWidgetItem) -> None:
        member: GalleryItem = entry.data(Qt.ItemDataRole.UserRole)
        self.memberChosen.emit(member.media_id)

    def _link(self, url) -> None:
        if url.scheme() == "series" and self.detail is not None and self.detail.series_id:
            self.seriesRequested.emit(self.detail.series_id)


def _fit(pixmap: QPixmap, side: int) -> QPixmap:
    if pixmap.width() <= side and pixmap.height() <= side:
        return pixmap
    return pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)


def _with_boxes(pixmap: QPixmap, boxes: list[dict]) -> QPixmap:
    """A copy with detector boxes drawn (their coordinates are fractions of the picture)."""
    if not boxes:
        return pixmap
    drawn = QPixmap(pixmap)
    width, height = drawn.width(), drawn.height()
    painter = QPainter(drawn)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(BOX_COLOUR, 2))
    for box in boxes:
        try:
            rect = QRectF(float(box["x"]) * width, float(box["y"]) * height,
                          float(box["w"]) * width, float(box["h"]) * height)
        except (KeyError, TypeError, ValueError):
            continue  # a malformed stored box is not drawn, the rest are
        painter.drawRect(rect)
    painter.end()
    return drawn


# -- the text ----------------------------------------------------------------------------


def esc(value) -> str:
    return html.escape(str(value)) if value not in (None, "") else "—"


def when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else "—"


def clock_text(zone: str) -> str:
    """What a file's times are (a `time_zone` value): UTC; the writing device's clock where
    no zone was kept; or that clock converted with the zone the examiner set."""
    if zone == DEVICE_LOCAL:
        return translate("DetailPane", "the device's local clock (FAT, exFAT and ZIP record "
                                       "no time zone; right-click the evidence ▸ Device time zone…)")
    if zone.startswith(UTC + " from "):
        return translate("DetailPane", "UTC, converted from the device's clock ({zone})").format(
            zone=zone.removeprefix(UTC + " from "))
    return "UTC"


def _category(item, labels: dict[str, str], scheme_id: str) -> str:
    """The examiner's verdict with its label; else what an alert set proposes, said as such."""
    def named(scheme_code: str) -> str:
        code = scheme_code.rpartition(":")[2]
        label = labels.get(scheme_code)
        return esc(f"{code} – {label}" if label else scheme_code)

    if item.category is not None:
        return named(f"{scheme_id}:{item.category}")
    if item.tag_state == "review":
        return esc(translate("DetailPane", "to review"))
    if item.hashset_category and ";" not in item.hashset_category:
        return (f"<span style='color:#c0392b'>" + translate(
            "DetailPane", "proposed by an alert hash set: <b>{category}</b>, not confirmed "
                          "(press <b>{key}</b> to make it your tag)").format(
            category=named(item.hashset_category), key=CONFIRM_KEY) + "</span>")
    if item.hashset_category:
        return esc(translate("DetailPane", "hash sets propose {categories}: give it one with "
                                          "its key").format(categories=item.hashset_category))
    return esc(translate("DetailPane", "uncategorised"))


DIGESTS = ("MD5", "SHA-1", "SHA-256")
NOWRAP = " style='white-space:pre'"


def digest(value: str | None) -> str:
    return f"<code>{esc(value)}</code>"


def html_table(rows: list[tuple[str, str]]) -> str:
    """Label and value rows. A digest's value is never broken (the pane scrolls sideways
    instead), so that a hash reads and copies whole."""
    cells = "".join(f"<tr><td style='padding-right:10px; white-space:pre' valign='top'>"
                    f"<b>{html.escape(k)}</b></td><td{NOWRAP if k in DIGESTS else ''}>{v}</td>"
                    "</tr>" for k, v in rows)
    return f"<table cellspacing='1'>{cells}</table>"


def html_section(title: str, body: str) -> str:
    return f"<h4 style='margin-bottom:2px'>{html.escape(title)}</h4>{body}"


def detail_html(d: MediaDetail, suggestions: list[PluginSuggestion] = (),
                labels: dict[str, str] | None = None, scheme_id: str = "") -> str:
    """`labels`: the working scheme's (`scheme_id`) category labels by "scheme:code"."""
    item = d.item
    size = f"{item.width}×{item.height} · " if item.width and item.height else ""
    parts = [html_table([
        (translate("DetailPane", "Type"),
         f"{esc(item.detected_type)} · {size}{esc(formatting.exact_size(item.size))}"),
        (translate("DetailPane", "Category"), _category(item, labels or {}, scheme_id)),
        ("MD5", digest(item.md5)), ("SHA-1", digest(d.sha1)), ("SHA-256", digest(item.sha256)),
    ])]
    if d.analysis_error:
        parts.append(f"<p style='color:#b00020'>{esc(d.analysis_error)}</p>")
    parts.append(html_section(translate("DetailPane", "Found {n} time(s)").format(
        n=len(d.instances)), "".join(_instance(i) for i in d.instances)))
    if d.series_size > 1:
        parts.append(html_section(translate("DetailPane", "Series"), "<p style='margin:0'>" + translate(
            "DetailPane", "Same setting as {n} other picture(s): another picture, not a copy, so "
                          "not in this stack. <a href='series:'>Show the series</a> "
                          "(Ctrl+R)").format(n=d.series_size - 1) + "</p>"))
    if d.hits:
        conflict = (" <b style='color:#e67e22'>{}</b>".format(
            translate("DetailPane", "(the sets disagree)")) if item.conflicting else "")
        parts.append(html_section(translate("DetailPane", "Hash-set matches"),
                              conflict + html_table([(h.hash_set, hit_text(h)) for h in d.hits])))
    if d.near:
        parts.append(html_section(translate("DetailPane", "Near hash-set entries (perceptual)"),
                              f"<p style='margin:0'><i>{esc(_near_note())}</i></p>"
                              + html_table([(n.hash_set, _near(n)) for n in d.near])))
    if d.videos:
        parts.append(html_section(translate("DetailPane", "Video frames matched"), html_table(
            [(esc(v.other_name), _video_match(v)) for v in d.videos])))
    if suggestions:
        parts.append(suggestions_html(d, suggestions))
    if d.tags:
        parts.append(html_section(translate("DetailPane", "Tags"), html_table([
            (t.source, f"{esc(t.scheme)} {esc(t.category)} → {t.state}"
                       f"{' ' + esc(t.working_category) if t.working_category else ''}, "
                       f"{esc(t.examiner)} {when(t.at)}"
                       + (f"<br><i>{esc(t.reason)}</i>" if t.reason else ""))
            for t in d.tags])))
    exif = {k: v for k, v in d.exif.items() if v not in (None, "", {})}
    if exif:
        parts.append(html_section("EXIF", html_table([(k, esc(v)) for k, v in sorted(exif.items())])))
    if d.video:
        parts.append(html_section(translate("DetailPane", "Video"), html_table(
            [(k, esc(v)) for k, v in sorted(d.video.items()) if not isinstance(v, (list, dict))])))
    if d.history:
        parts.append(html_section(translate("DetailPane", "Tag history (audit log)"), html_table([
            (when(h.at), f"{esc(h.examiner)}: {esc(h.action)} {esc(h.before)} → {esc(h.after)}")
            for h in d.history])))
    return "".join(parts)


def _near_note() -> str:
    return translate("DetailPane", "Looks like an entry, not the same file: a lead to check, "
                                   "which categorises nothing.")


def _near(n) -> str:
    if n.keyframe is not None:
        where = translate("DetailPane", ", keyframe {i} at {t:.1f} s").format(
            i=n.keyframe, t=n.keyframe_time or 0.0)
    elif n.frame_time is not None:
        where = translate("DetailPane", ", the frame at {t:.1f} s").format(t=n.frame_time)
    else:
        where = ""
    return translate("DetailPane", "{algorithm} distance {distance}{where}; {kind}, category "
                                   "{category}, record {record}").format(
        algorithm=esc(n.algorithm.upper() if n.algorithm == "pdq" else "pHash"),
        distance=n.distance, where=where, kind=esc(n.kind), category=esc(n.category),
        record=n.record)


def _video_match(v) -> str:
    """A still's or clip's match to a video's frames, with the times on both sides."""
    if v.kind == "vpdq":
        mine, theirs = v.percent or (0.0, 0.0)
        return translate("DetailPane", "vPDQ: {mine:.0f}% of this video's frames, {theirs:.0f}% "
                                       "of the listed video's").format(mine=mine, theirs=theirs)
    if v.kind == "still" and v.here_start is None:
        return translate("DetailPane", "matches {time} of {name} (PDQ distance {distance})").format(
            time=clock(v.other_start), name=esc(v.other_name), distance=v.distance)
    if v.kind == "still":
        return translate("DetailPane", "a still of {time} of this video (PDQ distance {distance})"
                         ).format(time=clock(v.here_start), distance=v.distance)
    return translate("DetailPane", "{start}–{end} here is {other_start}–{other_end} of {name} "
                                   "({frames} frames)").format(
        start=clock(v.here_start), end=clock(v.here_end), other_start=clock(v.other_start),
        other_end=clock(v.other_end), name=esc(v.other_name), frames=v.frames)


def _carved_at(i) -> str:
    """Where a carved instance starts: in the evidence, or in its partition's decrypted
    volume or VSS snapshot (`Instance.carved_in`)."""
    if i.carved_in == "decrypted volume":
        text = translate("DetailPane",
                         "carved at byte {offset} of the decrypted volume, {size} bytes")
    elif i.carved_in and i.carved_in.startswith("VSS snapshot "):
        text = translate("DetailPane",
                         "carved at byte {offset} of VSS snapshot {number}, {size} bytes")
    else:
        text = translate("DetailPane", "carved at byte {offset}, {size} bytes")
    number = i.carved_in.rsplit(" ", 1)[-1] if i.carved_in else ""
    return text.format(offset=i.carved_offset, size=i.size, number=number)


def _instance(i) -> str:
    where = esc(i.evidence)
    if i.partition:
        where += ", " + translate("DetailPane", "partition {p}").format(p=esc(i.partition))
    path = esc(i.path)
    if i.carved:
        path += " <b style='color:#b00020'>({})</b>".format(
            _carved_at(i) + (translate("DetailPane", ", partial") if i.carved == "partial" else ""))
    elif i.deleted:
        path += " <b style='color:#b00020'>({})</b>".format(translate("DetailPane", "deleted"))
    if i.note:
        path += f"<br><span style='color:#8a5a00'>{esc(i.note)}</span>"
    return "<p style='margin:2px 0'>" + html_table([
        (translate("DetailPane", "Evidence"), where), (translate("DetailPane", "Path"), path),
        (translate("DetailPane", "Modified"), when(i.mtime)),
        (translate("DetailPane", "Accessed"), when(i.atime)),
        (translate("DetailPane", "Changed"), when(i.ctime)),
        (translate("DetailPane", "Created"), when(i.crtime)),
        (translate("DetailPane", "Times"), clock_text(i.time_zone)),
    ]) + "</p>"


def hit_text(h) -> str:
    """Where a match comes from: the set, its entry, the source file's digest, who imported it."""
    return translate(
        "DetailPane", "{kind}, category {category}{scheme}; by {digest}, record {record} of "
        "{source} (SHA-256 {sha}…), imported {when} by {who}").format(
        kind=esc(h.kind), category=esc(h.category),
        scheme=f" ({esc(h.scheme)})" if h.scheme else "", digest=h.digest, record=h.record,
        source=esc(h.source_name), sha=h.source_sha256[:16], when=when(h.imported_at),
        who=esc(h.imported_by))


def suggestions_html(d: MediaDetail, suggestions: list[PluginSuggestion]) -> str:
    """Each plugin's answer, set apart and worded as a suggestion: never the examiner's verdict."""
    suggested = suggested_category(d, suggestions)
    note = translate("DetailPane", "What plugins suggest. Not a verdict: only an examiner's "
                                   "tag categorises.")
    rows = [(f"{s.plugin} {s.version}", _suggestion(s, suggested)) for s in suggestions]
    body = (f"<p style='margin:0; color:{SUGGESTION_COLOUR}'><i>{esc(note)}</i></p>"
            + html_table(rows))
    return html_section(translate("DetailPane", "Plugin suggestions"), body)


SCORE_SHOWN = 0.01
"""A classifier's labels scored below this are left out of the detail pane's list."""


def _relevance_line(s: PluginSuggestion) -> str:
    """A classifier's relevance score: what it adds to "most likely relevant first"."""
    text = translate("DetailPane", "Relevance {score:.3f}: orders the review, not a "
                                   "verdict").format(score=s.relevance)
    if s.frame_time is not None:
        text += " · " + translate("DetailPane", "highest at {t:.1f} s").format(t=s.frame_time)
    return f"<span style='color:{SUGGESTION_COLOUR}'>{text}</span>"


def _suggestion(s: PluginSuggestion, suggested: Suggested | None) -> str:
    model = (translate("DetailPane", "model SHA-256 {sha}…").format(sha=s.model_sha256[:12])
             if s.model_sha256 else translate("DetailPane", "no model file"))
    lines = [model]
    if s.relevance is not None:
        lines.append(_relevance_line(s))
    if s.flags:
        flags = ", ".join(f"<b>{esc(label)}</b> {score:.2f}" for label, score in
                          sorted(s.flags.items(), key=lambda kv: -kv[1]))
        lines.append(translate("DetailPane", "Flags (score over threshold): {flags}").format(
            flags=flags))
    elif s.relevance is None:
        lines.append(translate("DetailPane", "No label over its threshold"))
    if s.relevance is not None and s.scores:
        scored = sorted(((v, k) for k, v in s.scores.items() if v >= SCORE_SHOWN), reverse=True)
        lines.append(translate("DetailPane", "Scores: {scores}").format(
            scores=", ".join(f"{esc(label)} {value:.3f}" for value, label in scored)
            or translate("DetailPane", "none above {min}").format(min=SCORE_SHOWN)))
    if s.boxes:
        faces = s.faces
        lines.append(translate("DetailPane", "{n} face(s)").format(n=faces) if faces else
                     translate("DetailPane", "{n} region(s)").format(n=len(s.boxes)))
    if suggested is not None and (suggested.plugin, suggested.version) == (s.plugin, s.version):
        category = suggested.category
        lines.append(f"<span style='color:{SUGGESTION_COLOUR}'>" + translate(
            "DetailPane", "Suggests category <b>{category}</b> ({scheme}): press <b>{key}</b> "
                          "to confirm it as your tag").format(
            category=esc(category), scheme=esc(suggested.scheme), key=CONFIRM_KEY) + "</span>")
    return "<br>".join(lines) if len(lines) > 2 else " · ".join(lines)  # nothing said: one line
