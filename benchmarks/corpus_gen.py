"""Build a larger corpus from the demo corpus, with variation, deterministic by seed.

Structure like a real project: many workshop transcripts (``.txt``, 4-8 named speakers with roles in
``metadata.csv``, 30-120 turns) and blog posts (``.md`` with front matter, 5-16 paragraphs).
Variation at the level of sentences, not only documents: each turn (or paragraph) is a demo turn
(paragraph) with sentences dropped, borrowed from another turn and reordered, spoken asides added,
and the demo's names, places and services replaced by generated ones, so few segment texts repeat
verbatim and the vocabulary has a realistic long tail (names, places), as embeddings and indexes
would see in a real corpus. Same ``seed`` and size -> byte-identical files.

Run: .venv/bin/python -m benchmarks.corpus_gen --words 100000 --out /tmp/corpus-100k
"""
from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

from workbench.corpus import load_corpus

FIRST = ["Ada", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kit", "Lou", "Max", "Ned",
         "Ola", "Pat", "Quin", "Ray", "Sol", "Tess", "Uma", "Vic", "Wren", "Xan", "Yas", "Zed", "Amir", "Bronwen",
         "Chidi", "Dorota", "Esme", "Farah", "Gethin", "Hana", "Idris", "Jolene", "Kofi", "Lena", "Mei", "Niamh",
         "Omar", "Precious", "Rhian", "Samir", "Tomasz", "Una", "Viktor", "Yusuf", "Zainab", "Callum"]
SURNAMES = ["Adeyemi", "Baxter", "Chowdhury", "Doyle", "Evans", "Fraser", "Greaves", "Hussain", "Iqbal",
            "Jenkins", "Kowalski", "Lloyd", "Murphy", "Nwosu", "O'Brien", "Price", "Quayle", "Rahman", "Shah",
            "Thomas", "Umar", "Vaughan", "Williams", "Yeung", "Zielinski", "Morgan", "Osei", "Pearce"]
ROLES = ["facilitator", "lived experience", "lived experience", "carer", "practitioner", "commissioner",
         "lived experience", "carer"]
TOWN_A = ["North", "South", "East", "West", "Ash", "Brook", "Clay", "Dun", "Elm", "Fern", "Glen", "Hart",
          "Kings", "Lark", "Mill", "Oak", "Red", "Stan", "Thorn", "Wood"]
TOWN_B = ["gate", "field", "ford", "ley", "ton", "bury", "wick", "mouth", "bridge", "stead", "dale", "holme"]
VENUES = ["Community Hub", "Library", "Family Centre", "Methodist Hall", "Town Hall", "Youth Centre"]
SERVICES = ["community wellbeing service", "recovery service", "carers' support service", "day opportunities service",
            "crisis support service", "peer support network", "housing support service", "early help service"]
TOPICS = ["Who decides?", "Lived experience as expertise", "What gets in the way?", "Recognition and payment",
          "Sharing power", "Trust and accountability", "Money and budgets", "Evaluation together",
          "Access and inclusion", "Keeping it going"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ASIDES = ["Honestly,", "I mean,", "So,", "Um,", "And,", "To be fair,", "Look,", "You know,", "Basically,",
          "In a way,", "Again,", "For me,", "Thing is,", "Right,", "Actually,"]
_ALSO_WORDS = {"Will", "Hope", "Joy", "Grace", "Rose", "June", "Bill", "Speaker"}  # names that are words too
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-Z\"“‘'])")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


class _Source:
    """The demo corpus cut into turns and paragraphs of sentences, and the names to replace."""

    def __init__(self, folder: Path):
        corpus = load_corpus(folder)
        self.turns = [_sentences(s.text) for s in corpus.segments if s.speaker]
        self.paragraphs = [_sentences(s.text) for s in corpus.segments if not s.speaker]
        names: set[str] = set()
        for doc in corpus.documents:
            names.update(doc.speaker_roles)
            if doc.attributes.get("author"):
                names.add(str(doc.attributes["author"]))
        names.update(s.speaker for s in corpus.segments if s.speaker)
        parts = {p for n in names for p in n.split() if len(p) > 2} - _ALSO_WORDS
        # Longest first so "Dev Patel" goes before "Dev"; names only as whole words.
        self.name_re = re.compile(r"\b(" + "|".join(sorted(map(re.escape, parts), key=len, reverse=True)) + r")\b")
        self.place_re = re.compile(r"\bNorthgate\b")
        self.service_re = re.compile(r"\bcommunity wellbeing service\b")


