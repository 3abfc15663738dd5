"""Privacy tools: pseudonymise a corpus (names, e-mail addresses, phone numbers) before sharing it."""
from .check import CopyReport
from .errors import PseudonymisationError
from .key import load_key
from .names import load_names
from .pseudonymise import Pseudonymiser, pseudonymise_folder

__all__ = ["CopyReport", "PseudonymisationError", "Pseudonymiser", "load_key", "load_names",
           "pseudonymise_folder"]
