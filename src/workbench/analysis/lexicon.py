"""Word lists shared by analyses: transcript fillers and punctuation that ends a phrase."""
from __future__ import annotations

# Single-token fillers of spoken English; a phrase may not start or end with one.
FILLER_WORDS = frozenset({
    "um", "umm", "uh", "uhm", "er", "erm", "ah", "eh", "hmm", "mm", "mhm", "yeah", "yep", "yes", "no", "ok",
    "okay", "oh", "well", "like", "right", "so", "just", "actually", "basically", "really", "alright",
})
# Multi-token fillers: dropped as phrases in their own right.
FILLER_PHRASES = frozenset({
    ("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of"), ("i", "think"), ("i", "guess"),
    ("you", "see"), ("to", "be", "honest"), ("at", "the", "end", "of", "the", "day"), ("thank", "you"),
    ("a", "bit"), ("a", "lot"), ("a", "lot", "of"), ("lot", "of"), ("i", "do", "not", "know"),
})
