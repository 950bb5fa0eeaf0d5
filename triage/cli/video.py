"""`triage video`: stills and clips matched to videos' frames; vPDQ hash lists in and out."""

from __future__ import annotations

from sqlalchemy import select

from triage.case.store import open_case


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "video", help="frame matches of stills and clips to videos; vPDQ import and export",
        description="Every video is hashed about once a second (PDQ, as Meta's vPDQ does). "
        "A still within PDQ distance 31 of any frame matches the video at that frame's time "
        "and joins its stack; a video sharing a run of frames with another is a cut of it. "
        "Matches are rebuilt with the stacks (`triage cluster`).")
    commands = parser.add_subparsers(dest="video_command", metavar="SUBCOMMAND", required=True)
    p = commands.add_parser("matches", help="list stills and clips matching videos' frames")
    p.add_argument("case_dir", metavar="CASE_DIR")
    p.set_defaults(func=run_matches)


def run_matches(args) -> int:
    from triage.case.models import VideoMatch
    from triage.case.video_matches import first_names, match_view

    store = open_case(args.case_dir)
    with store.reading() as session:
        rows = session.scalars(select(VideoMatch).order_by(VideoMatch.media_id, VideoMatch.id)).all()
        names = first_names(session, {r.media_id for r in rows} | {r.video_id for r in rows})
        for row in rows:
            print(f"{names.get(row.media_id, row.media_id)}\t{match_view(row, row.media_id, names).text()}")
        if not rows:
            print("No still or clip matches a video's frames (run `triage cluster` after ingest).")
    return 0
