"""Operator-facing YAML files (surveys, later the notifier) loaded into pydantic models, errors pointing to lines.

A file holds one YAML document or several, separated by ``---``. Each document is either a mapping (one item)
or a list of mappings (one item each); empty documents (a trailing ``---``) are skipped. Every problem of every
item is collected and raised together as :class:`ConfigErrors`, one line each, compiler style::

    surveys.yaml:12:7: questions[1].options[0].id: String should match pattern '^[a-z0-9]…'

Positions come from the composed YAML node tree, walked alongside pydantic's error ``loc``: a wrong value points
at the value, an unknown key at the key, a missing key and a model-level rule at the mapping that lacks or breaks
it. Lines and columns are 1-based.

Safety and policy:

* only ``yaml.SafeLoader`` constructs values (no Python objects); unknown tags are errors;
* **aliases are refused altogether** (``*name``, hence also merge keys ``<<: *base``): a config file spells out
  every value, and no alias expansion can blow up ("billion laughs"). An anchor (``&name``) without an alias is
  harmless and ignored; merge keys (``<<``) are refused even without an alias;
* **duplicate keys in a mapping are errors** (PyYAML would silently keep the last value), reported at the second
  key; keys compare as YAML constructs them (``1`` and ``01`` are the same key), keys must be scalars;
* texts over :data:`MAX_BYTES` (UTF-8) are refused before parsing, and nesting deep enough to exhaust Python's
  recursion is refused too;
* an item with such structural problems is not validated (its data would be ambiguous); other items still are.

YAML 1.1 scalars are kept as PyYAML resolves them: ``2026-12-01T00:00:00+01:00`` arrives as a timezone-aware
``datetime``, ``2026-12-01`` as a ``date`` (fine for pydantic datetime fields); a timestamp-shaped value that is no
valid date (``2026-13-01``) is passed on as its text, so pydantic names what is wrong with it. Note that YAML 1.1
reads unquoted ``yes``/``no``/``on``/``off`` as booleans: quote them where a string is meant.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_000_000

M = TypeVar("M", bound=BaseModel)

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_ERROR_PREFIX = "Value error, "


@dataclass(frozen=True)
class ConfigError:
    """One problem: where (file, 1-based line and column, field path inside the item) and what."""

    source: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigErrors(Exception):
    """Every problem found in a file, in file order; ``str()`` prints one per line."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.source, e.line, e.column))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def load_documents(
    text: str, model: type[M], source: str = "<string>", context: dict[str, Any] | None = None
) -> list[tuple[M, int]]:
    """Every item of the file validated as ``model``, each with the line it starts on; raises ConfigErrors.
    ``context`` reaches the model's validators (pydantic's validation context), e.g. names defined elsewhere."""
    items, errors = _compose_items(text, source)
    if not items and not errors:
        errors.append(ConfigError(source, 1, 1, "", "the file holds no items (it is empty)"))
    return _validate(items, errors, model, source, context)


def load_document(text: str, model: type[M], source: str = "<string>", context: dict[str, Any] | None = None) -> M:
    """The file's one and only item validated as ``model``; raises ConfigErrors (also for several items)."""
    items, errors = _compose_items(text, source)
    if not items and not errors:
        errors.append(ConfigError(source, 1, 1, "", "the file holds no item (it is empty)"))
    elif len(items) > 1:
        line, column = _position(items[1].node)
        errors.append(ConfigError(source, line, column, "", f"expected exactly one item, found {len(items)}"))
    return _validate(items, errors, model, source, context)[0][0]


# --- composing ------------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader (the pure-Python one, so the composer can be overridden) that refuses aliases."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ComposerError(None, None, "aliases (*name) are not allowed; spell the value out", mark)
        return super().compose_node(parent, index)


@dataclass
class _Item:
    node: Node
    data: object
    # For each mapping node of the item: constructed key → (key node, value node).
    keys: dict[MappingNode, dict[Hashable, tuple[Node, Node]]] = field(default_factory=dict)
    problems: list[tuple[Node, str]] = field(default_factory=list)


