"""The examiner's work on a case: tags and verdicts, undo, and what the gallery and reports read.

`case/` is the store; this package is what an examiner does with it and what
views ask of it. `gui`, `cli`, `export` (and `plugins`, whose suggestions are
tags) call this package rather than writing tags through `case/` themselves.
"""
