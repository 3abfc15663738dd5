"""Where the workbench finds its parts: registries of readers, embedders and analysis steps.

Built on ``catalogue`` as spaCy's registries are: the workbench registers its own parts when their modules
are imported, and another installed package adds parts without editing the workbench, through an entry
point in its ``pyproject.toml``::

    [project.entry-points.workbench_steps]
    word_counts = "my_package.steps:word_counts"       # a workbench.steps.Step

    [project.entry-points.workbench_readers]
    ".rtf" = "my_package.readers:read_rtf"              # (data: bytes, path: str) -> ReadResult

    [project.entry-points.workbench_embedders]
    my-model = "my_package.embed:make_model"            # (models_dir) -> an object with model_id and encode()

or, in a notebook or script, with the decorators (``@registry.steps.register("word_counts")`` around a Step,
``@registry.readers.register(".rtf")``, ``@registry.embedders.register("my-model")``).
"""
from __future__ import annotations

import catalogue

readers = catalogue.create("workbench", "readers", entry_points=True)
embedders = catalogue.create("workbench", "embedders", entry_points=True)
steps = catalogue.create("workbench", "steps", entry_points=True)

__all__ = ["embedders", "readers", "steps"]
