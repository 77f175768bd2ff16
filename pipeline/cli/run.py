"""`corpus run` and `corpus backfill`: one Dagster run of `corpus_job` over every shard, on the
local instance, with a summary at the end."""

import argparse
import contextlib
import re
import sys
import time
from pathlib import Path

import dagster as dg

from pipeline.assets.source import shard_observations
from pipeline.definitions import RANGE_TAGS, build_definitions, workers_for
from pipeline.errors import UserError
from pipeline.lake import Lake, LakeBusyError
from pipeline.lake.sql import SQL_DIR
from pipeline.run.executors import Workers
from pipeline.settings import Settings, from_environment

EXAMPLE_QUERY = "top_entities"
# Errors whose message says all a user needs: what happened and what to do.
USER_ERRORS = frozenset(
    {"CatalogError", "DiskFullError", "LakeBusyError", "WorkerDeathsError", "WorkerStartError"}
)


def settings_from(args: argparse.Namespace) -> Settings:
    seeds = args.seeds.resolve()
    if not seeds.is_dir():
        raise UserError(f"no such folder: {seeds}")
    return Settings(
        seeds_dir=seeds,
        data_dir=args.data.resolve(),
        model=from_environment().model,  # CORPUS_MODEL, as for the UI
        workers=max(1, args.workers),
        ray_address=args.ray or None,
        max_bytes=args.max_bytes,
        batch_docs=args.batch_docs,
    )


def run(args: argparse.Namespace) -> int:
    return _run(settings_from(args), "`corpus run`", maintain=args.maintain)


def backfill(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    files = [_relative(settings.seeds_dir, name) for name in args.files]
    holder = "`corpus backfill`"
    return _run(settings, holder, maintain=args.maintain, force_all=args.all, force=files)


def _relative(seeds: Path, name: str) -> str:
    path = Path(name)
    if path.is_absolute() or path.exists():
        try:
            return path.resolve().relative_to(seeds).as_posix()
        except ValueError:
            raise UserError(f"{name} is not inside {seeds}") from None
    return path.as_posix()


def _run(
    settings: Settings,
    holder: str,
    *,
    maintain: bool,
    force_all: bool = False,
    force: list | None = None,
) -> int:
    lake, workers = Lake(settings.data_dir, holder=holder), workers_for(settings)
    with contextlib.ExitStack() as stack:
        # held for the whole run: a second one refuses at once, before Dagster starts anything
        try:
            stack.enter_context(lake.hold())
        except LakeBusyError as error:
            raise UserError(str(error)) from None
        print(f"corpus: {settings.seeds_dir} -> {settings.data_dir}", file=sys.stderr)
        started = time.perf_counter()
        with workers.started():
            result = execute(
                settings,
                lake=lake,
                workers=workers,
                maintain=maintain,
                force_all=force_all,
                force=force or [],
            )
        if not result.success:
            raise UserError(_failure(result))
        _print_summary(result, lake, time.perf_counter() - started)
    return 0


def execute(
    settings: Settings,
    *,
    lake: Lake | None = None,
    workers: Workers | None = None,
    maintain: bool = False,
    force_all: bool = False,
    force: list | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """One Dagster run of `corpus_job` over all shards, on the local instance (or `instance`);
    `lake` and `workers` are the resources (a lake this process already holds, workers it
    started)."""
    definitions = build_definitions(settings, lake=lake, workers=workers)
    job = definitions.resolve_job_def("corpus_job")
    run_config = {
        "ops": {
            "corpus_shards": {
                "config": {"force_all": force_all, "force": force or [], "show_progress": True}
            },
            "aggregates": {"config": {"maintain": maintain}},
            "text_reuse": {"config": {"full": force_all}},
        },
        # A failed step is told in one line (`_failure`); its traceback stays in the run's
        # record, in the Dagster UI, instead of filling the terminal.
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    folder = definitions.resources["folder"]

    def run_on(target: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
        # the folder's versions as this run finds them (stat only): when the UI next looks, it
        # sees them already handled and requests nothing
        for observation in shard_observations(folder.shard_versions()):
            target.report_runless_asset_event(observation)
        return job.execute_in_process(
            run_config=run_config, instance=target, tags=RANGE_TAGS, raise_on_error=False
        )

    if instance is not None:
        return run_on(instance)
    with dg.DagsterInstance.get() as local:
        return run_on(local)


def _failure(result: dg.ExecuteInProcessResult) -> str:
    """The failed step's error in one line: the message alone for the errors a user can act
    on, else its last line and where the whole error is."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            error = event.step_failure_data.error
            while error.cause is not None:  # Dagster wraps the asset's own exception
                error = error.cause
            lines = error.message.strip().splitlines() or ["a step failed"]
            message = lines[-1].removeprefix(f"{error.cls_name}: ")
            message = re.sub(rf"^[\w.]+\.{error.cls_name}: ", "", message)
            if error.cls_name in USER_ERRORS:
                return message
            return f"{message} (the whole error: run {result.run_id} in the Dagster UI)"
    return "the run failed"


def _print_summary(result: dg.ExecuteInProcessResult, lake: Lake, seconds: float) -> None:
    meta = _materialization_metadata(result, "documents")
    nlp = _materialization_metadata(result, "annotations")
    processed = meta.get("files_processed", 0)
    print(
        f"files: {meta.get('files_seen', 0)} seen, {processed} processed, "
        f"{meta.get('files_unchanged', 0)} unchanged, {meta.get('files_deleted', 0)} deleted, "
        f"{meta.get('files_rejected', 0)} rejected"
        + (f", {meta['files_touched']} touched (same content)" if meta.get("files_touched") else "")
    )
    if meta.get("files_copied"):
        print(f"copies: {meta['files_copied']} files repeat another's text: annotated once")
    if not processed and not meta.get("files_deleted", 0):
        print("nothing changed: no NLP work done")
    print(
        f"written: {nlp.get('sentences_written', 0):,} sentences, "
        f"{nlp.get('tokens_written', 0):,} tokens, {nlp.get('entities_written', 0):,} entities"
    )
    print(f"elapsed: {seconds:.1f} s")
    # the run's own connection, still open under its writer lock: attaching anew costs ~0.3 s
    with lake.reader() as reader:
        # what a figure drawn from this run cites: `corpus sql --at N` reads it again later
        print(f"lake: {reader.stamp().describe()}")
        question = (SQL_DIR / f"{EXAMPLE_QUERY}.sql").read_text().splitlines()[0][3:]
        print(f"\n{EXAMPLE_QUERY}.sql: {question}")
        print(reader.render(EXAMPLE_QUERY))


def _materialization_metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey(asset):
            return {k: v.value for k, v in materialization.metadata.items()}
    return {}


HANDLERS = {"run": run, "backfill": backfill}
