"""Analysis configuration: defaults, loading from TOML, and a fingerprint for caches and manifests.

Example ``analysis.toml`` (``profile = "fast"`` first line: presets for large corpora, see PROFILES)::

    [corpus]
    unit = "auto"          # auto | turn | paragraph | sentence
    max_turn_words = 250
    max_file_mb = 50

    [annotate]
    model = "en_core_web_sm"
    components = ["tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner"]
    n_process = 1
    batch_size = 64

    [analysis]
    seed = 42

    [phrases]
    min_n = 2
    max_n = 8
    min_count = 3            # an n-gram must occur at least this often
    min_docs = 1
    quoted_min_count = 2
    families_file = "my-families.yml"   # optional, adds to the shipped families

    [keyness]
    group_by = "kind"        # a document attribute, or speaker_role
    target = "transcript"    # optional when the attribute has two values

    [themes]
    embedding = "minilm"     # minilm | static | a local model folder
    seed = 42

    [barriers]
    unit = "sentence"        # sentence | segment
    threshold = 0.5

    [coding]
    codebook_file = "my-codebook.yml"   # optional; default: the shipped co-production codebook
    folder = "codings"                  # optional; default: <corpus>/.workbench/codings

    [export]
    workbook = true          # tables.xlsx too (the fast profile writes CSV files only)
    workbook_max_rows = 100000

    [privacy]
    pseudonymise_report = true          # names in report.html become "Carer 1", "Participant 2", ...
    names_file = "names.txt"            # optional: more names to replace, one per line
"""
from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError, Errors

DEFAULT_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


@dataclass
class CorpusConfig:
    unit: str = "auto"
    max_turn_words: int = 250
    max_file_mb: float = 50.0


@dataclass
class AnnotateConfig:
    model: str | None = None
    components: list[str] = field(default_factory=lambda: list(DEFAULT_COMPONENTS))
    n_process: int = 1
    batch_size: int = 64


@dataclass
class AnalysisConfig:
    seed: int = 42


@dataclass
class PhrasesConfig:
    min_n: int = 2
    max_n: int = 8
    min_count: int = 3
    min_docs: int = 1
    quoted_min_count: int = 2
    families_file: str | None = None


@dataclass
class ThemesConfig:
    embedding: str = "minilm"          # minilm | static | a local model folder
    n_themes: int | None = None        # None: found from the data
    seed: int = 42
    max_outlier_share: float = 0.15
    min_words: int = 6
    stability_runs: int = 3            # refits with other seeds for the stability score (0: skip)
    guided_file: str | None = None     # YAML of expected themes
    enabled: bool = True


@dataclass
class KeynessConfig:
    group_by: str = "kind"
    target: str | None = None
    reference: str | None = None
    min_count: int = 5


@dataclass
class BarriersConfig:
    enabled: bool = True
    unit: str = "sentence"             # sentence | segment
    threshold: float = 0.5             # a hit needs at least this score
    embedding: str = "minilm"          # minilm | static | a local model folder


@dataclass
class CodingConfig:
    codebook_file: str | None = None   # YAML codebook; default: the shipped co-production codebook
    folder: str | None = None          # where codings are kept; default: <corpus>/.workbench/codings


@dataclass
class ExportConfig:
    workbook: bool = True              # tables.xlsx beside the CSV files (the fast profile leaves it out)
    workbook_max_rows: int = 100_000   # longer tables stay CSV only (named on the workbook's "about" sheet)


@dataclass
class PrivacyConfig:
    pseudonymise_report: bool = False  # replace names (speakers, people, listed names) in report.html
    names_file: str | None = None      # extra names to replace, one per line
    key_file: str | None = None        # an existing key, so pseudonyms stay the same as in a shared copy


# Presets chosen with ``profile = "fast"`` at the top of analysis.toml; keys set in the file still win.
PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    "default": {},
    "fast": {  # for large corpora (hundreds of transcripts): no parser or NER, static embeddings
        "annotate": {"components": ["tok2vec", "tagger", "attribute_ruler", "lemmatizer", "senter"],
                     "n_process": 2, "batch_size": 256},
        "themes": {"embedding": "static", "stability_runs": 1},
        "barriers": {"embedding": "static"},
        "export": {"workbook": False},  # the CSV files hold every table; a workbook of them takes minutes
    },
}


