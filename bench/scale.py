"""Lab scale: ingest on a Dask cluster, and several examiners tagging one PostgreSQL case.

One run prints two tables, every row measured in this run on this machine:

* ingest throughput (files/s, MB/s) of the same evidence (a folder of
  photographs; default the 500 BSDS500 pictures in ../shared/testdata)
  through the local process pool (1 and N processes) and through a Dask
  cluster on loopback (`dask scheduler` + 1 and N `dask worker` processes,
  one thread each), into a SQLite case; plus the lab set-up (N Dask
  workers, the case in PostgreSQL). Each cluster run is checked to record
  the same files, digests and analyses as the local run.
* tagging throughput (committed tag commands/s) with 1, 2 and 4 examiner
  sessions (separate processes) on one PostgreSQL case, against SQLite as
  the baseline. Each session tags items in random order, half of them
  shared with the other sessions, each command made on the tag versions it
  was shown (`seen`), as the gallery does: a command on an item someone
  re-tagged since is refused (counted), never overwrites. After the run the
  store is checked: tags lost (an applied change missing from the final
  rows or the audit log) and duplicated (two rows for one item and source)
  must both be 0, and the audit chain must verify.

    python bench/scale.py                       # 500 photos, 300 tag commands per session
    python bench/scale.py --pictures 100 --commands 100   # quick check
    python bench/scale.py --evidence /path/to/folder --workers 4

PostgreSQL (a throwaway cluster on 127.0.0.1, fsync off, as in the tests)
and Dask run on this machine, so the figures show the overheads of each
path, not the gain of more machines.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from daskcluster import LoopbackCluster  # noqa: E402
from pgserver import ThrowawayPostgres  # noqa: E402

from triage.case.store import DATABASE_URL_ENV, open_case  # noqa: E402

SHARED_PHOTOS = Path(__file__).resolve().parents[2] / "shared/testdata/photos/bsds500"


# ---------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------


def evidence_folder(args, scratch: Path) -> Path:
    """A copy of `--pictures` photographs (copied so every run reads the same files)."""
    source = Path(args.evidence) if args.evidence else SHARED_PHOTOS
    if not source.is_dir():
        sys.exit(f"no evidence folder {source}: give --evidence")
    pictures = sorted(p for p in source.rglob("*") if p.is_file())[:args.pictures]
    target = scratch / "evidence"
    target.mkdir()
    for i, picture in enumerate(pictures):
        shutil.copy(picture, target / f"{i:05d}_{picture.name}")
    return target


def run_ingest(case: Path, evidence: Path, executor=None, workers: int = 1,
               database_url: str | None = None) -> tuple[float, object]:
    from triage.pipeline.ingest import Ingest, IngestOptions

    store = open_case(case, create=True, examiner="bench", database_url=database_url)
    ingest = Ingest(store, "bench", IngestOptions(workers=workers), executor=executor)
    ingest.add(evidence)
    started = time.perf_counter()
    summary = ingest.run()
    seconds = time.perf_counter() - started
    recorded = recorded_content(store)
    store.close()
    return seconds, (summary.files_hashed, recorded)


def recorded_content(store):
    from sqlalchemy import select

    from triage.case.models import File, Media

    with store.reading() as session:
        return sorted(session.execute(
            select(File.path, Media.sha256, Media.phash, Media.pdq, Media.width)
            .join(Media, File.media_id == Media.id)).all())


def started(executor) -> None:
    """Every worker process up and its reader made, before the clock starts."""
    from concurrent.futures import wait

    from triage.pipeline.work import warm_up

    wait([executor.submit(warm_up) for _ in range(executor.workers * 2)])


def ingest_table(args, scratch: Path, server: ThrowawayPostgres) -> None:
    from triage.pipeline.executors import DaskExecutor, LocalExecutor

    evidence = evidence_folder(args, scratch)
    megabytes = sum(p.stat().st_size for p in evidence.iterdir()) / 1e6
    files = len(list(evidence.iterdir()))
    print(f"\nIngest of {files} pictures ({megabytes:.1f} MB), full analysis, "
          f"{os.cpu_count()} cores")
    print(f"{'executor':<42} {'case':<11} {'seconds':>8} {'files/s':>8} {'MB/s':>6}  same")
    reference = None
    rows = [("local process pool, 1 process", 1, None, False),
            (f"local process pool, {args.workers} processes", args.workers, None, False),
            ("Dask on loopback, 1 worker", 1, 1, False),
            (f"Dask on loopback, {args.workers} workers", args.workers, args.workers, False),
            (f"Dask on loopback, {args.workers} workers", args.workers, args.workers, True)]
    for n, (label, workers, dask_workers, shared) in enumerate(rows):
        cluster = None
        if dask_workers:
            cluster = LoopbackCluster(workers=dask_workers)
            executor = DaskExecutor(cluster.address)
        else:
            executor = LocalExecutor(workers)
        started(executor)  # a lab's cluster is up before the ingest: so is the pool here
        try:
            url = server.database() if shared else None
            seconds, result = run_ingest(scratch / f"case{n}", evidence, executor, workers, url)
        finally:
            executor.shutdown()
            if cluster:
                cluster.stop()
        reference = reference or result
        same = "yes" if result == reference else "NO"
        print(f"{label:<42} {'PostgreSQL' if shared else 'SQLite':<11} {seconds:8.2f} "
              f"{result[0] / seconds:8.1f} {megabytes / seconds:6.1f}  {same}")


# ---------------------------------------------------------------------------
# Tagging
# ---------------------------------------------------------------------------


def tagging_session(folder: str, env_url: str | None, name: str, items: list[int],
                    category: str, start, results) -> None:
    """One examiner: tag each item in turn, each command on the versions just shown."""
    from triage.review.commands import History, TagMedia
    from triage.review.tag_queries import tag_versions
    from triage.review.tags import ConflictError

    if env_url:
        os.environ[DATABASE_URL_ENV] = env_url
    store = open_case(folder, examiner=name)
    history = History(store, name)
    applied = refused = 0
    start.wait()
    began = time.perf_counter()
    for media_id in items:
        with store.reading() as session:
            shown = tag_versions(session, [media_id])
        try:
            applied += len(history.run(TagMedia([media_id], "vics-us", category, seen=shown)))
        except ConflictError:
            refused += 1
    results.put((name, applied, refused, time.perf_counter() - began))
    store.close()


def tagging_case(folder: Path, url: str | None, media: int) -> list[int]:
    from triage.case.models import Media

    store = open_case(folder, create=True, examiner="bench", database_url=url)
    with store.session() as session:
        rows = [Media(sha256=f"{i:064x}", sha1=f"{i:040x}", md5=f"{i:032x}", size=i)
                for i in range(1, media + 1)]
        session.add_all(rows)
        session.flush()
        ids = [m.id for m in rows]
    store.close()
    return ids


def check_tags(folder: Path, env_url: str | None, applied: int) -> tuple[int, int, bool]:
    """(lost, duplicated, chain intact) after a tagging run."""
    from sqlalchemy import func, select

    from triage.case.audit import verify_chain
    from triage.case.models import AuditEntry, Tag

    if env_url:
        os.environ[DATABASE_URL_ENV] = env_url
    store = open_case(folder)
    with store.reading() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "tag.set")
                                  .order_by(AuditEntry.id)).all()
        last = {int(e.target.split(":")[1]): e.after for e in audited}
        tags = {t.media_id: t for t in session.scalars(select(Tag))}
        duplicated = session.scalar(select(func.count()).select_from(
            select(Tag.media_id).group_by(Tag.media_id, Tag.source_kind, Tag.source_name)
            .having(func.count() > 1).subquery()))
        lost = abs(applied - len(audited)) + sum(
            1 for media_id, after in last.items()
            if media_id not in tags or (tags[media_id].category, tags[media_id].examiner)
            != (after["category"], after["examiner"]))
        intact = verify_chain(session) is None
    store.close()
    os.environ.pop(DATABASE_URL_ENV, None)
    return lost, duplicated, intact


def tagging_table(args, scratch: Path, server: ThrowawayPostgres) -> None:
    context = multiprocessing.get_context("spawn")
    print(f"\nTagging: {args.commands} one-item tag commands per examiner session, "
          "half the items shared, each on the versions shown")
    print(f"{'case':<11} {'sessions':>8} {'commands/s':>10} {'applied':>8} {'refused':>8} "
          f"{'lost':>5} {'doubled':>7}  chain")
    for database in ("SQLite", "PostgreSQL"):
        for sessions in (1, 2, 4):
            url = server.database() if database == "PostgreSQL" else None
            folder = scratch / f"tags-{database}-{sessions}"
            ids = tagging_case(folder, url, args.commands * sessions)
            shared = ids[:args.commands // 2]
            rng = random.Random(sessions)
            start, results = context.Barrier(sessions), context.Queue()
            processes = []
            for n in range(sessions):
                own = ids[args.commands // 2 + n * args.commands:][:args.commands
                                                                   - len(shared)]
                items = shared + own
                rng.shuffle(items)
                processes.append(context.Process(target=tagging_session, args=(
                    str(folder), url, f"examiner-{n}", items, str(n % 4 + 1), start, results)))
            for p in processes:
                p.start()
            outcomes = [results.get() for _ in processes]
            for p in processes:
                p.join()
            applied = sum(o[1] for o in outcomes)
            refused = sum(o[2] for o in outcomes)
            seconds = max(o[3] for o in outcomes)
            lost, doubled, intact = check_tags(folder, url, applied)
            print(f"{database:<11} {sessions:>8} {(applied + refused) / seconds:10.1f} "
                  f"{applied:>8} {refused:>8} {lost:>5} {doubled:>7}  "
                  f"{'intact' if intact else 'BROKEN'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evidence", help="a folder of pictures (default: BSDS500)")
    parser.add_argument("--pictures", type=int, default=500)
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    parser.add_argument("--commands", type=int, default=300, help="tag commands per session")
    parser.add_argument("--no-ingest", action="store_true")
    parser.add_argument("--no-tagging", action="store_true")
    args = parser.parse_args()
    os.environ.pop(DATABASE_URL_ENV, None)
    scratch = Path(tempfile.mkdtemp(prefix="triage-scale-"))
    server = ThrowawayPostgres().start()
    try:
        if not args.no_ingest:
            ingest_table(args, scratch, server)
        if not args.no_tagging:
            tagging_table(args, scratch, server)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
