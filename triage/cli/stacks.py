"""`triage stacks CASE_DIR`: rebuild the near-duplicate stacks of a case (`triage cluster`,
its old name, stays as an alias)."""

from __future__ import annotations

from dataclasses import replace

from triage.case.store import current_examiner, open_case


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "stacks", aliases=["cluster"], help="rebuild near-duplicate stacks (ingest does it at the end by default)",
        description="Stacks resized, recompressed, cropped, mirrored, padded, captioned or "
        "greyscale copies of a picture, and stills taken from a video, into one stack whose "
        "representative is the best copy. The defaults were measured on real photographs "
        "(bench/neardup.py); wider thresholds stack more and risk unrelated pictures.")
    parser.add_argument("case_dir", metavar="CASE_DIR")
    parser.add_argument("--threshold", type=int, default=None,
                        help="pHash Hamming radius (default: the measured StackSettings value, 12)")
    parser.add_argument("--pdq-threshold", type=int, default=None,
                        help="PDQ Hamming radius that must agree too (default: measured, 70)")
    parser.add_argument("--examiner", default=None, help="who rebuilds the stacks (audit log)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from triage.pipeline.stacking import build_stacks  # numpy, OpenCV: only when asked
    from triage.similarity.stacks import StackSettings

    store = open_case(args.case_dir)
    settings = StackSettings()
    if args.threshold is not None:
        settings = replace(settings, phash_radius=args.threshold)
    if args.pdq_threshold is not None:
        settings = replace(settings, pdq_radius=args.pdq_threshold)
    summary = build_stacks(store, args.examiner or current_examiner(store), settings)
    print(f"{summary.media} pictures and videos: {summary.stacks} stacks holding "
          f"{summary.stacked_media} of them ({summary.verified_pairs} pairs checked on features)")
    if summary.series:
        print(f"{summary.series} series of one setting, {summary.in_series} pictures: related, "
              "not stacked (the gallery's \"Show the series\", Ctrl+R)")
    return 0
