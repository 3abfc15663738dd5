"""A codebook: named codes (barriers, enablers, principles, benefits) in a hierarchy, each with a
description, cue phrases and Matcher patterns, read from YAML (see src/workbench/data/codebook.yml).

Cues and patterns use the notation of phrase families (``compile_pattern``, ``phrase_pattern``)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import ConfigError, Errors, WorkbenchError
from .families import compile_pattern, phrase_pattern

KINDS = ("barrier", "enabler", "principle", "benefit", "other")
FRAME_COLUMNS = ["name", "kind", "parent", "description", "n_cues", "n_patterns"]
_ATTRS = ("lemma", "pos", "lower", "tag")
_WORD = re.compile(r"[\w'’£$€%-]+")  # what phrase_pattern counts as a word


@dataclass
class Code:
    """One code of a codebook."""

    name: str
    kind: str
    description: str = ""
    parent: str | None = None
    cues: list[str] = field(default_factory=list)
    patterns: list[list] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


_FIELDS = [f.name for f in fields(Code)]


class UnknownCodeError(WorkbenchError, KeyError):
    """A code name that is not in the codebook (E401)."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return self.args[0]


class _Problem(Exception):
    """A semantic problem, located as (code index, field, item index) for a line number."""

    def __init__(self, detail: str, index: int | None = None, key: str | None = None,
                 item: tuple[int, ...] = ()):
        super().__init__(detail)
        self.detail, self.index, self.key, self.item = detail, index, key, item


def default_codebook_path() -> Path:
    return Path(str(resources.files("workbench") / "data" / "codebook.yml"))


# -- patterns ---------------------------------------------------------------------------------------

def _normalise_item(item: Any) -> Any:
    """Allow ``"lemma:a|lemma:b"`` as well as ``"lemma:a|b"`` (the form ``compile_pattern`` reads)."""
    if not isinstance(item, str) or "|" not in item or ":" not in item:
        return item
    attr, value = item.split(":", 1)
    if attr.lower() not in _ATTRS:
        return item
    parts = []
    for part in value.split("|"):
        if ":" in part:
            other, rest = part.split(":", 1)
            if other.lower() != attr.lower():
                raise _Problem(f"pattern item {item!r} mixes '{attr}:' and '{other}:'; a token can test "
                               "one attribute: split it into two patterns")
            part = rest
        parts.append(part)
    return f"{attr}:{'|'.join(parts)}"


def _item_problem(item: Any) -> str | None:
    """Why a pattern item is invalid, or None."""
    if isinstance(item, bool) or item is None or isinstance(item, (int, float)):
        return f"pattern item {item!r} is not a word: put it in quotes"
    if isinstance(item, str):
        text = item[:-1] if item.endswith("?") and len(item) > 1 else item
        if not text.strip():
            return "pattern item is empty"
        if ":" in text and text.split(":", 1)[0].lower() in _ATTRS:
            if not all(v.split(":")[-1].strip() for v in text.split(":", 1)[1].split("|")):
                return f"pattern item {item!r} has an empty value after ':' or '|'"
        return None
    if isinstance(item, list):
        if not item or not all(isinstance(w, str) and w.strip() for w in item):
            return f"pattern item {item!r} must be a non-empty list of words"
        return None
    if isinstance(item, dict):
        from spacy.schemas import validate_token_pattern

        found = validate_token_pattern([item])
        return f"pattern item {item!r} is not a valid spaCy token: {found[0]}" if found else None
    return f"pattern item {item!r} is not a word, a list of words or a token dict"


def _check_pattern(pattern: Any, name: str, p: int) -> None:
    if not isinstance(pattern, list) or not pattern:
        raise _Problem(f"code '{name}': pattern {p + 1} must be a non-empty list of tokens, e.g. "
                       "[lack, of, \"lemma:time\"]", key="patterns", item=(p,))
    for t, item in enumerate(pattern):
        try:
            problem = _item_problem(item)
            if problem is None:
                compile_pattern([_normalise_item(item)], name)
        except _Problem as err:
            problem = err.detail
        except ConfigError as err:
            problem = str(err)
        if problem:
            raise _Problem(f"code '{name}': {problem}", key="patterns", item=(p, t))


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def cue_pattern(cue: str) -> list[dict[str, Any]]:
    """A cue phrase -> a Matcher pattern: split as spaCy splits words ("can't" -> "ca n't",
    "rubber-stamp" -> "rubber stamp"), then ``phrase_pattern`` (punctuation may come between words);
    straight and curly apostrophes both match."""
    words = [t.text for t in _tokenizer()(cue.replace("’", "'")) if not (t.is_punct and "'" not in t.text)]
    pattern = phrase_pattern(" ".join(words))
    for token in pattern:
        word = token.get("LOWER")
        if isinstance(word, str) and "'" in word:
            token["LOWER"] = {"IN": [word, word.replace("'", "’")]}
    return pattern


