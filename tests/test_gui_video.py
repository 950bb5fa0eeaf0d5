"""The video player, offscreen: a generated MP4 plays blurred and grey until revealed, steps
frame by frame, seeks by keyframe, changes speed, and its keys tag the whole video."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from guiwindow import TIMEOUT_MS, open_gallery, settings, window  # noqa: E402,F401
from test_gui_gallery import examiner_tags, wait_filter, wait_writes  # noqa: E402
from sqlalchemy import select  # noqa: E402

from triage.case.audit import verify_chain  # noqa: E402
from triage.case.models import AuditEntry  # noqa: E402
from triage.case.store import open_case  # noqa: E402
from triage.pipeline.ingest import Ingest, IngestOptions  # noqa: E402

FRAMES, FPS = 60, 10


def make_video(path) -> None:
    """A bar sweeping across two scenes: every frame differs from the one before."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (160, 96))
    for index in range(FRAMES):
        frame = np.full((96, 160, 3), (30, 30, 30) if index < 30 else (90, 140, 40), np.uint8)
        frame[:, (index * 5) % 160:(index * 5) % 160 + 12] = (230, 200, 60)
        writer.write(frame)
    writer.release()


@pytest.fixture
def video_case(tmp_path):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    make_video(evidence / "clip.mp4")
    store = open_case(tmp_path / "case", create=True, examiner="builder")
    ingest = Ingest(store, "builder", IngestOptions(workers=1))
    ingest.add(evidence)
    ingest.run()
    store.close()
    return tmp_path / "case"


def test_a_video_plays_blurred_muted_steps_seeks_and_is_tagged(qtbot, window, video_case):
    gallery = open_gallery(qtbot, window, video_case)
    wait_filter(qtbot, gallery, media_type="video")
    assert gallery.model.rowCount() == 1
    gallery.view.go_to(0)
    gallery.view.setFocus()
    qtbot.keyClick(gallery.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gallery.player is not None and gallery.player.image is not None,
                    timeout=TIMEOUT_MS)
    player = gallery.player
    playback = next((video_case / ".playback").iterdir())
    assert player.info.frames == FRAMES and player.frame_number == 0
    assert player.treatment.blur and player.treatment.greyscale  # like an uncategorised still
    assert "muted" in " ".join(w.text() for w in player.findChildren(type(player.time)))
    qtbot.keyPress(player, Qt.Key.Key_Space)
    assert not player.treatment.blur  # revealed only while Space is down
    qtbot.keyRelease(player, Qt.Key.Key_Space)
    assert player.treatment.blur

    qtbot.keyClick(player, Qt.Key.Key_Period)
    qtbot.waitUntil(lambda: player.frame_number == 1, timeout=TIMEOUT_MS)
    qtbot.keyClick(player, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: player.frame_number == 0, timeout=TIMEOUT_MS)
    assert player.keyframes.count() >= 2
    last = player.keyframes.item(player.keyframes.count() - 1)
    player.keyframes.itemClicked.emit(last)
    expected = round(float(last.data(Qt.ItemDataRole.UserRole)) * FPS)
    qtbot.waitUntil(lambda: player.frame_number == expected, timeout=TIMEOUT_MS)

    player.seek(0)
    qtbot.waitUntil(lambda: player.frame_number == 0, timeout=TIMEOUT_MS)
    player.speed.setCurrentIndex(player.speed.findData(4.0))
    qtbot.keyClick(player, Qt.Key.Key_P)
    assert player.playing
    qtbot.waitUntil(lambda: player.frame_number >= 10, timeout=TIMEOUT_MS)
    qtbot.keyClick(player, Qt.Key.Key_P)
    assert not player.playing

    media_id = gallery.model.item(0).media_id
    qtbot.keyClick(player, Qt.Key.Key_2)  # the working scheme's key: the whole video
    wait_writes(qtbot, gallery)
    assert examiner_tags(video_case) == {media_id: "2"}

    player.seek(10)  # a stretch from 1 s to 3 s, tagged on its own
    qtbot.waitUntil(lambda: player.frame_number == 10, timeout=TIMEOUT_MS)
    qtbot.keyClick(player, Qt.Key.Key_BracketLeft)
    player.seek(30)
    qtbot.waitUntil(lambda: player.frame_number == 30, timeout=TIMEOUT_MS)
    qtbot.keyClick(player, Qt.Key.Key_BracketRight)
    assert player.stretch == (1.0, 3.0)
    qtbot.keyClick(player, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: player.segments.count() == 1, timeout=TIMEOUT_MS)
    assert player.stretch is None and examiner_tags(video_case) == {media_id: "2"}
    segment = player.segments.item(0).data(Qt.ItemDataRole.UserRole)
    assert (segment.start, segment.end, segment.category) == (1.0, 3.0, "1")
    player.segments.setCurrentRow(0)
    qtbot.keyClick(player, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: player.segments.count() == 0, timeout=TIMEOUT_MS)
    store = open_case(video_case)
    with store.reading() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
        assert actions[-2:] == ["segment.add", "segment.remove"]
        assert verify_chain(session) is None
    store.close()

    player.close()
    qtbot.waitUntil(lambda: not playback.exists(), timeout=TIMEOUT_MS)


def _play_first_video(qtbot, window, video_case):
    gallery = open_gallery(qtbot, window, video_case)
    wait_filter(qtbot, gallery, media_type="video")
    gallery.view.go_to(0)
    gallery.view.setFocus()
    qtbot.keyClick(gallery.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gallery.player is not None, timeout=TIMEOUT_MS)
    return gallery


def test_closing_the_window_while_a_video_plays_stops_its_threads(qtbot, window, video_case):
    """Before: 'QThread: Destroyed while thread is still running' (an abort), and the
    video's copy left in the case folder."""
    gallery = _play_first_video(qtbot, window, video_case)
    qtbot.waitUntil(lambda: gallery.player.image is not None, timeout=TIMEOUT_MS)
    decoder = gallery.player._decoder
    window.close()
    assert not decoder.isRunning()
    assert not any((video_case / ".playback").iterdir())


def test_closing_the_window_while_a_video_is_copied_out(qtbot, window, video_case,
                                                         monkeypatch):
    from triage.gui import video_player

    release = threading.Event()
    copying = threading.Event()

    def slow_copy(store, sha256):
        copying.set()
        release.wait(TIMEOUT_MS / 1000)
        return real_copy(store, sha256)

    real_copy = video_player.copy_for_playback
    monkeypatch.setattr(video_player, "copy_for_playback", slow_copy)
    gallery = _play_first_video(qtbot, window, video_case)
    player = gallery.player
    assert copying.wait(TIMEOUT_MS / 1000)
    threading.Timer(0.3, release.set).start()  # the copy ends while the window waits for it
    window.close()
    qtbot.wait(50)  # the copy's result, queued before the player went
    assert player._decoder is None or not player._decoder.isRunning()
    assert not any((video_case / ".playback").iterdir())
