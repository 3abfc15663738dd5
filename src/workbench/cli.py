"""The ``workbench`` command line: ``corpus info``, ``analyse`` and ``kwic``.

Errors meant for the user print their numbered message and exit with status 1; ``--debug``
shows the traceback of unexpected errors.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import __version__
from .config import load_config
from .errors import WorkbenchError


_NEVER_SHORTEN = {"doc_id", "seg_id", "path"}


def _table(frame: pd.DataFrame, max_width: int = 60) -> str:
    """A plain-text table, long cells shortened (never ids or paths)."""
    if frame.empty:
        return "(none)"
    shown = frame.copy()
    for column in [c for c in shown.columns if c not in _NEVER_SHORTEN]:
        shown[column] = shown[column].map(
            lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
            else textwrap.shorten(str(v), max_width, placeholder="…") if isinstance(v, str) else v)
    return shown.to_string(index=False)


def _config_from(args: argparse.Namespace):
    config = load_config(getattr(args, "config", None))
    if getattr(args, "unit", None):
        config.corpus.unit = args.unit
    if getattr(args, "max_file_mb", None):
        config.corpus.max_file_mb = args.max_file_mb
    if getattr(args, "n_process", None):
        config.annotate.n_process = args.n_process
    if getattr(args, "families", None):
        config.phrases.families_file = args.families
    config.validate()
    return config


def cmd_corpus_info(args: argparse.Namespace) -> int:
    from .corpus import load_corpus

    config = _config_from(args)
    corpus = load_corpus(args.path, unit=config.corpus.unit, max_turn_words=config.corpus.max_turn_words,
                         max_file_mb=config.corpus.max_file_mb)
    summary = corpus.summary()
    docs = corpus.documents_df()[["doc_id", "kind", "format", "segments", "words", "speakers"]]
    print(f"Corpus {args.path}")
    kinds = ", ".join(f"{n} {k}" for k, n in summary["kinds"].items()) or "none"
    print(f"  {summary['documents']} documents ({kinds}), {summary['segments']} segments, "
          f"{summary['words']} words, {summary['speakers']} speakers, {summary['problems']} load problems\n")
    print(_table(docs))
    speakers = corpus.speakers_df()
    if not speakers.empty:
        print("\nSpeakers")
        print(_table(speakers))
    if corpus.warnings:
        print("\nWarnings")
        for warning in corpus.warnings:
            print(f"  {warning}")
    if corpus.problems:
        print("\nLoad problems (these files were skipped)")
        print(_table(corpus.problems_df()[["path", "code", "reason"]], max_width=200))
        if args.strict:
            from .errors import Errors
            print("\n" + Errors.E052.format(n_problems=len(corpus.problems), path=args.path), file=sys.stderr)
            return 1
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from .project import Workbench

    config = _config_from(args)
    bench = Workbench(args.path, config, strict=args.strict, cache_dir=args.cache_dir,
                      progress=not args.no_progress)
    corpus = bench.corpus
    print(f"Loaded {len(corpus.documents)} documents, {len(corpus.segments)} segments "
          f"({len(corpus.problems)} load problems).")
    for problem in corpus.problems:
        print(f"  skipped: {problem.reason}")
    written = bench.analyse(args.out)
    for step, reason in bench.skipped_.items():
        print(f"  {step} skipped: {reason}")
    annotated = bench.annotated
    print(f"Annotated with {annotated.pipeline}: {annotated.n_parsed} segments parsed, "
          f"{annotated.n_cached} from cache.")
    print(f"Wrote {len(written)} files to {args.out}:")
    for path in written.values():
        print(f"  {path}")
    return 0


def cmd_kwic(args: argparse.Namespace) -> int:
    from .project import Workbench

    config = _config_from(args)
    bench = Workbench(args.path, config, cache_dir=args.cache_dir, progress=False)
    filters = {k: v for k, v in (("kind", args.kind), ("speaker_role", args.role), ("speaker", args.speaker),
                                 ("doc_id", args.doc)) if v}
    hits = bench.concordance.query(args.query, args.mode, width=args.width, sort=args.sort, filters=filters)
    total = len(hits)
    if args.limit:
        hits = hits.head(args.limit)
    if args.csv:
        hits.to_csv(args.csv, index=False)
    width = args.width
    for row in hits.itertuples(index=False):
        who = f"{row.speaker}" if isinstance(row.speaker, str) else row.kind
        print(f"{row.left:>{width}} [{row.match}] {row.right:<{width}}  {row.seg_id} {who}")
    shown = f"{len(hits)} of {total}" if len(hits) < total else f"{total}"
    print(f"\n{shown} hits for {args.query!r} ({args.mode}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Qualitative analysis workbench.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)

    def corpus_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("path", help="folder of documents, e.g. corpora/coproduction")
        p.add_argument("--config", help="analysis config (TOML)")
        p.add_argument("--strict", action="store_true", help="fail if any file cannot be loaded")
        p.add_argument("--unit", choices=["auto", "turn", "paragraph", "sentence"], help="segmentation unit")
        p.add_argument("--max-file-mb", type=float, help="skip files larger than this (default 50)")

    corpus = commands.add_parser("corpus", help="inspect a corpus")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True)
    info = corpus_commands.add_parser("info", help="documents, kinds, segments, words, speakers, problems")
    corpus_options(info)
    info.set_defaults(func=cmd_corpus_info)

    analyse = commands.add_parser("analyse", aliases=["analyze"], help="run the analysis and write tables")
    corpus_options(analyse)
    analyse.add_argument("--out", required=True, help="output folder")
    analyse.add_argument("--cache-dir", help="annotation cache (default $WORKBENCH_CACHE_DIR or ~/.cache/workbench)")
    analyse.add_argument("--n-process", type=int, help="processes for spaCy (default 1)")
    analyse.add_argument("--no-progress", action="store_true", help="no progress bars")
    analyse.add_argument("--families", help="your own phrase families (YAML), added to the shipped ones")
    analyse.set_defaults(func=cmd_analyse)

    kwic = commands.add_parser("kwic", help="concordance: every hit of a query in its context")
    kwic.add_argument("path", help="folder of documents")
    kwic.add_argument("query", help="a word, lemma, phrase, regex or JSON spaCy token pattern")
    kwic.add_argument("--mode", choices=["word", "lemma", "phrase", "regex", "pattern"], default="word")
    kwic.add_argument("--width", type=int, default=40, help="characters of context on each side")
    kwic.add_argument("--sort", choices=["left", "right"], help="sort by the words left or right of the match")
    kwic.add_argument("--kind", help="only documents of this kind (transcript, blog, notes)")
    kwic.add_argument("--role", help="only speakers with this role, e.g. 'lived experience'")
    kwic.add_argument("--speaker", help="only this speaker")
    kwic.add_argument("--doc", help="only this document (doc_id)")
    kwic.add_argument("--limit", type=int, default=50, help="lines to print (0 for all)")
    kwic.add_argument("--csv", help="also write all hits to this CSV file")
    kwic.add_argument("--config", help="analysis config (TOML)")
    kwic.add_argument("--cache-dir", help="annotation cache folder")
    kwic.set_defaults(func=cmd_kwic, unit=None, max_file_mb=None, strict=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.simplefilter("default")
    try:
        return args.func(args)
    except WorkbenchError as err:
        print(str(err), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as err:  # never a bare traceback for the user
        if args.debug:
            raise
        print(f"[E999] Unexpected error: {type(err).__name__}: {err}. Run again with --debug for details and "
              "please report it with the command you ran.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