# -- checking ----------------------------------------------------------------------------------------

def _code_from(item: Any, i: int) -> Code:
    """A YAML mapping -> a Code, or a _Problem."""
    if not isinstance(item, dict):
        raise _Problem(f"code {i + 1} is not a mapping of 'name:', 'kind:', ...", index=i)
    for key in item:
        if key not in _FIELDS:
            raise _Problem(f"unknown key {key!r} in code {i + 1}; known keys: {', '.join(_FIELDS)}",
                           index=i, key=key if isinstance(key, str) else None)
    if "name" not in item or item["name"] in (None, ""):
        raise _Problem(f"code {i + 1} has no 'name'", index=i)
    values = {k: item[k] for k in _FIELDS if k in item and item[k] is not None}
    for key in ("name", "kind", "description", "parent"):
        if key in values and not isinstance(values[key], str):
            raise _Problem(f"'{key}' of code {i + 1} must be text: put it in quotes", index=i, key=key)
    for key in ("cues", "patterns", "examples"):
        if key in values and not isinstance(values[key], list):
            raise _Problem(f"'{key}' of code {i + 1} must be a list", index=i, key=key)
    if "kind" not in values:
        raise _Problem(f"code '{values['name']}' has no 'kind' (one of {', '.join(KINDS)})", index=i)
    return Code(**values)


def _check(codes: list[Code]) -> None:
    """Raise a _Problem (with the code's index) for the first thing wrong with ``codes``."""
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if not isinstance(code.name, str) or not code.name.strip():
            raise _Problem(f"code {i + 1} has no 'name'", index=i)
        if code.name in seen:
            raise _Problem(f"duplicate code name '{code.name}' (first used by code {seen[code.name] + 1})",
                           index=i, key="name")
        seen[code.name] = i
        if code.kind not in KINDS:
            raise _Problem(f"code '{code.name}' has unknown kind {code.kind!r}; use one of {', '.join(KINDS)}",
                           index=i, key="kind")
        for key in ("cues", "examples"):
            for c, text in enumerate(getattr(code, key)):
                if not isinstance(text, str) or not _WORD.search(text):
                    raise _Problem(f"code '{code.name}': {key[:-1]} {text!r} has no words", index=i, key=key,
                                   item=(c,))
        for p, pattern in enumerate(code.patterns):
            try:
                _check_pattern(pattern, code.name, p)
            except _Problem as err:
                err.index = i
                raise
    for i, code in enumerate(codes):
        if code.parent is not None and code.parent not in seen:
            raise _Problem(f"code '{code.name}' has unknown parent '{code.parent}'", index=i, key="parent")
    for i, code in enumerate(codes):
        chain, parent = [code.name], code.parent
        while parent is not None:
            if parent in chain:
                cycle = " -> ".join(chain[chain.index(parent):] + [parent])
                raise _Problem(f"codes form a parent cycle: {cycle}", index=i, key="parent")
            chain.append(parent)
            parent = codes[seen[parent]].parent


# -- the codebook ------------------------------------------------------------------------------------

