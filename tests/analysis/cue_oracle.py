"""Today's cue finder kept as a test oracle: the Matcher run over every token of every doc, exactly as
``workbench.analysis.stance_cues.CueFinder`` did before it learned to run only where a pattern's anchor word
occurs. ``tests/analysis/test_stance_cues_fast.py`` checks the fast finder gives the very same cues, in the
same order. The cue data (GENERIC, negation words) and ``negated`` are shared with the package: the oracle
checks how cues are found, not which cues the codebook lists."""
from __future__ import annotations

from workbench.analysis.families import compile_pattern
from workbench.analysis.stance_cues import (FLIPS, GENERIC, STANCES, Cue, _first_in_expanded,
                                            _no_negated_gaps, negated)


class OracleCueFinder:
    """The cue finder before the anchor windows (commit 2e8f9eb): one Matcher call per whole doc."""
    def __init__(self, codebook, vocab):
        from spacy.matcher import Matcher

        self.codebook = codebook
        self.kind_of: dict[str, str] = {}
        self.matcher = Matcher(vocab)
        self.vocab = vocab
        patterns = codebook.matcher_patterns()
        for kind in (*STANCES, "principle"):
            for code in codebook.of_kind(kind):
                if code.parent and patterns.get(code.name):
                    self.kind_of[code.name] = kind
                    self.matcher.add(code.name, _first_in_expanded([_no_negated_gaps(p)
                                                                   for p in patterns[code.name]]))
        for kind in STANCES:
            self.matcher.add(f"__generic_{kind}__", _first_in_expanded(
                [_no_negated_gaps(compile_pattern(p, f"generic {kind}")) for p in GENERIC[kind]]))
        self._found: dict[int, tuple[object, list[Cue]]] = {}

    def _doc_cues(self, doc) -> list[Cue]:
        if id(doc) not in self._found:
            cues = []
            for match_id, start, end in self.matcher(doc):
                label = self.vocab.strings[match_id]
                generic = label.startswith("__generic_")
                kind = label[len("__generic_"):-2] if generic else self.kind_of[label]
                is_negated = negated(doc, start, end)
                if is_negated and kind in FLIPS:
                    kind = FLIPS[kind]
                name = "__generic__" if generic else ("__principle__" if kind == "principle" else label)
                cues.append(Cue(name, kind, doc[start:end].text, is_negated, start, end, generic))
            self._found[id(doc)] = (doc, cues)  # the doc is kept so that its id is not reused
        return self._found[id(doc)][1]

    def find(self, span) -> list[Cue]:
        """The cues inside ``span`` (a spaCy Span or Doc); where cues of different stances overlap, a
        category cue beats a general one and a longer one beats a shorter one."""
        doc = span.doc if hasattr(span, "doc") else span
        lo, hi = (span.start, span.end) if hasattr(span, "doc") else (0, len(doc))
        cues = [c for c in self._doc_cues(doc) if c.start >= lo and c.end <= hi]
        keep = []
        for cue in cues:
            beaten = any(o.kind != cue.kind and o.start < cue.end and cue.start < o.end and
                         ((cue.generic and not o.generic) or
                          (cue.generic == o.generic and o.end - o.start > cue.end - cue.start))
                         for o in cues)
            if not beaten:
                keep.append(cue)
        return keep
