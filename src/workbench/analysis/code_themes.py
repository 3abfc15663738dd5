"""Codes versus themes: where a person's codes and the machine's themes agree, and where they part.

A coded span lies in one segment, and every segment has one machine theme (``-1``: in no theme), so
each (code, coded segment) falls in exactly one cell of a codes x themes matrix. Counts are distinct
segments, as in ``coding.tables`` (two coders, or two spans, coding one segment with one code count once).

For a cell (code c, theme t) two shares say how code and theme relate:

- ``code_share``: of the segments coded c, the share in theme t;
- ``theme_share``: of theme t's *coded* segments (any code), the share coded c. Coded segments, not all
  of the theme's: a researcher codes some passages, not every one, so uncoded ones say nothing.

``relation`` puts the two in plain words; "most" means more than ``min_share`` (0.5 by default: a code split
1-1 between two themes is in neither mostly):
``agree`` (both high: code and theme mark the same passages), ``code inside theme`` (the code lies in
this theme, which also holds other codes: the theme is broader), ``theme inside code`` (this theme is
mostly this code, but the code reaches further: the machine splits the code), ``partial`` (neither),
and ``outside themes`` for the column of segments in no theme.

Every drill-down row (``segments_``, ``quotes()``) keeps ``doc_id``, ``seg_id``, ``start_char``, ``end_char``.
"""
from __future__ import annotations

import pandas as pd

from ..errors import Errors, WorkbenchError
from .base import Analysis

UNASSIGNED = -1
UNASSIGNED_NAME = "Not in any theme"
TRACE = ["doc_id", "seg_id", "start_char", "end_char"]
SEGMENT_COLUMNS = ["code", "theme_id", "theme", *TRACE, "speaker", "coders", "text"]
CELL_COLUMNS = ["code", "theme_id", "theme", "segments", "code_segments", "theme_coded_segments",
                "code_share", "theme_share", "relation"]
CODE_COLUMNS = ["code", "segments", "themes", "main_theme_id", "main_theme", "main_share", "outside_share",
                "reading"]
THEME_COLUMNS = ["theme_id", "theme", "size", "coded_segments", "codes", "main_code", "main_code_share",
                 "reading"]


class CodeThemeError(WorkbenchError, ValueError):
    """The codes x themes matrix cannot be built from what was given (E421)."""


def theme_names(themes: pd.DataFrame | None, theme_ids) -> dict[int, str]:
    """Display names: the theme's label, else "Theme N"; "Not in any theme" for -1. A label shared by
    two themes gets " (theme N)" so columns never merge."""
    labels: dict[int, str] = {}
    if themes is not None and len(themes):
        for tid, label in zip(themes["theme_id"], themes["label"]):
            if isinstance(label, str) and label.strip():
                labels[int(tid)] = label.strip()
    names = {t: (UNASSIGNED_NAME if t == UNASSIGNED else labels.get(t, f"Theme {t}")) for t in theme_ids}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {t: (f"{n} (theme {t})" if seen[n] > 1 else n) for t, n in names.items()}


