"""Ingest orchestration: plan work in the case store, run it on executors, write results in batches."""
