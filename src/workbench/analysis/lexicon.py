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

# Parts of speech that never carry a phrase's meaning: a recurring phrase may not start or end with one.
FUNCTION_POS = frozenset({"DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PART", "INTJ", "NUM", "SYM", "X",
                          "PUNCT", "SPACE"})
# Words tagged noun, verb, adjective or adverb that still work as function words at a phrase's edge:
# vague nouns and time adverbs ("years ago", "a couple of", "things like that") ...
LIGHT_WORDS = frozenset({
    "thing", "stuff", "lot", "bit", "couple", "kind", "sort", "way", "ago", "later", "earlier", "yesterday",
    "today", "etc",
})
# ... and verbs that lean on what follows them ("people need [to]", "we try [to]"), when tagged as verbs
# (the noun in "access needs" is a content word).
LIGHT_VERBS = frozenset({"be", "have", "do", "get", "go", "let", "seem", "become", "want", "try", "need", "tend"})
# spaCy stop words that are content words in their own right when tagged noun, verb, adjective or adverb
# ("working together", "take part", "feel alone").
CONTENT_STOP_WORDS = frozenset({
    "together", "alone", "serious", "full", "empty", "front", "bottom", "top", "side", "part", "name", "call",
    "show", "move", "give", "keep", "take",
})