class Codebook:
    """Codes in file order, with hierarchy helpers and Matcher patterns."""

    def __init__(self, codes: list[Code], source: str = "<memory>"):
        self.codes = list(codes)
        self.source = str(source)
        try:
            _check(self.codes)
        except _Problem as err:
            raise ConfigError(Errors.E403.format(source=self.source, detail=err.detail,
                                                 kinds=", ".join(KINDS))) from None
        self._by_name = {code.name: code for code in self.codes}

    @classmethod
    def load(cls, path: str | Path) -> "Codebook":
        """Read a codebook YAML file; anything malformed gets E400 with its 1-based line number."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(Errors.E402.format(path=path, detail=getattr(err, "strerror", None) or err)) \
                from None

        def fail(line: Any, detail: str) -> ConfigError:
            return ConfigError(Errors.E400.format(path=path, line=line, detail=detail, kinds=", ".join(KINDS)))

        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
            raise fail(mark.line + 1 if mark else "?", getattr(err, "problem", None) or str(err)) from None
        finally:
            loader.dispose()
        if root is None:
            raise fail(1, "the file is empty; it needs a list 'codes:'")
        items_node = root
        if isinstance(root, yaml.MappingNode):
            items_node = next((v for k, v in root.value if k.value == "codes"), None)
            items = data.get("codes")
        else:
            items = data
        if not isinstance(items, list) or not isinstance(items_node, yaml.SequenceNode):
            line = items_node.start_mark.line + 1 if items_node is not None else 1
            raise fail(line, "expected a list of codes under 'codes:'")
        try:
            codes = [_code_from(item, i) for i, item in enumerate(items)]
            _check(codes)
        except _Problem as err:
            raise fail(_line(items_node, err), err.detail) from None
        return cls(codes, source=str(path))

    @classmethod
    def default(cls) -> "Codebook":
        """The codebook shipped with workbench (co-production barriers, enablers, principles, benefits)."""
        return cls.load(default_codebook_path())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Codebook) and self.codes == other.codes

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __repr__(self) -> str:
        return f"Codebook({len(self.codes)} codes, source={self.source!r})"

    def get(self, name: str) -> Code:
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise UnknownCodeError(Errors.E401.format(name=name, known=", ".join(self._by_name))) from None

    def children(self, name: str) -> list[Code]:
        self.get(name)
        return [code for code in self.codes if code.parent == name]

    def ancestors(self, name: str) -> list[str]:
        """The parent chain of ``name``, nearest first."""
        chain, parent = [], self.get(name).parent
        while parent is not None:
            chain.append(parent)
            parent = self._by_name[parent].parent
        return chain

    def of_kind(self, kind: str) -> list[Code]:
        if kind not in KINDS:
            raise ConfigError(Errors.E404.format(kind=kind, kinds=", ".join(KINDS)))
        return [code for code in self.codes if code.kind == kind]

    def matcher_patterns(self) -> dict[str, list[list[dict[str, Any]]]]:
        """Code name -> spaCy Matcher patterns (cues, then patterns). Codes with neither are left out."""
        out = {}
        for code in self.codes:
            found = [cue_pattern(cue) for cue in code.cues]
            found += [compile_pattern([_normalise_item(item) for item in p], code.name) for p in code.patterns]
            if found:
                out[code.name] = found
        return out

    def to_frame(self) -> pd.DataFrame:
        rows = [{"name": c.name, "kind": c.kind, "parent": c.parent, "description": c.description,
                 "n_cues": len(c.cues), "n_patterns": len(c.patterns)} for c in self.codes]
        return pd.DataFrame(rows, columns=FRAME_COLUMNS)

    def save(self, path: str | Path) -> Path:
        """Write YAML that ``load`` reads back to an equal codebook (empty fields are left out)."""
        path = Path(path)
        items = []
        for code in self.codes:
            item = {k: v for k, v in asdict(code).items() if k in ("name", "kind") or v not in (None, "", [])}
            items.append(item)
        text = yaml.safe_dump({"codes": items}, sort_keys=False, allow_unicode=True, width=100,
                              default_flow_style=None)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            raise ConfigError(Errors.E405.format(path=path, detail=err.strerror or err)) from None
        return path


def _line(items_node: yaml.SequenceNode, problem: _Problem) -> int:
    """The 1-based line a problem refers to: the item, else the field's value, else the code."""
    if problem.index is None or problem.index >= len(items_node.value):
        return items_node.start_mark.line + 1
    node: yaml.Node = items_node.value[problem.index]
    if problem.key is not None and isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == problem.key:
                node = value_node
                break
        for i in problem.item:
            if not isinstance(node, yaml.SequenceNode) or i >= len(node.value):
                break
            node = node.value[i]
    return node.start_mark.line + 1
