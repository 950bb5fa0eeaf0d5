"""A case's precedence rule: a default answer for conflicting verdicts, never a silent one.

The rule is an ordered list of set names and set kinds (`alert`,
`known-good`), strongest first, kept in the case settings. When sets
disagree about an item, the answer of the strongest set that matched it
becomes the verdict's *default* (`resolved_*`, with the rule that picked
it in `resolved_by`); the item stays conflicting and every answer stays in
the matches. A set ranks at the first place the rule names it or its kind;
sets it does not name pick nothing; a tie between different answers picks
nothing. Without a rule no default is picked.
"""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from triage.case.audit import append_audit
from triage.case.models import (
    CaseSetting,
    HashSet,
    HashSetEntry,
    HashSetKind,
    HashSetMatch,
    HashSetVerdict,
)
from triage.case.store import CaseStore, current_examiner
from triage.hashsets.entries import HashSetError

PRECEDENCE = "hashset_precedence"
KINDS = tuple(kind.value for kind in HashSetKind)
KNOWN_GOOD = "known-good"


def get_precedence(session: Session) -> list[str]:
    setting = session.get(CaseSetting, PRECEDENCE)
    return list(setting.value) if setting and setting.value else []


def set_precedence(store: CaseStore, rule: list[str], examiner: str | None = None) -> dict:
    """Store a rule (empty: none), re-pick every conflict's default, audit both."""
    with store.session() as session:
        names = set(session.scalars(select(HashSet.name)))
        unknown = [token for token in rule if token not in names and token not in KINDS]
        if unknown:
            raise HashSetError(f"not a set of this case nor a kind ({', '.join(KINDS)}): "
                               + ", ".join(repr(t) for t in unknown))
        if len(set(rule)) != len(rule):
            raise HashSetError("the rule names a set or kind twice")
        before = get_precedence(session)
        setting = session.get(CaseSetting, PRECEDENCE)
        if setting is None:
            session.add(CaseSetting(key=PRECEDENCE, value=list(rule)))
        else:
            setting.value = list(rule)
        session.flush()
        picked = apply_precedence(session)
        append_audit(session, examiner or current_examiner(store), "hashset.precedence",
                     target="case", before={"rule": before},
                     after={"rule": list(rule), "defaults_picked": picked})
    return {"rule": list(rule), "defaults_picked": picked}


def apply_precedence(session: Session, scope: str | None = None,
                     params: dict | None = None) -> int:
    """Pick (or clear) the defaults of conflicting verdicts, all or those of `scope`; returns picks."""
    where = f" AND media_id IN ({scope})" if scope else ""
    session.execute(text("UPDATE hash_set_verdict SET resolved_category = NULL, "
                         "resolved_known_good = NULL, resolved_by = NULL "
                         f"WHERE resolved_by IS NOT NULL{where}"), params or {})
    rule = get_precedence(session)
    if not rule:
        return 0
    query = (select(HashSetMatch.media_id, HashSet.name, HashSet.kind, HashSet.scheme,
                    HashSetEntry.category)
             .join(HashSetVerdict, HashSetVerdict.media_id == HashSetMatch.media_id)
             .join(HashSet, HashSet.id == HashSetMatch.hash_set_id)
             .join(HashSetEntry, HashSetEntry.id == HashSetMatch.entry_id)
             .where(HashSetVerdict.conflicting))
    if scope:
        query = query.where(HashSetMatch.media_id.in_(text(scope)))
    answers: dict[int, list[tuple[int, str, str]]] = {}
    for media_id, name, kind, scheme, code in session.execute(query, params or {}):
        answer = KNOWN_GOOD if kind is HashSetKind.KNOWN_GOOD else (
            f"{scheme or '?'}:{code}" if code is not None else None)
        if answer is not None:
            answers.setdefault(media_id, []).append((_rank(rule, name, kind), answer, name))
    rule_text = "precedence [" + ", ".join(rule) + "]"
    picks = []
    for media_id, ranked in answers.items():
        best = min(rank for rank, _, _ in ranked)
        top = {(answer, name) for rank, answer, name in ranked if rank == best}
        if best == len(rule) or len({answer for answer, _ in top}) != 1:
            continue  # nobody the rule names, or a tie between different answers
        answer, name = min(top)
        picks.append({"m": media_id, "category": None if answer == KNOWN_GOOD else answer,
                      "good": answer == KNOWN_GOOD, "by": f"{rule_text}: set {name}"})
    for pick in picks:
        session.execute(update(HashSetVerdict).where(HashSetVerdict.media_id == pick["m"]).values(
            resolved_category=pick["category"], resolved_known_good=pick["good"],
            resolved_by=pick["by"]))
    return len(picks)


def _rank(rule: list[str], name: str, kind: HashSetKind) -> int:
    """The place in the rule of the first token naming the set or its kind; unnamed: last."""
    places = [rule.index(token) for token in (name, kind.value) if token in rule]
    return min(places) if places else len(rule)