def _compose_items(text: str, source: str) -> tuple[list[_Item], list[ConfigError]]:
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        return [], [ConfigError(source, 1, 1, "", f"the file has {size} bytes; at most {MAX_BYTES} are allowed")]
    items: list[_Item] = []
    errors: list[ConfigError] = []
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # checks the characters at once
        while loader.check_node():
            root = loader.get_node()
            if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL_TAG):
                continue  # an empty document, e.g. after a trailing ---
            if isinstance(root, SequenceNode) and root.tag == _SEQ_TAG and root.value:
                items.extend(_item(loader, node) for node in root.value)
            elif isinstance(root, MappingNode):
                items.append(_item(loader, root))
            else:
                line, column = _position(root)
                message = "expected a mapping (one item) or a list of mappings (several items)"
                if isinstance(root, SequenceNode) and root.tag == _SEQ_TAG:
                    message = "the list holds no items"
                errors.append(ConfigError(source, line, column, "", message))
    except yaml.MarkedYAMLError as exc:
        return [], [_syntax_error(exc, source)]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"not valid YAML: {exc.reason} (U+{exc.character:04X})"
        return [], [ConfigError(source, line, column, "", message)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked or reader errors
        return [], [ConfigError(source, 1, 1, "", f"not valid YAML: {exc}")]
    except RecursionError:
        return [], [ConfigError(source, 1, 1, "", "not accepted: the YAML is nested too deeply")]
    finally:
        if loader is not None:
            loader.dispose()
    return items, errors


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = exc.problem or exc.context or "invalid"
    if exc.context and exc.problem and exc.context_mark:
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    if not isinstance(exc, ComposerError) or exc.context:
        message = f"not valid YAML: {message}"
    return ConfigError(source, line, column, "", message)


def _item(loader: _Loader, node: Node) -> _Item:
    item = _Item(node, None)
    item.data = _construct(loader, node, item)
    return item


def _construct(loader: _Loader, node: Node, item: _Item) -> object:
    """Plain Python data of ``node``; records duplicate keys and other problems in ``item``."""
    if isinstance(node, MappingNode):
        if node.tag != _MAP_TAG:
            item.problems.append((node, f"the tag {_short(node.tag)} is not supported here"))
            return None
        out: dict[Hashable, object] = {}
        keys: dict[Hashable, tuple[Node, Node]] = {}
        item.keys[node] = keys
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                item.problems.append((key_node, "merge keys (<<) are not allowed; spell the values out"))
                continue
            if not isinstance(key_node, ScalarNode):
                item.problems.append((key_node, "a key must be a plain value, not a list or mapping"))
                continue
            key = _scalar(loader, key_node, item)
            if not isinstance(key, Hashable):  # pragma: no cover - scalars construct hashable values
                item.problems.append((key_node, "this key cannot be used"))
                continue
            if key in keys:
                first = keys[key][0]
                line = first.start_mark.line + 1 if first.start_mark else "?"
                item.problems.append((key_node, f"duplicate key {key_node.value!r} (first on line {line})"))
            keys[key] = (key_node, value_node)
            out[key] = _construct(loader, value_node, item)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ_TAG:
            item.problems.append((node, f"the tag {_short(node.tag)} is not supported here"))
            return None
        return [_construct(loader, child, item) for child in node.value]
    assert isinstance(node, ScalarNode)
    return _scalar(loader, node, item)


def _scalar(loader: _Loader, node: ScalarNode, item: _Item) -> object:
    try:
        value: object = loader.construct_object(node)
    except ConstructorError as exc:
        item.problems.append((node, _short(exc.problem or "this value cannot be read")))
        return None
    except ValueError:  # a timestamp-shaped value that is no date, e.g. 2026-13-01: pydantic says what is wrong
        return str(node.value)
    return value


# --- validating -----------------------------------------------------------------------------------------------


def _validate(
    items: list[_Item],
    errors: list[ConfigError],
    model: type[M],
    source: str,
    context: dict[str, Any] | None = None,
) -> list[tuple[M, int]]:
    out: list[tuple[M, int]] = []
    for item in items:
        if item.problems:
            for node, message in item.problems:
                line, column = _position(node)
                errors.append(ConfigError(source, line, column, "", message))
            continue
        try:
            out.append((model.model_validate(item.data, context=context), _position(item.node)[0]))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                line, column = _position(_locate(item, err["loc"], err["type"]))
                message = err["msg"].removeprefix(_VALUE_ERROR_PREFIX)
                errors.append(ConfigError(source, line, column, _path(err["loc"]), message))
    if errors:
        raise ConfigErrors(errors)
    return out


def _locate(item: _Item, loc: tuple[int | str, ...], kind: str) -> Node:
    """The node an error is about: walk ``loc`` down the tree while it matches, skipping parts that name no
    child (union members, a missing key); an unknown key points at the key itself."""
    node = item.node
    key_node: Node | None = None
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, MappingNode) and (found := item.keys.get(node, {}).get(part)):
            key_node, node = found
            if last and kind == "extra_forbidden":
                return key_node
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        elif part == "[key]" and key_node is not None:
            return key_node
    return node


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += part if part == "[key]" or not out else f".{part}"
    return out


def _short(text: str) -> str:
    """``tag:yaml.org,2002:set`` spelled as in a YAML file, ``!!set``."""
    return text.replace("tag:yaml.org,2002:", "!!")


def _position(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)
