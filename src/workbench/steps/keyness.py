"""Keyness between two groups of documents (``keyness.csv``): words and phrases distinctive of one group,
with log-likelihood, log ratio and an example's offsets. Skipped (and said why) when the corpus has fewer
than two groups."""
from __future__ import annotations

from ..analysis.keyness import Keyness, group_values
from .base import StepSkipped, Table, step
from .phrases import miner


def keyness(bench, group_by: str | None = None, target: str | None = None, reference: str | None = None) -> Keyness:
    """Keyness between two groups; defaults come from the config's [keyness] section."""
    cfg = bench.config.keyness
    tokens, phrases = bench.tokens, miner(bench)
    return Keyness(group_by or cfg.group_by, target or cfg.target, reference or cfg.reference,
                   min_count=cfg.min_count).fit(tokens, phrases)


def groups(bench, group_by: str | None = None) -> list[str]:
    """The values of the keyness group attribute in the corpus (e.g. transcript, blog)."""
    return sorted({v for v in group_values(bench.tokens, group_by or bench.config.keyness.group_by) if v})


@step("keyness", tables=[Table("keyness", "keyness")], settings=("phrases", "keyness"), report=False)
def keyness_step(bench) -> dict:
    found = groups(bench)
    if len(found) < 2:
        group_by = bench.config.keyness.group_by
        raise StepSkipped(f"Keyness compares two groups of documents, and these documents have "
                          f"{'only one' if found else 'no'} value of '{group_by}'"
                          f"{' (' + found[0] + ')' if found else ''}. Set [keyness] group_by to another attribute.")
    return {"keyness": keyness(bench).keyness_}
