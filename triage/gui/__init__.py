"""The desktop application (PySide6): the only place in Triage that imports Qt.

Widgets never touch the case store themselves: reads go through one
background reader per open case (`workers.StoreReader`), ingest runs on its
own thread (`workers.IngestThread`), and views show what those hand back.
"""