def _vary(rng: random.Random, sentences: list[str], pool: list[list[str]]) -> list[str]:
    """Drop, borrow and reorder sentences, add asides: a new turn or paragraph close to a real one."""
    out = list(sentences)
    if len(out) > 2 and rng.random() < 0.5:
        del out[rng.randrange(len(out))]
    if rng.random() < 0.55:
        other = rng.choice(pool)
        if other:
            k = rng.randint(1, min(2, len(other)))
            start = rng.randrange(len(other) - k + 1)
            at = rng.randint(0, len(out))
            out[at:at] = other[start:start + k]
    if len(out) > 3 and rng.random() < 0.3:
        i = rng.randrange(1, len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    out = out or list(sentences)
    for i, sentence in enumerate(out):  # spoken asides: "Honestly, ..." (the first word lower-cased)
        if len(sentence.split()) > 3 and sentence[:1].isupper() and rng.random() < 0.2:
            word = sentence.split()[0]
            keep = word in ("I", "I'm", "I've", "I'd", "I'll") or word.isupper()
            out[i] = f"{rng.choice(ASIDES)} {sentence if keep else sentence[0].lower() + sentence[1:]}"
    return out


def _town(rng: random.Random) -> str:
    return rng.choice(TOWN_A) + rng.choice(TOWN_B)


def _person(rng: random.Random) -> str:
    first = rng.choice(FIRST)
    return f"{first} {rng.choice(SURNAMES)}" if rng.random() < 0.4 else first


def hash_index(word: str, n: int) -> int:
    """A stable (not salted like ``hash``) index of ``word`` in ``range(n)``."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(word)) % n


def _substitute(source: _Source, text: str, names: list[str], town: str, service: str) -> str:
    text = source.name_re.sub(lambda m: names[hash_index(m.group(1), len(names))].split()[0], text)
    text = source.place_re.sub(town, text)
    return source.service_re.sub(service, text)


def _transcript(rng: random.Random, source: _Source, n: int) -> tuple[str, dict]:
    cast: list[str] = []
    while len(cast) < rng.randint(4, 8):
        name = _person(rng)
        if all(name.split()[0] != c.split()[0] for c in cast):
            cast.append(name)
    roles = ["facilitator"] + [rng.choice(ROLES[1:]) for _ in cast[1:]]
    town, service, topic = _town(rng), rng.choice(SERVICES), rng.choice(TOPICS)
    month, day = rng.randrange(12), rng.randint(1, 28)
    lines = [f"Co-production workshop {n}: {topic} ({town} {rng.choice(VENUES)}, {day} {MONTHS[month]} 2025)"]
    for _ in range(rng.randint(30, 120)):
        speaker = cast[0] if rng.random() < 0.25 else rng.choice(cast)
        turn = _vary(rng, rng.choice(source.turns), source.turns)
        lines.append(f"{speaker}: " + _substitute(source, " ".join(turn), cast, town, service))
    meta = {"kind": "transcript", "title": f"Co-production workshop {n}: {topic}",
            "date": f"2025-{month + 1:02d}-{day:02d}", "event": f"{town} series",
            "author": "", "speaker_roles": "; ".join(f"{c}={r}" for c, r in zip(cast, roles))}
    return "\n\n".join(lines) + "\n", meta


def _blog(rng: random.Random, source: _Source, n: int) -> tuple[str, dict]:
    author, town, service = _person(rng), _town(rng), rng.choice(SERVICES)
    names = [author] + [_person(rng) for _ in range(4)]
    title = f"{rng.choice(TOPICS).rstrip('?')} in {town}"
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    paragraphs = [_substitute(source, " ".join(_vary(rng, rng.choice(source.paragraphs), source.paragraphs)),
                              names, town, service) for _ in range(rng.randint(5, 16))]
    text = (f'---\ntitle: "{title}"\nauthor: "{author}"\ndate: {date}\nkind: blog\n---\n\n# {title}\n\n'
            + "\n\n".join(paragraphs) + "\n")
    return text, {"kind": "blog", "title": title, "date": date, "event": "", "author": author, "speaker_roles": ""}


def generate(target_words: int, out: Path, seed: int = 13, source: Path | None = None) -> Path:
    """Write about ``target_words`` words of transcripts and blogs (and metadata.csv) into ``out``."""
    source_folder = source or Path(__file__).resolve().parents[1] / "corpora" / "coproduction"
    src = _Source(source_folder)
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    words, n, rows = 0, 0, []
    while words < target_words:
        if n % 4 == 1:  # one document in four is a blog (the second one already)
            text, meta = _blog(rng, src, n)
            rel = f"blogs/post-{n:05d}.md"
        else:
            text, meta = _transcript(rng, src, n)
            rel = f"transcripts/workshop-{n:05d}.txt"
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        rows.append({"doc_id": rel, **meta})
        words += len(text.split())
        n += 1
    with open(out / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["doc_id", "kind", "title", "date", "event", "author",
                                                    "speaker_roles"])
        writer.writeheader()
        writer.writerows(rows)
    return out


def add_transcript(corpus: Path, target_words: int = 5000, seed: int = 99, source: Path | None = None) -> str:
    """Add one generated transcript of about ``target_words`` words to ``corpus`` (and its metadata row), as a
    research team adds a new workshop; returns its doc_id."""
    src = _Source(source or Path(__file__).resolve().parents[1] / "corpora" / "coproduction")
    rng = random.Random(seed)
    text, meta = _transcript(rng, src, 90_000)
    while len(text.split()) < target_words:  # one workshop in two sittings: the turns of a second one follow
        more, _ = _transcript(rng, src, 90_001)
        text += more
    turns, words = [], 0
    for turn in text.split("\n\n"):  # whole turns, up to about target_words
        if words >= target_words:
            break
        turns.append(turn)
        words += len(turn.split())
    text = "\n\n".join(turns).rstrip("\n") + "\n"
    rel = f"transcripts/added-workshop-{seed}.txt"
    (corpus / rel).write_text(text, encoding="utf-8")
    metadata = corpus / "metadata.csv"
    with open(metadata, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=["doc_id", "kind", "title", "date", "event", "author",
                                           "speaker_roles"]).writerow({"doc_id": rel, **meta})
    return rel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    folder = generate(args.words, Path(args.out), seed=args.seed)
    print(f"wrote {sum(1 for _ in folder.rglob('*.*')) - 1} documents to {folder}")


if __name__ == "__main__":
    main()
