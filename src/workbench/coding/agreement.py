"""Agreement between two coders: Cohen's kappa and Krippendorff's alpha (nominal) per code and overall.

The unit is a segment. For each code, each coder's value on a segment is 1 if any of that coder's
(accepted, by default) codings of the segment carries the code, else 0. The overall row pools every
(segment, code) pair. Where both coders gave one and the same value on every unit, kappa and alpha are
undefined (0/0): they are NaN and the ``note`` column says why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Errors
from .store import CodingError
from .tables import _exploded

COLUMNS = ["code", "n_units", "agree_percent", "kappa", "alpha", "note"]
NO_VARIATION = "undefined: both coders gave the same value on every unit"


def _scores(a: np.ndarray, b: np.ndarray) -> tuple[float, float, str]:
    if np.unique(np.concatenate([a, b])).size < 2:
        return float("nan"), float("nan"), NO_VARIATION
    import krippendorff  # imported here: scikit-learn takes a second or two to import
    from sklearn.metrics import cohen_kappa_score

    kappa = float(cohen_kappa_score(a, b))
    alpha = float(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                     level_of_measurement="nominal"))
    return kappa, alpha, ""


def _row(code: str, a: np.ndarray, b: np.ndarray) -> dict:
    kappa, alpha, note = _scores(a, b)
    return {"code": code, "n_units": int(a.size), "agree_percent": float(100.0 * np.mean(a == b)),
            "kappa": kappa, "alpha": alpha, "note": note}


def agreement(store_frame: pd.DataFrame, coder_a: str, coder_b: str, segments: list[str] | None = None,
              status: str | None = "accepted") -> pd.DataFrame:
    """One row per code (sorted) plus an "overall" row: code, n_units, agree_percent, kappa, alpha, note.

    ``segments`` are the units both coders read. By default they are the segments either coder coded,
    which leaves out the (agreed) absence of every code on segments neither coded - pass the segments
    both coders worked through to count those too.
    """
    coded = _exploded(store_frame, status, need=("seg_id", "coder"))
    if coder_a == coder_b:
        raise CodingError(Errors.E418.format(detail=f"compare two different coders, got {coder_a!r} twice"))
    known = sorted(set(store_frame["coder"])) if "coder" in store_frame else []
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise CodingError(Errors.E418.format(detail=f"no codings by {coder!r}; coders: {known}"))
    coded = coded[coded["coder"].isin([coder_a, coder_b])]
    units = (list(dict.fromkeys(segments)) if segments is not None
             else sorted(set(coded["seg_id"])))
    if not units:
        raise CodingError(Errors.E418.format(detail="there are no units (segments) to compare"))
    coded = coded[coded["seg_id"].isin(units)]
    codes = sorted(set(coded["code"]))
    if not codes:
        raise CodingError(Errors.E418.format(detail="neither coder used a code on these segments"))
    present = set(zip(coded["coder"], coded["seg_id"], coded["code"]))

    rows, all_a, all_b = [], [], []
    for code in codes:
        a = np.array([(coder_a, s, code) in present for s in units], dtype=np.int64)
        b = np.array([(coder_b, s, code) in present for s in units], dtype=np.int64)
        rows.append(_row(code, a, b))
        all_a.append(a)
        all_b.append(b)
    overall = _row("overall", np.concatenate(all_a), np.concatenate(all_b))
    overall["note"] = (overall["note"] + "; " if overall["note"] else "") + \
        f"pooled over {len(units)} segments x {len(codes)} codes"
    rows.append(overall)
    return pd.DataFrame(rows, columns=COLUMNS)
