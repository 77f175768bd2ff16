"""What each `corpus` subcommand does; argument parsing lives in pipeline/cli.py."""

import argparse
import contextlib
import csv
import json
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.errors import UserError
from pipeline.lake import SQL_DIR, LakeBusyError, NoLakeError, connect, reader, writer_lock
from pipeline.settings import Settings, from_environment, usable_cores

ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
EXAMPLE_QUERY = SQL_DIR / "top_entities.sql"


def settings_from(args: argparse.Namespace) -> Settings:
    seeds = args.seeds.resolve()
    if not seeds.is_dir():
        raise UserError(f"no such folder: {seeds}")
    return Settings(
        seeds_dir=seeds,
        data_dir=args.data.resolve(),
        workers=max(1, args.workers),
        ray_address=args.ray or None,
        max_bytes=args.max_bytes,
        batch_docs=args.batch_docs,
    )


def run(args: argparse.Namespace) -> int:
    return _run(settings_from(args), maintain=args.maintain)


def backfill(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    files = [_relative(settings.seeds_dir, name) for name in args.files]
    return _run(settings, maintain=args.maintain, force_all=args.all, force=files)


def _relative(seeds: Path, name: str) -> str:
    path = Path(name)
    if path.is_absolute() or path.exists():
        try:
            return path.resolve().relative_to(seeds).as_posix()
        except ValueError:
            raise UserError(f"{name} is not inside {seeds}") from None
    return path.as_posix()


def _run(
    settings: Settings, *, maintain: bool, force_all: bool = False, force: list | None = None
) -> int:
    with contextlib.ExitStack() as stack:
        try:  # held for the whole run: a second run refuses before Dagster starts anything
            stack.enter_context(writer_lock(settings.data_dir))
        except LakeBusyError as error:
            raise UserError(str(error)) from None
        print(f"corpus: {settings.seeds_dir} -> {settings.data_dir}", file=sys.stderr)
        started = time.perf_counter()
        if not settings.ray_address and (settings.workers > 1 or _spare_core()):
            from pipeline.run.executors import early_workers  # slow import: only when running

            stack.enter_context(early_workers(settings.model, settings.workers))
        result = execute(settings, maintain=maintain, force_all=force_all, force=force or [])
        if not result.success:
            raise UserError(_failure(result))
        _print_summary(result, settings, time.perf_counter() - started)
    return 0


def _spare_core() -> bool:
    """Whether a one-process run can load the model on another core while Dagster starts: its
    batches are then parsed there, in a single-threaded process (see `InProcess`)."""
    return usable_cores() > 1


def execute(
    settings: Settings,
    *,
    maintain: bool = False,
    force_all: bool = False,
    force: list | None = None,
) -> dg.ExecuteInProcessResult:
    """One Dagster run of `corpus_job` over all shards, on the local instance."""
    from pipeline.definitions import RANGE_TAGS, build_definitions  # slow import: only when running

    job = build_definitions(settings).resolve_job_def("corpus_job")
    run_config = {
        "ops": {
            "corpus_shards": {
                "config": {"force_all": force_all, "force": force or [], "show_progress": True}
            },
            "aggregates": {"config": {"maintain": maintain}},
            "text_reuse": {"config": {"full": force_all}},
        },
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(
            run_config=run_config, instance=instance, tags=RANGE_TAGS, raise_on_error=False
        )


def _failure(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None:  # Dagster wraps the asset's own exception
                error = error.cause
            message = error.message.strip().splitlines()
            return message[-1] if message else "a step failed"
    return "the run failed"


def _print_summary(result: dg.ExecuteInProcessResult, settings: Settings, seconds: float) -> None:
    meta = _materialization_metadata(result, "documents")
    nlp = _materialization_metadata(result, "annotations")
    processed = meta.get("files_processed", 0)
    print(
        f"files: {meta.get('files_seen', 0)} seen, {processed} processed, "
        f"{meta.get('files_unchanged', 0)} unchanged, {meta.get('files_deleted', 0)} deleted, "
        f"{meta.get('files_rejected', 0)} rejected"
        + (f", {meta['files_touched']} touched (same content)" if meta.get("files_touched") else "")
    )
    if not processed and not meta.get("files_deleted", 0):
        print("nothing changed: no NLP work done")
    print(
        f"written: {nlp.get('sentences_written', 0):,} sentences, "
        f"{nlp.get('tokens_written', 0):,} tokens, {nlp.get('entities_written', 0):,} entities"
    )
    print(f"elapsed: {seconds:.1f} s")
    print(f"\n{EXAMPLE_QUERY.name}: {EXAMPLE_QUERY.read_text().splitlines()[0][3:]}")
    # the run's own connection, still open under its writer lock: attaching anew costs ~0.3 s
    with reader(settings.data_dir) as con:
        print(con.sql(EXAMPLE_QUERY.read_text()))


def _materialization_metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey(asset):
            return {k: v.value for k, v in materialization.metadata.items()}
    return {}


def sql(args: argparse.Namespace) -> int:
    query = _query_text(args.query)
    try:
        con = connect(args.data.resolve())
    except (NoLakeError, duckdb.Error) as error:  # e.g. a catalog whose first run was killed
        raise UserError(str(error).strip().splitlines()[0]) from None
    with con:
        try:
            relation = _read_only_query(con, query)
            columns, rows = relation.columns, relation.fetchall()
        except duckdb.Error as error:
            raise UserError(str(error).strip().splitlines()[0]) from None
    _print_rows(columns, rows, args.format)
    return 0


def _query_text(query: str) -> str:
    if query.strip().lower().endswith(".sql"):
        path = Path(query.strip())
        if not path.is_file():
            raise UserError(f"no such SQL file: {path}")
        return path.read_text()
    return query


def _read_only_query(con: duckdb.DuckDBPyConnection, query: str) -> duckdb.DuckDBPyRelation:
    """Exactly one query statement; anything that could change data is refused before it runs."""
    statements = con.extract_statements(query)
    if len(statements) != 1:
        raise UserError(f"give exactly one SQL statement (got {len(statements)})")
    if statements[0].type not in ALLOWED_STATEMENTS:
        kind = statements[0].type.name
        raise UserError(f"only queries are allowed here (this is a {kind} statement)")
    return con.sql(query)


def _print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        print(json.dumps(records, default=str, ensure_ascii=False, indent=1))
    else:
        print(_table(columns, rows))


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(s.rstrip() for s in out)


def _cell(value: object, limit: int = 80) -> str:
    text = "NULL" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bench(args: argparse.Namespace) -> int:
    from bench.bench import run_bench  # only the benchmark needs it

    if not args.corpus.is_dir():
        print(f"corpus bench: skipped, no corpus at {args.corpus} (give --corpus DIR)")
        return 0
    run_bench(
        args.corpus.resolve(),
        copies=max(1, args.copies),
        workers=max(1, args.workers),
        model=from_environment().model,
        limit=args.limit,
    )
    return 0


def bench_ray(args: argparse.Namespace) -> int:
    from bench.ray_bench import bench_ray as run_ray_bench  # Ray is an optional extra

    run_ray_bench(args.corpus.resolve(), files=max(1, args.files), out=sys.stdout)
    return 0


def eval_cleaning(args: argparse.Namespace) -> int:
    from bench.cleaning_eval import run_eval  # only the evaluation needs trafilatura's scorer

    if not (args.dataset / "ground-truth.json").is_file():
        print(f"corpus eval-cleaning: skipped, no dataset at {args.dataset} (give --dataset DIR)")
        return 0
    run_eval(args.dataset.resolve(), out=sys.stdout)
    return 0
