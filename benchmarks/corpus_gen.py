"""Build a larger corpus from the demo corpus, with variation, deterministic by seed.

Each generated transcript takes turns from the demo transcripts in a shuffled order with speakers renamed;
each blog takes shuffled paragraphs. No document is a verbatim copy of another.
"""
from __future__ import annotations

import random
from pathlib import Path

from workbench.corpus import load_corpus

NAMES = ["Ada", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kit", "Lou", "Max", "Ned",
         "Ola", "Pat", "Quin", "Ray", "Sol", "Tess", "Uma", "Vic", "Wren", "Xan", "Yas", "Zed"]


def generate(target_words: int, out: Path, seed: int = 13, source: Path | None = None) -> Path:
    """Write about ``target_words`` words of transcripts and blogs into ``out``; return ``out``."""
    source = source or Path(__file__).resolve().parents[1] / "corpora" / "coproduction"
    corpus = load_corpus(source)
    rng = random.Random(seed)
    turns = [s.text for s in corpus.segments if s.speaker]
    paragraphs = [s.text for s in corpus.segments if not s.speaker]
    out.mkdir(parents=True, exist_ok=True)
    words, n = 0, 0
    while words < target_words:
        if n % 3 == 2:
            chosen = rng.sample(paragraphs, k=min(12, len(paragraphs)))
            text = f"# Post {n}\n\n" + "\n\n".join(chosen) + "\n"
            path = out / "blogs" / f"post-{n:05d}.md"
        else:
            speakers = rng.sample(NAMES, k=5)
            chosen = rng.sample(turns, k=min(40, len(turns)))
            text = f"Generated workshop {n}\n\n" + "\n\n".join(
                f"{speakers[i % 5]}: {t}" for i, t in enumerate(chosen)) + "\n"
            path = out / "transcripts" / f"workshop-{n:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        words += len(text.split())
        n += 1
    return out
