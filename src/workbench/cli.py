"""The ``workbench`` command line: ``corpus info``, ``analyse``, ``verify``, ``kwic``, ``agreement``,
``merge-codings``, ``export-codings``, ``import-qdpx`` and ``pseudonymise``.

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
from .values import is_missing


_NEVER_SHORTEN = {"doc_id", "seg_id", "path"}


def _table(frame: pd.DataFrame, max_width: int = 60) -> str:
    """A plain-text table, long cells shortened (never ids or paths)."""
    if frame.empty:
        return "(none)"
    shown = frame.copy()
    for column in [c for c in shown.columns if c not in _NEVER_SHORTEN]:
        shown[column] = shown[column].map(
            lambda v: "" if is_missing(v)
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
    corpus = load_corpus(args.path, **config.corpus.load_options())
    summary = corpus.summary()
    docs = corpus.documents_df()[["doc_id", "kind", "format", "segments", "words", "speakers"]]
    docs = docs.merge(_coverage_columns(corpus), on="doc_id", how="left")
    print(f"Corpus {args.path}")
    kinds = ", ".join(f"{n} {k}" for k, n in summary["kinds"].items()) or "none"
    print(f"  {summary['documents']} documents ({kinds}), {summary['segments']} segments, "
          f"{summary['words']} words, {summary['speakers']} speakers, {summary['problems']} load problems, "
          f"coverage {summary['coverage']:.1%}\n")
    print(_table(docs, max_width=70))
    print("\n  coverage: share of the visible text in a segment or in a listed exclusion; analysed: in a "
          "segment;\n  set aside: visible text outside segments, by reason (exclusions.csv lists it)")
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


def _coverage_columns(corpus) -> pd.DataFrame:
    """coverage, analysed (as percentages) and what was set aside, per document."""
    frame = corpus.coverage_df()
    reasons = [c for c in frame.columns[5:]]

    def set_aside(row) -> str:
        parts = [f"{reason} {row[reason] / row['characters']:.1%}" for reason in reasons
                 if row[reason] and row["characters"]]
        return ", ".join(parts) or "-"

    return pd.DataFrame({"doc_id": frame["doc_id"], "coverage": frame["coverage"].map(lambda v: f"{v:.1%}"),
                         "analysed": frame["analysed"].map(lambda v: f"{v:.1%}"),
                         "set aside": frame.apply(set_aside, axis=1) if len(frame) else []})


def cmd_analyse(args: argparse.Namespace) -> int:
    from .project import Workbench

    config = _config_from(args)
    bench = Workbench(args.path, config, strict=args.strict, cache_dir=args.cache_dir,
                      progress=not args.no_progress, reuse_results=not args.recompute,
                      reuse_models=not args.refit_themes)
    corpus = bench.corpus
    print(f"Loaded {len(corpus.documents)} documents, {len(corpus.segments)} segments "
          f"({len(corpus.problems)} load problems).")
    for problem in corpus.problems:
        print(f"  skipped: {problem.reason}")
    from .compute import from_options

    with from_options(args.scheduler, args.workers, config) as executor:  # in this process unless asked
        bench.runner.executor = executor
        written = bench.analyse(args.out)
    for step, reason in bench.skipped_.items():
        print(f"  {step} skipped: {reason}")
    if bench.has_annotations:
        annotated = bench.annotated
        print(f"Annotated with {annotated.pipeline}: {annotated.n_parsed} segments parsed, "
              f"{annotated.n_cached} from cache.")
    elif bench.runner.shared("annotations") is not None:
        lazy = bench.runner.shared("annotations")
        if lazy.loaded:
            print(f"Annotated the {len(lazy.loaded)} documents whose results were not kept yet: {lazy.n_parsed} "
                  f"segments parsed, {lazy.n_cached} from cache.")
        else:
            print("Every document's results were kept from an earlier run: nothing was annotated.")
    if bench.reused_:
        print(f"Reused unchanged results: {', '.join(sorted(set(bench.reused_)))} "
              "(--recompute to compute them again).")
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
        from .export.tables import write_table_csv

        write_table_csv(hits, args.csv)
    width = args.width
    for row in hits.itertuples(index=False):
        who = f"{row.speaker}" if isinstance(row.speaker, str) else row.kind
        print(f"{row.left:>{width}} [{row.match}] {row.right:<{width}}  {row.seg_id} {who}")
    shown = f"{len(hits)} of {total}" if len(hits) < total else f"{total}"
    print(f"\n{shown} hits for {args.query!r} ({args.mode}).")
    return 0


def _codings_folder(path: Path) -> Path:
    """PATH may be a corpus folder (codings in ``.workbench/codings``) or the codings folder itself."""
    inner = path / ".workbench" / "codings"
    return inner if inner.is_dir() else path


def cmd_agreement(args: argparse.Namespace) -> int:
    from .coding import CodingStore, agreement
    from .errors import Errors

    path = Path(args.path)
    if not path.is_dir():
        raise WorkbenchError(Errors.E419.format(path=path))
    store = CodingStore(_codings_folder(path)).load()
    table = agreement(store.frame(), args.coders[0], args.coders[1],
                      status=None if args.all_statuses else "accepted")
    if args.csv:
        from .export.tables import write_table_csv

        write_table_csv(table, args.csv)
    shown = table.assign(agree_percent=table["agree_percent"].round(1), kappa=table["kappa"].round(3),
                         alpha=table["alpha"].round(3))
    print(f"Agreement between {args.coders[0]} and {args.coders[1]} (units: segments; "
          f"{'all' if args.all_statuses else 'accepted'} codings in {store.folder})\n")
    print(_table(shown, max_width=80))
    return 0


def cmd_merge_codings(args: argparse.Namespace) -> int:
    from .coding import CodingStore

    counts = CodingStore.merge(_codings_folder(Path(args.a)), _codings_folder(Path(args.b)), args.out)
    print(f"Merged {counts['a']} + {counts['b']} codings ({counts['both']} in both, {counts['conflicts']} "
          f"edited differently: the later edit kept) into {args.out}: {counts['total_in_out']} codings.")
    return 0


def cmd_export_codings(args: argparse.Namespace) -> int:
    from .coding import CodingStore
    from .errors import Errors

    path = Path(args.path)
    if not path.is_dir():
        raise WorkbenchError(Errors.E419.format(path=path))
    out = Path(args.out)
    with CodingStore(_codings_folder(path)) as store:
        written = store.export_csv(out) if out.suffix.lower() == ".csv" else store.export_json(out)
        print(f"Wrote {len(store)} codings by {len(store.coders())} coders from {store.path} to {written}.")
    return 0


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    from .coding import CodingStore
    from .coding.qdpx_import import import_qdpx
    from .corpus import load_corpus

    config = _config_from(args)
    corpus = load_corpus(args.corpus, unit=config.corpus.unit, max_turn_words=config.corpus.max_turn_words,
                         max_file_mb=config.corpus.max_file_mb)
    folder = Path(config.coding.folder) if config.coding.folder else Path(args.corpus) / ".workbench" / "codings"
    with CodingStore(folder) as store:
        report = import_qdpx(args.file, corpus, store)
        print(report.summary())
        print(f"The store {store.path} now holds {len(store)} codings by: {', '.join(store.coders())}.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify

    result = verify(args.dir, corpus_path=args.corpus, fresh=args.fresh, keep=args.keep,
                    progress=not args.no_progress)
    print(f"Re-ran the analysis recorded in {Path(args.dir) / 'manifest.json'}\n")
    print(_table(result.tables, max_width=120))
    if result.changed_inputs:
        print(f"\nInput files that changed since the recorded run ({len(result.changed_inputs)}):")
        for name in result.changed_inputs:
            print(f"  {name}")
    if result.package_differences:
        print("\nPackage versions that differ from the recorded run (recorded -> now):")
        for name, (then, now) in result.package_differences.items():
            print(f"  {name}: {then or '(none)'} -> {now or '(none)'}")
    differing = (result.tables["status"] == "differs").sum()
    if result.matched:
        print(f"\nMATCH: all {len(result.tables)} tables are the same.")
        return 0
    from .machine import side_by_side

    print("\nThe recorded machine and this one (differences first): CPU, kernels, BLAS, threads, torch")
    rows = side_by_side(result.machine_recorded, result.machine_now)
    print(_table(pd.DataFrame(rows, columns=["field", "recorded", "here"]), max_width=120))
    print(f"\nDIFFERENT: {differing} of {len(result.tables)} tables differ.", file=sys.stderr)
    return 1


def cmd_pseudonymise(args: argparse.Namespace) -> int:
    from .privacy import pseudonymise_folder

    config = _config_from(args)
    report = pseudonymise_folder(args.path, args.out, key_path=args.key, names_file=args.names,
                                 entities=not args.no_entities, roles=not args.no_roles,
                                 emails=not args.keep_emails, phones=not args.keep_phones,
                                 unit=config.corpus.unit, max_turn_words=config.corpus.max_turn_words,
                                 overwrite=args.overwrite)
    print(f"Wrote a pseudonymised copy of {args.path} to {report.out_dir}: {len(report.files)} files.")
    print(f"The key (who became whom) is in {report.key_path}. Keep it safe and do not share it with the copy.")
    if report.names is not None and len(report.names):
        print(f"\n{len(report.names)} names replaced:")
        print(_table(report.names.drop(columns=[c for c in ("name",) if c in report.names]), max_width=40))
    if report.review is not None and len(report.review):
        print("\nNames that are also common words and were kept in these places (check them):")
        print(_table(report.review, max_width=80))
    if not report.ok:
        print("\nThe check of the copy found problems:", file=sys.stderr)
        print(_table(report.problems, max_width=200), file=sys.stderr)
        return 1
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
    analyse.add_argument("--scheduler", help="a running Dask scheduler (tcp://host:8786): annotation, embeddings "
                         "and per-document results run on its workers ([compute] scheduler)")
    analyse.add_argument("--workers", type=int, help="start N local Dask worker processes (a LocalCluster) for "
                         "them ([compute] workers); default: everything in this process")
    analyse.add_argument("--refit-themes", action="store_true",
                         help="fit the themes again from scratch, even when the saved ones could take the new "
                              "and changed segments (see [themes] refit_share)")
    analyse.add_argument("--recompute", action="store_true",
                         help="compute every table again instead of reusing unchanged results from the cache")
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

    agree = commands.add_parser("agreement", help="inter-coder agreement (Cohen's kappa, Krippendorff's alpha)")
    agree.add_argument("path", help="a corpus folder (codings in .workbench/codings) or a codings folder")
    agree.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"), help="the two coders to compare")
    agree.add_argument("--all-statuses", action="store_true",
                       help="count pending and rejected suggestions too (default: accepted codings only)")
    agree.add_argument("--csv", help="also write the table to this CSV file")
    agree.set_defaults(func=cmd_agreement)

    merge = commands.add_parser("merge-codings", help="merge two coders' codings (nothing is dropped)")
    merge.add_argument("a", help="a corpus folder, codings folder, codings.sqlite3 or a JSON file of codings")
    merge.add_argument("b", help="another one")
    merge.add_argument("--out", required=True, help="a codings folder (its database) or a .json file")
    merge.set_defaults(func=cmd_merge_codings)

    export = commands.add_parser("export-codings", help="all codings as plain JSON or CSV")
    export.add_argument("path", help="a corpus folder (codings in .workbench/codings) or a codings folder")
    export.add_argument("--out", required=True,
                        help="a .json file (all codings), a .csv file, or a folder (one <coder>.json per coder)")
    export.set_defaults(func=cmd_export_codings)

    qdpx = commands.add_parser("import-qdpx", help="codings made in NVivo, ATLAS.ti, MAXQDA or QualCoder "
                                                    "(a REFI-QDA .qdpx) into the corpus's coding store")
    qdpx.add_argument("file", help="the .qdpx project, e.g. exported after coding the workbench's project.qdpx")
    qdpx.add_argument("--corpus", required=True, help="the corpus folder the project's texts come from")
    qdpx.add_argument("--config", help="analysis config (TOML): [corpus] settings and [coding] folder")
    qdpx.set_defaults(func=cmd_import_qdpx, unit=None, max_file_mb=None)

    check = commands.add_parser("verify", help="re-run a recorded analysis and compare every table")
    check.add_argument("dir", help="output folder of 'workbench analyse' (with manifest.json)")
    check.add_argument("--corpus", help="the corpus folder, if not where the manifest says")
    check.add_argument("--fresh", action="store_true", help="annotate and embed again in an empty cache")
    check.add_argument("--keep", help="write the re-run's outputs here (default: a temporary folder)")
    check.add_argument("--no-progress", action="store_true", help="no progress bars")
    check.set_defaults(func=cmd_verify)

    pseudo = commands.add_parser("pseudonymise", aliases=["pseudonymize"],
                                 help="a copy of the corpus with names, e-mails and phone numbers replaced")
    corpus_options(pseudo)
    pseudo.add_argument("--out", required=True, help="folder for the pseudonymised copy (new or empty)")
    pseudo.add_argument("--key", help="key file (real name -> pseudonym); kept outside the copy. "
                                      "An existing key is extended, so pseudonyms stay the same across runs")
    pseudo.add_argument("--names", help="a text file of extra names to replace, one per line (Name=role allowed)")
    pseudo.add_argument("--no-entities", action="store_true", help="do not use spaCy's PERSON entities")
    pseudo.add_argument("--no-roles", action="store_true", help="'Participant N' for everyone, not 'Carer N'")
    pseudo.add_argument("--keep-emails", action="store_true", help="leave e-mail addresses")
    pseudo.add_argument("--keep-phones", action="store_true", help="leave phone numbers")
    pseudo.add_argument("--overwrite", action="store_true", help="replace an earlier pseudonymised copy")
    pseudo.set_defaults(func=cmd_pseudonymise)
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
