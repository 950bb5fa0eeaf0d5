"""Keep `None`, `True` and `False` alive under PySide6 wheels built for newer Pythons.

Such a wheel's `Py_RETURN_NONE` is compiled for an immortal `None` (PEP 683),
so on Python 3.11 every Qt method that returns nothing (`QPainter.save`,
`fillRect`, `QObject.setObjectName`…) gives back a reference to `None` it
never took. Measured with PySide6 6.12.0 on Python 3.11.7: one reference
lost per call, about 4,500 to start with, so scrolling a gallery for a few
seconds ended in "Fatal Python error: none_dealloc". Giving `None` a
reference count no session can spend makes it as immortal as 3.12 does.
`True` and `False` are immortal there too, and lose references the same way
(a benchmark run ended in "bool_dealloc" at exit), so they get the same.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 48  # ~2.8e14 lost references: centuries of painting


def keep_none_alive() -> None:
    """Add RESERVE to the singletons' reference counts, once, where they are mortal."""
    if sys.version_info >= (3, 12) or getattr(keep_none_alive, "done", False):
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # PyObject's first field
        count.value += RESERVE
    keep_none_alive.done = True
