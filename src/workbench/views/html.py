"""Small HTML helpers for views. Corpus text is data: it is always escaped."""
from __future__ import annotations

from html import escape

import pandas as pd


def table_html(frame: pd.DataFrame, css_class: str = "wb-table", max_rows: int = 200) -> str:
    """An escaped HTML table (pandas escapes cell text)."""
    if frame.empty:
        return '<p class="wb-empty">Nothing to show.</p>'
    shown = frame.head(max_rows)
    note = f'<p class="wb-note">Showing {max_rows} of {len(frame)} rows.</p>' if len(frame) > max_rows else ""
    return shown.to_html(index=False, escape=True, classes=css_class, border=0, na_rep="") + note


def text_html(text: str) -> str:
    """Escaped text with line breaks kept."""
    return escape(text).replace("\n", "<br>")





def segment_html(corpus, seg_id: str, start: int | None = None, end: int | None = None) -> str:
    """A whole segment, escaped, with the match (document offsets start..end) highlighted."""
    seg = corpus.segment(seg_id)
    doc = corpus.document(seg.doc_id)
    text = doc.text
    who = f"<b>{escape(seg.speaker)}</b>" if seg.speaker else escape(doc.kind)
    head = (f'<p class="wb-seg-meta">{who} · {escape(doc.title)} · <code>{escape(seg_id)}</code> '
            f"[{seg.start_char}:{seg.end_char}]</p>")
    if start is None or end is None or not (seg.start_char <= start <= end <= seg.end_char):
        body = text_html(seg.text)
    else:
        body = (text_html(text[seg.start_char:start]) + f'<mark class="wb-match">{text_html(text[start:end])}</mark>'
                + text_html(text[end:seg.end_char]))
    return f'<div class="wb-segment-view">{head}<p class="wb-seg-text">{body}</p></div>'


def kwic_html(hits: pd.DataFrame, max_rows: int = 200) -> str:
    """Concordance lines as an escaped table: left context right-aligned, the match in bold."""
    if hits.empty:
        return '<p class="wb-empty">No hits.</p>'
    rows = []
    for i, h in enumerate(hits.head(max_rows).itertuples(index=False)):
        who = h.speaker if isinstance(h.speaker, str) and h.speaker else h.kind
        rows.append(f'<tr class="wb-kwic-line" data-row="{i}" data-seg-id="{escape(h.seg_id)}">'
                    f'<td class="wb-kwic-left" style="text-align:right">{escape(h.left)}</td>'
                    f'<td class="wb-kwic-match"><b>{escape(h.match)}</b></td>'
                    f'<td class="wb-kwic-right">{escape(h.right)}</td>'
                    f'<td class="wb-kwic-who">{escape(str(who))}</td>'
                    f'<td class="wb-kwic-where"><code>{escape(h.seg_id)}</code></td></tr>')
    more = f'<p class="wb-note">Showing {max_rows} of {len(hits)} lines.</p>' if len(hits) > max_rows else ""
    return f'<table class="wb-kwic">{"".join(rows)}</table>{more}'