@dataclass
class Config:
    """The whole resolved configuration of one analysis run."""

    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    annotate: AnnotateConfig = field(default_factory=AnnotateConfig)
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)
    phrases: PhrasesConfig = field(default_factory=PhrasesConfig)
    keyness: KeynessConfig = field(default_factory=KeynessConfig)
    themes: ThemesConfig = field(default_factory=ThemesConfig)
    barriers: BarriersConfig = field(default_factory=BarriersConfig)
    coding: CodingConfig = field(default_factory=CodingConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    profile: str = "default"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """A short hash of the resolved configuration."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Config":
        config = cls()
        data = dict(data)
        profile = data.pop("profile", "default")
        if profile not in PROFILES:
            raise ConfigError(Errors.E152.format(section="top level", key="profile", value=profile,
                                                 detail=f"use one of {', '.join(PROFILES)}"))
        config.profile = profile
        for section_name, values in PROFILES[profile].items():
            for key, value in values.items():
                setattr(getattr(config, section_name), key, copy.deepcopy(value))
        for section_name, values in data.items():
            section = getattr(config, section_name, None)
            if section is None or not isinstance(values, dict):
                known = ", ".join(f.name for f in fields(cls))
                raise ConfigError(Errors.E151.format(key=section_name, section="top level", known=known))
            known_keys = {f.name: f for f in fields(section)}
            for key, value in values.items():
                if key not in known_keys:
                    raise ConfigError(Errors.E151.format(key=key, section=section_name,
                                                         known=", ".join(known_keys)))
                setattr(section, key, _checked(section_name, key, value, getattr(section, key)))
        config.validate()
        return config

    def validate(self) -> None:
        from .corpus.segment import UNITS

        if self.corpus.unit not in UNITS:
            raise ConfigError(Errors.E152.format(section="corpus", key="unit", value=self.corpus.unit,
                                                 detail=f"use one of {', '.join(UNITS)}"))
        if not 1 <= self.phrases.min_n <= self.phrases.max_n <= 8 or self.phrases.min_n < 2:
            raise ConfigError(Errors.E152.format(section="phrases", key="min_n/max_n",
                                                 value=(self.phrases.min_n, self.phrases.max_n),
                                                 detail="use 2 <= min_n <= max_n <= 8"))
        if self.barriers.unit not in ("sentence", "segment"):
            raise ConfigError(Errors.E152.format(section="barriers", key="unit", value=self.barriers.unit,
                                                 detail="use sentence or segment"))
        if not 0 < self.barriers.threshold <= 1:
            raise ConfigError(Errors.E152.format(section="barriers", key="threshold", value=self.barriers.threshold,
                                                 detail="use a number above 0 and at most 1"))
        for section, key, value in (("corpus", "max_turn_words", self.corpus.max_turn_words),
                                    ("phrases", "min_count", self.phrases.min_count),
                                    ("keyness", "min_count", self.keyness.min_count),
                                    ("corpus", "max_file_mb", self.corpus.max_file_mb),
                                    ("annotate", "n_process", self.annotate.n_process),
                                    ("annotate", "batch_size", self.annotate.batch_size),
                                    ("export", "workbook_max_rows", self.export.workbook_max_rows)):
            if value <= 0:
                raise ConfigError(Errors.E152.format(section=section, key=key, value=value,
                                                     detail="it must be greater than 0"))


_OPTIONAL_STRINGS = {("annotate", "model"), ("phrases", "families_file"), ("keyness", "target"),
                     ("keyness", "reference"), ("themes", "guided_file"), ("coding", "codebook_file"),
                     ("coding", "folder"), ("privacy", "names_file"), ("privacy", "key_file")}
_OPTIONAL_INTS = {("themes", "n_themes")}


def _checked(section: str, key: str, value: Any, default: Any) -> Any:
    """Check ``value`` against the type of ``default`` or raise a numbered error (no silent coercion)."""
    def fail(detail: str) -> ConfigError:
        return ConfigError(Errors.E152.format(section=section, key=key, value=value, detail=detail))

    if (section, key) in _OPTIONAL_INTS:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 2):
            raise fail("expected a whole number of at least 2")
        return value
    if (section, key) in _OPTIONAL_STRINGS or isinstance(default, str):
        if value is not None and not isinstance(value, str):
            raise fail('expected text in quotes, e.g. "en_core_web_sm"')
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise fail("expected true or false")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail('expected a list of text, e.g. ["a", "b"]')
        return list(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("expected a whole number")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail("expected a number")
        return float(value)
    return value


def load_config(path: str | Path | None) -> Config:
    """Read a TOML config; missing keys keep their defaults. ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(Errors.E150.format(path=path, detail=err)) from None
    config = Config.from_dict(data)
    for section, key in (("phrases", "families_file"), ("themes", "guided_file"), ("coding", "codebook_file"),
                         ("coding", "folder"), ("privacy", "names_file"), ("privacy", "key_file")):
        value = getattr(getattr(config, section), key)
        if value and not Path(value).is_absolute():  # relative to the config file, not the shell
            setattr(getattr(config, section), key, str((Path(path).parent / value).resolve()))
    return config