def _require(frame: pd.DataFrame, name: str, columns: list[str], hint: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise CodeThemeError(Errors.E421.format(detail=f"'{name}' is a {type(frame).__name__}, not a DataFrame",
                                                hint=hint))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CodeThemeError(Errors.E421.format(detail=f"'{name}' lacks the column(s) {missing}", hint=hint))


def relation(code_share: float, theme_share: float, theme_id: int, min_share: float = 0.5) -> str:
    """The plain-words relation of one cell (see the module docstring)."""
    if theme_id == UNASSIGNED:
        return "outside themes"
    if code_share > min_share and theme_share > min_share:
        return "agree"
    if code_share > min_share:
        return "code inside theme"
    if theme_share > min_share:
        return "theme inside code"
    return "partial"


class CodeThemeMatrix(Analysis):
    """Codes (accepted codings) against machine themes.

    ``fit(codes, assignments, themes=None)``: ``codes`` has one row per coded span and code
    (``Workbench.codes_table()``: doc_id, seg_id, start_char, end_char, code; speaker, coder and text
    when present); ``assignments`` one row per segment with its ``theme_id`` (``ThemeModel.assignments_``);
    ``themes`` (``ThemeModel.themes_``) gives labels, sizes and the column order (largest theme first).

    Results: ``matrix_`` (codes x theme ids, distinct segments; the -1 column last), ``cells_`` (one row
    per non-empty cell with its shares and relation), ``codes_`` and ``themes_`` (one reading per code and
    per theme), ``segments_`` (the drill-down: one row per coded span and code, with its theme),
    ``unmatched_`` (coded spans whose segment has no theme result, e.g. codings of an edited document:
    listed, not counted), ``names_`` (theme id -> display name).
    """

    def __init__(self, min_share: float = 0.5):
        self.min_share = min_share

    def fit(self, codes: pd.DataFrame, assignments: pd.DataFrame,
            themes: pd.DataFrame | None = None) -> "CodeThemeMatrix":
        hint = "pass Workbench.codes_table() and ThemeModel.assignments_"
        _require(codes, "codes", [*TRACE, "code"], hint)
        _require(assignments, "assignments", ["seg_id", "theme_id"], hint)
        if themes is not None:
            _require(themes, "themes", ["theme_id", "label", "size"], hint)
        if not 0 < float(self.min_share) <= 1:
            raise CodeThemeError(Errors.E421.format(detail=f"min_share is {self.min_share!r}",
                                                    hint="use a share in (0, 1], e.g. 0.5"))
        coded = codes[codes["code"].notna() & (codes["code"].astype(str) != "")].copy()
        coded["code"] = coded["code"].astype(str)
        for column in ("speaker", "text"):
            if column not in coded.columns:
                coded[column] = None
        if "coder" not in coded.columns:
            coded["coder"] = ""
        theme_of = assignments.drop_duplicates("seg_id").set_index("seg_id")["theme_id"]
        coded["theme_id"] = coded["seg_id"].map(theme_of)
        unmatched = coded["theme_id"].isna()
        self.unmatched_ = coded.loc[unmatched, [*TRACE, "code", "coder", "text"]].reset_index(drop=True)
        coded = coded[~unmatched].astype({"theme_id": "int64"})

        order = self._theme_order(assignments, themes)
        self.names_ = theme_names(themes, order)
        sizes = assignments["theme_id"].astype(int).value_counts()

        # The drill-down: one row per (code, span); several coders of one span are one row.
        coded["coder"] = coded["coder"].fillna("").astype(str)
        spans = (coded.groupby(["code", *TRACE], sort=False, dropna=False)
                 .agg(theme_id=("theme_id", "first"), speaker=("speaker", "first"), text=("text", "first"),
                      coders=("coder", lambda s: "; ".join(sorted({c for c in s if c}))))
                 .reset_index())
        spans["theme"] = spans["theme_id"].map(self.names_)
        spans = spans.sort_values(["code", "doc_id", "start_char", "end_char"], kind="mergesort")
        self.segments_ = spans[SEGMENT_COLUMNS].reset_index(drop=True)

        pairs = coded[["code", "seg_id", "theme_id"]].drop_duplicates(["code", "seg_id"])
        codes_order = sorted(pairs["code"].unique()) if len(pairs) else []
        matrix = pd.crosstab(pairs["code"], pairs["theme_id"]) if len(pairs) else pd.DataFrame()
        self.matrix_ = matrix.reindex(index=codes_order, columns=order, fill_value=0).fillna(0).astype("int64")
        self.matrix_.index.name, self.matrix_.columns.name = "code", "theme_id"

        code_totals = pairs.groupby("code")["seg_id"].nunique()
        theme_coded = coded.drop_duplicates("seg_id").groupby("theme_id").size()
        cells = []
        for code in codes_order:
            for tid in order:
                n = int(self.matrix_.at[code, tid])
                if n == 0:
                    continue
                code_share = n / int(code_totals[code])
                theme_share = n / int(theme_coded[tid])
                cells.append({"code": code, "theme_id": tid, "theme": self.names_[tid], "segments": n,
                              "code_segments": int(code_totals[code]), "theme_coded_segments": int(theme_coded[tid]),
                              "code_share": round(code_share, 4), "theme_share": round(theme_share, 4),
                              "relation": relation(code_share, theme_share, tid, self.min_share)})
        self.cells_ = pd.DataFrame(cells, columns=CELL_COLUMNS)
        self.codes_ = self._code_readings(codes_order)
        self.themes_ = self._theme_readings(order, sizes, theme_coded)
        return self

    # -- parts ---------------------------------------------------------------------------------
    @staticmethod
    def _theme_order(assignments: pd.DataFrame, themes: pd.DataFrame | None) -> list[int]:
        """Themes largest first (ties by id), then any theme only the assignments know, then -1."""
        present = {int(t) for t in assignments["theme_id"]}
        order: list[int] = []
        if themes is not None and len(themes):
            frame = themes[themes["theme_id"].astype(int) != UNASSIGNED]
            frame = frame.assign(_id=frame["theme_id"].astype(int), _size=frame["size"].astype(int))
            order = frame.sort_values(["_size", "_id"], ascending=[False, True], kind="mergesort")["_id"].tolist()
        order += sorted(present - set(order) - {UNASSIGNED})
        return order + [UNASSIGNED]

    def _code_readings(self, codes_order: list[str]) -> pd.DataFrame:
        rows = []
        for code in codes_order:
            mine = self.cells_[self.cells_["code"] == code]
            inside = mine[mine["theme_id"] != UNASSIGNED].sort_values(["segments", "theme_id"],
                                                                      ascending=[False, True], kind="mergesort")
            outside = float(mine.loc[mine["theme_id"] == UNASSIGNED, "code_share"].sum())
            total = int(mine["code_segments"].iloc[0])
            main = inside.iloc[0] if len(inside) else None
            share = float(main["code_share"]) if main is not None else 0.0
            if main is None or outside > share:
                reading = "mostly outside the themes"
            elif share > self.min_share:
                reading = f"mostly in one theme ({main['relation']})"
            else:
                reading = f"spread over {len(inside)} themes"
            rows.append({"code": code, "segments": total, "themes": len(inside),
                         "main_theme_id": int(main["theme_id"]) if main is not None else UNASSIGNED,
                         "main_theme": main["theme"] if main is not None else UNASSIGNED_NAME,
                         "main_share": round(share, 4), "outside_share": round(outside, 4), "reading": reading})
        return pd.DataFrame(rows, columns=CODE_COLUMNS)

    def _theme_readings(self, order: list[int], sizes: pd.Series, theme_coded: pd.Series) -> pd.DataFrame:
        rows = []
        for tid in order:
            mine = self.cells_[self.cells_["theme_id"] == tid].sort_values(["segments", "code"],
                                                                          ascending=[False, True], kind="mergesort")
            coded = int(theme_coded.get(tid, 0))
            main = mine.iloc[0] if len(mine) else None
            if main is None:
                reading = "no passage of it was coded: something the machine found that no code names"
            elif float(main["theme_share"]) > self.min_share:
                reading = f"mostly coded '{main['code']}'"
            else:
                reading = f"coded with {len(mine)} different codes"
            rows.append({"theme_id": tid, "theme": self.names_[tid], "size": int(sizes.get(tid, 0)),
                         "coded_segments": coded, "codes": len(mine),
                         "main_code": main["code"] if main is not None else "",
                         "main_code_share": round(float(main["theme_share"]), 4) if main is not None else 0.0,
                         "reading": reading})
        return pd.DataFrame(rows, columns=THEME_COLUMNS)

    # -- results -------------------------------------------------------------------------------
    def quotes(self, code: str | None = None, theme_id: int | None = None) -> pd.DataFrame:
        """The coded spans behind a cell, a code's row or a theme's column, in document order."""
        self.check_fitted("segments_")
        frame = self.segments_
        if code is not None:
            frame = frame[frame["code"] == code]
        if theme_id is not None:
            frame = frame[frame["theme_id"] == int(theme_id)]
        return frame.sort_values(["doc_id", "start_char", "end_char", "code"], kind="mergesort").reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """The matrix for a spreadsheet (codes_by_theme.csv): one row per code with its total and reading,
        then one column per theme named "<id>: <name>" (the last, "-1: Not in any theme")."""
        self.check_fitted("matrix_")
        wide = self.matrix_.copy()
        wide.columns = [f"{t}: {self.names_[t]}" for t in wide.columns]
        readings = self.codes_.set_index("code")[["segments", "main_theme", "main_share", "reading"]]
        readings = readings.rename(columns={"segments": "coded_segments"})
        return readings.join(wide).reset_index()
