"""What analyses share: the fitted-state check and parameter access (scikit-learn style)."""
from __future__ import annotations

import inspect
from typing import Any

from ..errors import Errors, NotFittedError


class Analysis:
    """Base class: ``get_params`` from ``__init__``'s signature; ``check_fitted`` guards results."""

    def get_params(self) -> dict[str, Any]:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def check_fitted(self, attribute: str) -> None:
        if not hasattr(self, attribute):
            raise NotFittedError(Errors.E250.format(name=type(self).__name__))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"
