"""Analysis steps: each declares its settings, inputs, compute function and output tables (``base.Step``),
and the runner (``workbench.runner``) runs them all alike. Importing this package registers the built-in
steps, in the order they run and write their tables; steps from other packages come after them."""
from .base import Step, StepResult, StepSkipped, Table, step
from . import segments, phrases, themes, keyness, barriers, codes, code_themes, saturation  # noqa: E402,F401 -- registers them, in order

__all__ = ["Step", "StepResult", "StepSkipped", "Table", "step"]
