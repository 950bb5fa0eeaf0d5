"""A pytest helper for plugin authors: run a plugin folder on sample pictures, as Triage would.

    from triage.plugins.testing import run_plugin_on

    def test_my_plugin(tmp_path):
        answers = run_plugin_on(Path(__file__).parent / "my_plugin", ["grey.png", picture])
        assert answers[0].scores["monochrome"] > 0.9

The plugin goes through everything a case run does (manifest, model pin,
loading, the decode's working picture, resizing, batches, timeout, answer
checks), so a plugin that passes here behaves the same in an ingest. A
fault raises `PluginFault` with the message the case would record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from triage.media.decode import decode_picture
from triage.plugins.discovery import Found, discover, repository_folder
from triage.plugins.loading import resolve
from triage.plugins.manifest import PluginError, read_manifest
from triage.plugins.runner import Answer, PluginFault, Runner

__all__ = ["Answer", "PluginFault", "run_plugin_on"]


def run_plugin_on(folder: Path | str, pictures: Sequence[Path | str | bytes | Image.Image
                                                         | np.ndarray],
                  also: Iterable[Path] | None = None) -> list[Answer]:
    """Answers of the plugin in `folder` for each picture (a file, its bytes, a PIL image or RGB array).

    `also`: folders of other plugins it may `use` (default: the shipped ones).
    """

    folder = Path(folder)
    catalogue = discover(list(also) if also is not None else [repository_folder()],
                         entry_points=False)
    manifest = read_manifest(folder)
    catalogue.plugins[manifest.name] = Found(manifest, "folder")
    try:
        runner = Runner(resolve(catalogue.get(manifest.name), catalogue))
    except PluginError as exc:  # the model fails its pin: refused, as a case run would
        raise PluginFault(str(exc)) from None
    if runner.error:
        raise PluginFault(runner.error)
    items = []
    for picture in pictures:
        data = None
        if isinstance(picture, np.ndarray):
            picture = Image.fromarray(picture)
        elif not isinstance(picture, Image.Image):
            data = picture if isinstance(picture, bytes) else Path(picture).read_bytes()
            picture = decode_picture(data).picture
        items.append(runner.prepare(picture, data))
    answers: list[Answer] = []
    try:
        for start in range(0, len(items), runner.batch_size):
            answers += runner.answer(items[start:start + runner.batch_size])
    finally:
        runner.close()
    return answers


