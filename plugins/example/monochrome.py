"""How grey a picture is: 1.0 for black and white, 0.0 for anything with colour.

Scans, documents and black-and-white photographs are often a different kind
of material from camera pictures; a flag lets an examiner set them aside or
look at them together.
"""

import numpy as np

from triage.plugins.api import Plugin, Result

COLOUR_SPREAD = 0.05
"""Mean spread between a pixel's channels (fraction of full scale) at which a picture counts as in colour."""


class Monochrome(Plugin):
    size = (64, 64)  # plenty to tell grey from colour; Triage resizes the decoded picture
    batch_size = 64
    labels = ("monochrome",)

    def run(self, batch):
        pictures = np.stack(batch).astype(np.int16)  # (n, 64, 64, 3), RGB
        spread = (pictures.max(axis=3) - pictures.min(axis=3)).mean(axis=(1, 2)) / 255
        return [Result({"monochrome": float(1 - min(s / COLOUR_SPREAD, 1.0))}) for s in spread]
