"""Run in a child process by test_theme_determinism.py: fit themes with fresh embeddings under the thread and
CPU-kernel settings of the environment, and write what the themes are (JSON) and the embeddings (.npy).

Usage: python theme_machine_child.py CORPUS ANNOTATION_CACHE OUT_PREFIX
Threads come from OMP_NUM_THREADS (torch is set to the same); kernels from ATEN_CPU_CAPABILITY.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from workbench.analysis.themes import ThemeModel  # noqa: E402
from workbench.embed import make_embedder  # noqa: E402
from workbench.machine import machine_info  # noqa: E402
from workbench.project import Workbench  # noqa: E402

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
corpus, cache, prefix = sys.argv[1:4]
bench = Workbench(corpus, cache_dir=cache, progress=False)
tokens = bench.tokens
texts = [st.segment.text for st in tokens.segments]
embeddings = make_embedder("minilm").encode(texts)  # fresh: no embedding cache
model = ThemeModel(stability_runs=2).fit(tokens, embeddings)
np.save(prefix + ".npy", embeddings)
summary = {
    "themes": model.themes_[["theme_id", "label", "keywords", "size", "doc_count", "stability", "seg_id"]]
    .to_dict(orient="list"),
    "assignments": model.assignments_["theme_id"].tolist(),
    "quotes": model.quotes_[["theme_id", "rank", "seg_id"]].to_dict(orient="list"),
    "machine": machine_info(),
}
with open(prefix + ".json", "w", encoding="utf-8") as handle:
    json.dump(summary, handle)
