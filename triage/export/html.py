"""The case report as HTML, for case officers; `triage.export.pdf` prints the same HTML.

Sections: the case and who made the report with which tool version; the
evidence with its hashes and verification result; counts per category in
the working and the target scheme; the hash sets used; the items listed by
target category (thumbnail, hashes, verdict and how it was translated,
hash-set provenance, every place the content was found); the items alert
hash sets identified, with the category each set proposes and whether an
examiner confirmed it; the shared links; and the audit trail as an appendix, with the result of checking its hash chain.

The markup keeps to what both browsers and Qt's rich-text engine render
(tables with border attributes, simple CSS), so the PDF and the HTML show
the same report. Items of workflow categories (Non-Pertinent, Comparison)
are counted, not listed. The writer streams: items and audit entries are
written as they are read.
"""

from __future__ import annotations

import base64
import html
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import TextIO

from PIL import Image, ImageFilter

from triage.case.audit import verify_chain
from triage.export.base import Written
from triage.export.items import (
    ALERT,
    AMBIGUOUS,
    NONE,
    UNCATEGORISED,
    Item,
    category_counts,
    iter_audit,
    iter_items,
    target_of,
)
from triage.export.links import report_section
from triage.export.text import iso, target_text, verdict_text

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 16pt; margin-bottom: 4pt; }
h2 { font-size: 12.5pt; margin-top: 14pt; margin-bottom: 4pt; }
h3 { font-size: 10.5pt; margin-top: 10pt; margin-bottom: 3pt; }
table { border-collapse: collapse; }
th { background-color: #e8e8e8; text-align: left; font-weight: bold; }
td, th { vertical-align: top; }
.mono { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: 7.5pt; }
.small { font-size: 7.5pt; }
.muted { color: #555; }
.warn { color: #a00000; font-weight: bold; }
.thumb { background-color: #b8b8b8; color: #333; text-align: center; font-size: 7pt; }
.appendix { page-break-before: always; }
"""

TABLE = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


# Thumbnails: the case's stored thumbnail, blurred on the pixels by default (a
# CSS filter could be switched off by a reader, and Qt ignores it); "clear" is
# an examiner's explicit choice; "none" leaves the cell out.
THUMB_WIDTH = 84
BLUR_RADIUS = 8  # at the embedded size: shapes and colours stay, nothing can be made out


EXIF_SHOWN = (("camera_make", "make"), ("camera_model", "model"), ("camera_serial", "serial"),
              ("captured_at", "taken"), ("software", "software"))


def exif_text(exif: dict) -> str:
    parts = [f"{label} {esc(exif[key])}" for key, label in EXIF_SHOWN if exif.get(key)]
    if exif.get("gps_latitude") is not None and exif.get("gps_longitude") is not None:
        parts.append(f"GPS {exif['gps_latitude']:.6f}, {exif['gps_longitude']:.6f}")
    return "; ".join(parts) if parts else "<span class='muted'>none</span>"


def thumbnail_cell(item: Item, mode: str, stored: bytes | None) -> str:
    if mode == "none":
        return ""
    if not stored:
        return (f'<td class="thumb" width="{THUMB_WIDTH}" bgcolor="#b8b8b8" align="center">'
                f'<br>no<br>thumbnail<br>&nbsp;</td>')
    data = base64.b64encode(_embedded_thumbnail(stored, blur=mode == "blurred")).decode()
    return (f'<td class="thumb" width="{THUMB_WIDTH}" align="center">'
            f'<img src="data:image/jpeg;base64,{data}" width="{THUMB_WIDTH}"></td>')


def _embedded_thumbnail(stored: bytes, blur: bool) -> bytes:
    picture = Image.open(io.BytesIO(stored)).convert("RGB")
    picture.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
    if blur:
        picture = picture.filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


# ---------------------------------------------------------------------------


def write(context, path: Path) -> Written:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        counts, warnings = render(context, out)
    return Written([path], counts, warnings)


def render(context, out: TextIO) -> tuple[dict, list[str]]:
    """Write the whole report to `out`; return the counts and warnings."""
    case = context.case
    out.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f"<title>Case report: {esc(case.name)}</title><style>{STYLE}</style>"
              "</head><body>\n")
    _header(context, out)
    _evidence(context, out)
    counts = _counts(context, out)
    _hash_sets(context, out)
    listed = _items(context, out)
    alerts = _alert_hits(context, out)
    _links(context, out)
    _audit(context, out)
    out.write("</body></html>\n")
    return {"items_listed": listed, "by_category": counts, "alert_hits": alerts}, []


def _header(context, out: TextIO) -> None:
    case, target, working = context.case, context.target, context.working
    out.write(f"<h1>Case report: {esc(case.name)}</h1>\n")
    rows = [
        ("Case", f"{esc(case.name)} <span class='muted'>(case ID {esc(case.guid)})</span>"),
        ("Case created", f"{esc(iso(case.created_at))} by {esc(case.created_by)} "
                         f"with Triage {esc(case.created_with)}"),
        ("Report by", esc(context.examiner)),
        ("Report generated", f"{esc(iso(context.at))} with {esc(context.tool)} "
                             f"{esc(context.version)}"),
        ("Working scheme", f"{esc(working.name)} [{esc(working.id)}], version "
                           f"{esc(working.version)}"),
        ("Report scheme", f"{esc(target.name)} [{esc(target.id)}], version "
                          f"{esc(target.version)}"),
        ("Thumbnails", {"blurred": "blurred (default)", "clear": "NOT blurred",
                        "none": "not shown"}[context.options.thumbnails]),
    ]
    out.write('<table border="0" cellspacing="0" cellpadding="2">')
    for name, value in rows:
        out.write(f"<tr><td><b>{name}</b></td><td>{value}</td></tr>")
    out.write("</table>\n")


def _evidence(context, out: TextIO) -> None:
    out.write("<h2>1. Evidence</h2>\n")
    case = context.case
    if not case.evidence:
        out.write("<p>No evidence has been added to this case.</p>\n")
        return
    v = case.last_verification
    if v is None:
        out.write("<p>The evidence has not been re-verified since ingest "
                  "(<i>triage verify</i> has not been run).</p>\n")
    elif v["problems"]:
        out.write(f"<p class='warn'>Last verification {esc(iso(v['at']))} by "
                  f"{esc(v['examiner'])} found problems: "
                  + "; ".join(esc(p) for p in v["problems"]) + "</p>\n")
    else:
        out.write(f"<p>Last verification {esc(iso(v['at']))} by {esc(v['examiner'])}: "
                  "every evidence hash and the audit chain matched.</p>\n")
    out.write(TABLE + "<tr><th>#</th><th>Evidence</th><th>Hashes</th>"
              "<th>Verification</th></tr>\n")
    for n, e in enumerate(case.evidence, 1):
        size = (f", {e.size:,} bytes" if e.size is not None and e.format != "folder"
                else "")
        hashes = []
        if e.sha256:
            hashes.append(f"SHA-256 <span class='mono'>{esc(e.sha256)}</span>")
        if e.md5:
            hashes.append(f"MD5 <span class='mono'>{esc(e.md5)}</span>")
        if not hashes:
            hashes.append("<span class='muted'>not hashed (a folder is not one stream "
                          "of bytes; its files are hashed one by one)</span>"
                          if e.format == "folder" else "<span class='muted'>none</span>")
        if e.error:
            status = f"<span class='warn'>{esc(e.error)}</span>"
        elif e.md5:
            status = esc(e.acquisition)
        else:
            status = "—"
        if e.md5 and v is not None:
            status += "<br>" + ("re-verified without problems" if not v["problems"]
                                else "see verification problems above")
        out.write(f"<tr><td>{n}</td><td><b>{esc(e.name)}</b><br>"
                  f"<span class='small'>{esc(e.format)}{size}<br>"
                  f"{'<br>'.join(esc(p) for p in e.paths)}</span></td>"
                  f"<td class='small'>{'<br>'.join(hashes)}</td>"
                  f"<td class='small'>{status}</td></tr>\n")
    out.write("</table>\n")


def _count_table(out: TextIO, scheme, counts: dict, review_word: str) -> None:
    out.write(TABLE + "<tr><th width='12%'>Code</th><th>Category</th>"
              "<th width='14%'>Items</th></tr>\n")
    for c in scheme.categories:
        workflow = " <span class='muted'>(workflow)</span>" if c.workflow else ""
        out.write(f"<tr><td>{esc(c.code)}</td><td>{esc(c.label)}{workflow}</td>"
                  f"<td align='right'>{counts.get(c.code, 0):,}</td></tr>\n")
    for key, label in ((AMBIGUOUS, review_word), (NONE, "Not representable in this scheme"),
                       (UNCATEGORISED, "Not categorised by an examiner")):
        out.write(f"<tr><td>—</td><td><i>{label}</i></td>"
                  f"<td align='right'>{counts.get(key, 0):,}</td></tr>\n")
    out.write("</table>\n")


def _counts(context, out: TextIO) -> dict:
    session, registry = context.session, context.registry
    working = category_counts(session, registry, context.working.id)
    target = category_counts(session, registry, context.target.id)
    out.write("<h2>2. Items per category</h2>\n<p>Examiner verdicts over every picture "
              "and video of the case (one item per distinct content). Hash-set and plugin "
              "results are not verdicts and are not counted here.</p>\n")
    out.write(f"<h3>In the working scheme: {esc(context.working.name)}</h3>\n")
    _count_table(out, context.working, working, "Ambiguous: waiting for review")
    if context.target.id != context.working.id:
        out.write(f"<h3>In the report scheme: {esc(context.target.name)}</h3>\n")
        _count_table(out, context.target, target, "Ambiguous: a person must choose")
    return {"working": working, "target": target}


def _hash_sets(context, out: TextIO) -> None:
    sets = context.case.hash_sets
    out.write("<h2>3. Hash sets</h2>\n")
    if not sets:
        out.write("<p>No hash set was imported into this case.</p>\n")
        return
    out.write(TABLE + "<tr><th>Hash set</th><th>Kind, scheme</th><th>Entries</th>"
              "<th>Source file</th><th>Imported</th></tr>\n")
    for s in sets:
        out.write(f"<tr><td>{esc(s['name'])}</td><td>{esc(s['kind'])}, "
                  f"{esc(s['scheme'] or 'no scheme')}</td>"
                  f"<td align='right'>{s['entries']:,}</td>"
                  f"<td class='small'>{esc(s['source'])} ({esc(s['format'])})<br>SHA-256 "
                  f"<span class='mono'>{esc(s['sha256'])}</span></td>"
                  f"<td class='small'>{esc(iso(s['imported_at']))}<br>{esc(s['examiner'])}"
                  "</td></tr>\n")
    out.write("</table>\n")


def _items(context, out: TextIO) -> int:
    """Items grouped by target category, then the ambiguous and the unrepresentable ones."""
    scheme = context.target
    out.write(f"<h2>4. Items by category ({esc(scheme.name)})</h2>\n")
    workflow = {c.code for c in scheme.categories if c.workflow}
    out.write("<p class='muted'>Items given a workflow category (such as Non-Pertinent or "
              "Comparison, in the report scheme or in the scheme they were tagged in) are "
              "counted in section 2 and not listed.</p>\n")
    sections = [(c.code, f"{c.code} — {c.label}") for c in scheme.categories
                if not c.workflow]
    sections += [(AMBIGUOUS, f"Ambiguous in {scheme.id}: a person must choose"),
                 (NONE, f"Not representable in {scheme.id}")]
    wanted = [(key, title) for key, title in sections
              if not context.options.categories or key in context.options.categories]
    # One pass over the items; each section is spooled to its own temporary file
    # (in memory while small) and the sections are copied out in order.
    spools = {key: tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+",
                                                 encoding="utf-8") for key, _ in wanted}
    listed = 0
    try:
        for item in iter_items(context.session, context.registry, scheme.id,
                               selection=context.selection,
                               precategorised=context.options.precategorised):
            here = item.target.code if item.target.decided else item.target.result
            if here not in spools or here in workflow or (item.verdict and item.verdict.workflow):
                continue
            _item(context, spools[here], item)
            listed += 1
        for key, title in wanted:
            spool = spools[key]
            if spool.tell():
                out.write(f"<h3>{esc(title)}</h3>\n")
                spool.seek(0)
                shutil.copyfileobj(spool, out)
    finally:
        for spool in spools.values():
            spool.close()
    if not listed:
        out.write("<p>No item to list.</p>\n")
    return listed


def _item(context, out: TextIO, item: Item) -> None:
    thumb = thumbnail_cell(item, context.options.thumbnails, context.thumbnail(item.sha256))
    details = [
        f"<b>MD5</b> <span class='mono'>{esc(item.md5)}</span> &nbsp; "
        f"<b>SHA-1</b> <span class='mono'>{esc(item.sha1)}</span>",
        f"<b>SHA-256</b> <span class='mono'>{esc(item.sha256)}</span>",
        f"<b>Size</b> {item.size:,} bytes &nbsp; <b>Type</b> {esc(item.detected_type or '?')}",
    ]
    if item.verdict is not None:
        details.append(f"<b>Verdict</b> {esc(verdict_text(item))}")
        if item.verdict.note:
            details.append(f"<b>Note</b> {esc(item.verdict.note)}")
    if item.target.result not in ("same", UNCATEGORISED):
        details.append(f"<b>In {esc(item.target.scheme)}</b> this {esc(target_text(item))}")
    if item.target.precategorised:
        details.append("<b>Pre-categorised</b> from hash sets, not reviewed by an examiner")
    for hit in item.hash_sets:
        details.append(f"<b>Hash set</b> {esc(hit.describe())}")
    for tag in item.other_tags:
        details.append(f"<b>{esc(tag.source)}</b> says {esc(tag.scheme)} {esc(tag.category)} "
                       "(not a verdict)")
    for segment in item.segments:
        details.append(f"<b>Segment</b> {segment.start:.1f}–{segment.end:.1f} s: "
                       f"{esc(segment.scheme)} {esc(segment.category)}, by "
                       f"{esc(segment.examiner)} {esc(iso(segment.at))}")
    if item.classifier_scores:
        details.append(classifier_text(item))
    if item.width:
        details.append(f"<b>Size</b> {item.width} × {item.height} px")
    details.append(f"<b>EXIF/GPS</b> {exif_text(item.exif)}")
    files = []
    for f in item.files:
        state = " <span class='warn'>deleted</span>" if f.deleted else ""
        if f.carved:
            layer = "" if f.carved_in in (None, "evidence") else f" of the {f.carved_in}"
            state += (f" <span class='warn'>carved ({esc(f.carved)}) at byte {f.carved_offset}"
                      f"{esc(layer)}, {f.size} bytes</span>")
        where = f"partition {f.partition_index} (offset {f.partition_offset}), " \
            if f.partition_offset is not None else ""
        times = ", ".join(f"{name} {iso(t, f.local_clock)}" for name, t in (
            ("created", f.crtime), ("modified", f.mtime), ("accessed", f.atime),
            ("changed", f.ctime)) if t is not None)
        if times and f.local_clock:
            times += " (the device's local clock: its file system or archive records no zone)"
        elif times and f.time_zone != "UTC":
            times += f" ({f.time_zone}: converted from the device's clock)"
        if f.note:
            state += f" <span class='warn'>{esc(f.note)}</span>"
        files.append(f"<b>{esc(f.evidence)}</b>: {esc(where)}<span class='mono'>"
                     f"{esc(f.path)}</span>{state}<br><span class='small muted'>"
                     f"{esc(times)}</span>")
    if files:
        details.append("<b>Found at</b><br>" + "<br>".join(files))
    out.write(TABLE + f"<tr>{thumb}<td class='small'>" + "<br>".join(details)
              + "</td></tr></table><br>\n")


def classifier_text(item: Item) -> str:
    """The classifiers' relevance scores, worded as what they are: an order, not a finding."""
    scores = "; ".join(
        f"{s.score:.4f} ({esc(s.plugin)} {esc(s.version)}, model "
        f"<span class='mono'>{esc(s.model_sha256[:12])}</span>"
        + (f", frame at {s.frame_time:.1f} s" if s.frame_time is not None else "") + ")"
        for s in item.classifier_scores)
    return (f"<b>Classifier relevance</b> {scores} <i>(used to order the review; not a "
            "category, not a verdict)</i>")


def _alert_hits(context, out: TextIO) -> dict:
    """Items alert hash sets identified, apart from the examiners' verdicts: what each set
    proposes in the report's scheme and whether an examiner confirmed it."""
    scheme = context.target
    out.write("<h2>5. Items identified by alert hash sets</h2>\n<p class='muted'>A set's "
              f"category is a proposal, shown in {esc(scheme.name)}; it is an examiner's "
              "verdict only where the last column says it was confirmed.</p>\n")
    counts: dict[str, dict[str, int]] = {}
    rows = tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+", encoding="utf-8")
    with rows:
        for item in iter_items(context.session, context.registry, scheme.id, selection=ALERT):
            proposal = _proposal(context, item)
            proposed, state = _proposal_text(proposal), _confirmation(item, proposal)
            counts.setdefault(proposed, {}).setdefault(state, 0)
            counts[proposed][state] += 1
            sets = "<br>".join(esc(hit.describe()) for hit in item.hash_sets
                               if hit.kind == "alert")
            where = item.files[0] if item.files else None
            place = f"{esc(where.evidence)}: <span class='mono'>{esc(where.path)}</span>" \
                if where else ""
            rows.write(f"<tr><td class='mono'>{esc(item.md5)}</td><td class='small'>{place}"
                       f"</td><td class='small'>{sets}</td><td>{esc(proposed)}</td>"
                       f"<td class='small'>{esc(state)}</td></tr>\n")
        if not counts:
            out.write("<p>No alert hash set matched an item.</p>\n")
            return {}
        out.write(TABLE + "<tr><th>Proposed category</th><th>Confirmed</th><th>Decided "
                  "otherwise</th><th>Not reviewed</th></tr>\n")
        for proposed, by_state in sorted(counts.items()):
            out.write(f"<tr><td>{esc(proposed)}</td>" + "".join(
                f"<td>{by_state.get(state, 0):,}</td>" for state in CONFIRMATIONS) + "</tr>\n")
        out.write("</table><br>\n" + TABLE + "<tr><th>MD5</th><th>First found at</th>"
                  "<th>Alert sets</th><th>Proposed</th><th>Examiner</th></tr>\n")
        rows.seek(0)
        shutil.copyfileobj(rows, out)
        out.write("</table>\n")
    return counts


CONFIRMATIONS = ("confirmed", "decided otherwise", "not reviewed")


def _proposal(context, item: Item):
    """The first alert set's category in the report's scheme (a `Target`), or None."""
    for hit in item.hash_sets:
        if hit.kind == "alert" and hit.scheme and hit.category is not None:
            return target_of(context.registry, None, context.target.id,
                             f"{hit.scheme}:{hit.category}")
    return None


def _proposal_text(target) -> str:
    if target is None:
        return "no category"
    if target.decided:
        return f"{target.code} — {target.label}"
    return f"{target.result} in {target.scheme}" + (
        f": {', '.join(target.candidates)}" if target.candidates else "")


def _confirmation(item: Item, proposal) -> str:
    """Whether the examiner's verdict, in the report's scheme, is the set's category."""
    if item.verdict is None:
        return "not reviewed"
    same = (proposal is not None and proposal.decided and item.target.decided
            and item.target.code == proposal.code)
    return "confirmed" if same else "decided otherwise"


def _links(context, out: TextIO) -> None:
    """Links found in the evidence, and those on a URL block list with where they were."""
    section = report_section(context.session)
    counts = section["counts"]
    out.write("<h2>6. Shared links</h2>\n")
    if not counts["links"]:
        out.write("<p>No link was found in the evidence (or it was not scanned: "
                  "<i>triage links scan</i>).</p>\n")
        return
    out.write(f"<p>{counts['links']:,} links found ({counts['decoded']:,} written to hide "
              f"them and decoded, {counts['shortened']:,} through a URL shortener); "
              f"<b>{section['matched_total']:,}</b> on an imported URL block list.</p>\n")
    if not section["matched"]:
        return
    out.write(TABLE + "<tr><th>Link (normal form)</th><th>As written</th><th>Block list</th>"
              "<th>Found in</th></tr>\n")
    for link in section["matched"]:
        hits = "<br>".join(f"{esc(m['list'])}: {esc(level)}"
                           + (f" ({esc(m['category'])})" if m["category"] else "")
                           for level, found in link["matches"].items() for m in found)
        source = link["source"]
        out.write(f"<tr><td class='mono small'>{esc(link['display_url'])}</td>"
                  f"<td class='mono small'>{esc(link['raw'])}"
                  + (f"<br><span class='muted'>{esc(', '.join(link['rules']))}</span>"
                     if link["rules"] else "")
                  + f"</td><td class='small'>{hits}</td>"
                  f"<td class='small'>{esc(source['evidence'])}: {esc(source['path'])}</td>"
                  "</tr>\n")
    out.write("</table>\n")
    if section["matched_total"] > len(section["matched"]):
        out.write(f"<p class='small'>The first {len(section['matched']):,} are listed; "
                  "<i>triage links export</i> writes them all.</p>\n")


def _audit(context, out: TextIO) -> None:
    out.write("<h2 class='appendix'>Appendix A. Audit trail</h2>\n")
    broken = verify_chain(context.session)
    if broken is None:
        out.write("<p>Hash chain checked when this report was made: intact. Each entry "
                  "holds the SHA-256 of the one before it, so an entry changed, removed "
                  "or reordered afterwards is detected by <i>triage verify</i>.</p>\n")
    else:
        out.write(f"<p class='warn'>The hash chain is BROKEN: {esc(broken)}.</p>\n")
    out.write(TABLE + "<tr><th width='5%'>#</th><th width='17%'>Time (UTC)</th>"
              "<th width='12%'>Examiner</th><th width='16%'>Action</th>"
              "<th>What</th></tr>\n")
    for entry in iter_audit(context.session):
        out.write(f"<tr><td>{entry.id}</td><td class='small'>{entry.at:%Y-%m-%d %H:%M:%S}</td>"
                  f"<td class='small'>{esc(_who(entry))}</td>"
                  f"<td class='small'>{esc(entry.action)}</td>"
                  f"<td class='small'>{esc(change_text(entry))}<br><span class='mono muted'>"
                  f"{entry.hash[:16]}…</span></td></tr>\n")
    out.write("</table>\n")


def _who(entry) -> str:
    """The name given, and the account that wrote the entry (database role or
    operating-system user) when it says something else."""
    if entry.account and entry.account != entry.examiner:
        return f"{entry.examiner} ({entry.account})"
    return entry.examiner


def change_text(entry) -> str:
    """One readable line for an audit entry: target, and before → after."""
    def short(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, dict) and "scheme" in value and "category" in value:
            where = value.get("working_category") or value.get("state", "")
            return f"{value['scheme']} {value['category']} ({where}) by {value.get('examiner')}"
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
        return text if len(text) <= 300 else text[:300] + "…"

    parts = [entry.target] if entry.target else []
    if entry.before is not None:
        parts.append(f"{short(entry.before)} → {short(entry.after)}")
    elif entry.after is not None:
        parts.append(short(entry.after))
    return ": ".join(parts)
