"""`triage video`: stills and clips matched to videos' frames; vPDQ hash lists in and out."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import func, select

from triage.case.audit import append_audit
from triage.case.models import HashSetKind, Media, VideoFrames, VideoMatch, VpdqMatch
from triage.case.store import current_examiner, open_case
from triage.review.video_matches import first_names, match_view, video_matches


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "video", help="frame matches of stills and clips to videos; vPDQ import and export",
        description="Every video is hashed about once a second (PDQ, as Meta's vPDQ does). "
        "A still within PDQ distance 48 of any hashed frame matches the video at that frame's "
        "time and joins its stack; a video sharing a run of frames (PDQ 31) with another holds "
        "a cut of it. "
        "Matches are rebuilt with the stacks (`triage cluster`).")
    commands = parser.add_subparsers(dest="video_command", metavar="SUBCOMMAND", required=True)
    p = commands.add_parser("matches", help="list stills and clips matching videos' frames")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.set_defaults(func=run_matches)
    p = commands.add_parser(
        "import-vpdq", help="import a vPDQ hash list as a hash set and match the case's videos",
        description="Reads the vpdq-hash-video form (frame,quality,pdq,timestamp a line; one "
        "video per file) or ThreatExchange's JSON (a list of 'pdq,quality,timestamp', or an "
        "object of such lists by video name). A listed video matches a case video when 80% of "
        "its frames of quality 50 or more lie within PDQ 31 of the case video's frames.")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("path", metavar="FILE")
    p.add_argument("--name", default=None, help="the set's name (default: the file name)")
    p.add_argument("--known-good", action="store_true", help="a known-good list, not an alert list")
    p.add_argument("--category", default=None, help="category code the list gives its videos")
    p.add_argument("--examiner", default=None, help="who imports (audit log)")
    p.set_defaults(func=run_import)
    p = commands.add_parser("export-vpdq", help="write each video's frame hashes in vPDQ form")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--examiner", default=None, help="who exports (audit log)")
    p.set_defaults(func=run_export)


def run_matches(args) -> int:
    store = open_case(args.case_dir)
    with store.reading() as session:
        rows = session.scalars(select(VideoMatch).order_by(VideoMatch.media_id, VideoMatch.id)).all()
        names = first_names(session, {r.media_id for r in rows} | {r.video_id for r in rows})
        for row in rows:
            print(f"{names.get(row.media_id, row.media_id)}\t{match_view(row, row.media_id, names).text()}")
        for media_id in sorted(set(session.scalars(select(VpdqMatch.media_id)))):
            name = first_names(session, {media_id}).get(media_id, media_id)
            for match in video_matches(session, media_id):
                if match.kind == "vpdq":
                    print(f"{name}\t{match.text()}")
        if not rows:
            print("No still or clip matches a video's frames (run `triage cluster` after ingest).")
    return 0


def run_import(args) -> int:
    from triage.hashsets.vpdq import VpdqError, import_vpdq  # numpy: only when asked

    store = open_case(args.case_dir)
    kind = HashSetKind.KNOWN_GOOD if args.known_good else HashSetKind.ALERT
    try:
        set_id = import_vpdq(store, args.path, args.examiner or current_examiner(store),
                             args.name, kind, args.category)
    except (VpdqError, OSError) as exc:
        print(f"triage video import-vpdq: {exc}", file=sys.stderr)
        return 1
    with store.reading() as session:
        matches = session.scalar(select(func.count()).select_from(VpdqMatch)
                                 .where(VpdqMatch.hash_set_id == set_id))
    print(f"imported as hash set {set_id}: {matches} case video(s) match")
    return 0


def run_export(args) -> int:
    from triage.hashing.frames import FrameHashes  # numpy: only when asked
    from triage.hashsets.vpdq import write_vpdq

    store = open_case(args.case_dir)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with store.reading() as session:
        rows = session.execute(select(VideoFrames, Media.sha256)
                               .join(Media, Media.id == VideoFrames.media_id)).all()
        for frames, sha256 in rows:
            text = write_vpdq(FrameHashes.unpack(frames.frames, frames.count), frames.step)
            (out / f"{sha256}.txt").write_text(text, encoding="ascii")
            written.append(sha256)
    with store.session() as session:
        append_audit(session, args.examiner or current_examiner(store), "export.vpdq",
                     after={"directory": str(out.resolve()), "videos": len(written)})
    print(f"{len(written)} video(s) written to {out} (one <sha256>.txt each, vpdq-hash-video form)")
    return 0
