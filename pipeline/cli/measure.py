"""`corpus bench`, `corpus bench-ray`, `corpus eval-cleaning` and `corpus eval-reuse`: the
measuring tools, which live in the sibling `bench` package and are imported only here, when
one of them runs."""

import argparse
import sys

from pipeline.settings import from_environment

SCALE_SIZES = (10_000, 100_000)


def bench(args: argparse.Namespace) -> int:
    if not args.corpus.is_dir():
        print(f"corpus bench: skipped, no corpus at {args.corpus} (give --corpus DIR)")
        return 0
    if args.scale is not None:
        from bench.scale import scale_bench

        scale_bench(args.corpus.resolve(), args.scale or list(SCALE_SIZES))
        return 0
    from bench.bench import run_bench  # only the benchmark needs it

    run_bench(
        args.corpus.resolve(),
        copies=max(1, args.copies),
        workers=max(1, args.workers),
        model=from_environment().model,
        limit=args.limit,
        exact_share=max(0.0, args.exact_share),
    )
    return 0


def bench_ray(args: argparse.Namespace) -> int:
    from bench.ray_bench import bench_ray as run_ray_bench  # Ray is an optional extra

    run_ray_bench(args.corpus.resolve(), files=max(1, args.files), out=sys.stdout)
    return 0


def eval_cleaning(args: argparse.Namespace) -> int:
    from bench.cleaning_eval import run_eval  # only the evaluation needs it

    if not (args.dataset / "ground-truth.json").is_file():
        print(f"corpus eval-cleaning: skipped, no dataset at {args.dataset} (give --dataset DIR)")
        return 0
    run_eval(args.dataset.resolve(), out=sys.stdout, cross_validate=not args.no_cv)
    return 0


def eval_reuse(args: argparse.Namespace) -> int:
    from bench.reuse_eval import run_eval  # only the evaluation needs the generator

    if args.dataset is None and not args.corpus.is_dir():
        print(f"corpus eval-reuse: skipped, no corpus at {args.corpus} (give --corpus DIR)")
        return 0
    if args.dataset is not None and not args.dataset.is_dir():
        print(f"corpus eval-reuse: skipped, no dataset at {args.dataset}")
        return 0
    run_eval(
        dataset=args.dataset,
        corpus=args.corpus,
        runs=max(1, args.runs),
        sources=max(1, args.sources),
        per_kind=max(1, args.per_kind),
        seed=args.seed,
        keep=args.keep,
        out=sys.stdout,
    )
    return 0


HANDLERS = {
    "bench": bench,
    "bench-ray": bench_ray,
    "eval-cleaning": eval_cleaning,
    "eval-reuse": eval_reuse,
}
