"""Accepted codings, one row per code on a span (``codes.csv``, written once there are any): human codings
and machine suggestions a person accepted, with the speaker and the exact text."""
from __future__ import annotations

import pandas as pd

from .base import Table, step

CODE_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "code", "coder", "source",
                "reviewed_by", "memo", "text", "coding_id"]


def codes_table(bench) -> pd.DataFrame:
    """Accepted codings (human, and machine ones a person accepted), one row per code, with speaker."""
    frame = bench.codings.load().frame(status="accepted")
    if frame.empty:
        return pd.DataFrame(columns=CODE_COLUMNS)
    frame = frame.assign(code=frame["codes"].str.split("; ")).explode("code")
    speakers = bench.corpus.segments_df().set_index("seg_id")["speaker"]
    frame["speaker"] = frame["seg_id"].map(speakers)
    texts = {doc.doc_id: doc.text for doc in bench.corpus.documents}
    frame["text"] = [texts[d][int(a):int(b)] if d in texts else t
                     for d, a, b, t in zip(frame["doc_id"], frame["start_char"], frame["end_char"], frame["text"])]
    return frame[CODE_COLUMNS].sort_values(["doc_id", "start_char", "code", "coder"]).reset_index(drop=True)


def _manifest(bench, result) -> dict:
    return {"codebook": {"file": bench.config.coding.codebook_file or "(shipped default)",
                         "codes": len(bench.codebook.codes)},
            "codings": {"folder": str(bench.codings_dir), "accepted_codes": len(result["codes"]),
                        "pending_suggestions": len(bench.codings.queue())}}


@step("codes", tables=[Table("codes", "codes", when_empty=False)], cache=False, manifest=_manifest, report=False)
def codes(bench) -> dict:
    return {"codes": codes_table(bench)}
