"""Hash sets: one importer per format, one matcher, kept in the case store.

    import_hash_set(store, path, name, kind=…)   atomic import, matched and audited
    list_hash_sets(session) / verify_hash_set(store, name) / remove_hash_set(store, name)
    match_case(store)                            re-match every media (after ingest)

Beside them: `perceptual` (near matches to sets carrying PDQ/pHash, with their
distance), `precedence` (a case's audited default for conflicts) and
`workstation` (the library of sets kept once on this machine).
"""

from triage.hashsets.entries import BadRecord, Entry, FormatError, HashSetError
from triage.hashsets.formats import FORMATS, ReadOptions
from triage.hashsets.case_sets import (
    HashSetSummary,
    ImportResult,
    Verification,
    import_hash_set,
    list_hash_sets,
    match_case,
    remove_hash_set,
    verify_hash_set,
)

__all__ = [
    "BadRecord", "Entry", "FormatError", "HashSetError", "FORMATS", "ReadOptions",
    "HashSetSummary", "ImportResult", "Verification", "import_hash_set", "list_hash_sets",
    "match_case", "remove_hash_set", "verify_hash_set",
]
