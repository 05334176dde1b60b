"""
YAML as content files may use it: no anchors, no aliases, no deep nesting,
and messages that quote at most about QUOTE_MAX characters of any value.

It knows YAML and nothing of careers.
"""

import reprlib
from typing import Any, NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.events import AliasEvent, Event, MappingStartEvent, SequenceStartEvent
from yaml.nodes import Node
from yaml.reader import ReaderError
from yaml.resolver import Resolver

from .problems import Problem

# A message quotes at most about this many characters of a bad value, so that
# it cannot grow with the value (a 300-byte file can hold a billion strings).
QUOTE_MAX = 80
_bounded = reprlib.Repr()
_bounded.maxstring = _bounded.maxother = QUOTE_MAX
_bounded.maxlevel = 2
_bounded.maxlist = _bounded.maxtuple = _bounded.maxdict = _bounded.maxset = 4


def clip(text: str, limit: int = QUOTE_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: Any) -> str:
    """`value` as Python writes it (`'text'`, `[1, 2]`), cut to about QUOTE_MAX
    characters: the one way messages show a value from a file."""
    return clip(_bounded.repr(value))


# Collections nest five deep in a content file (career, progression, stages,
# a stage, its source); this leaves room and stops a file nested thousands
# deep long before Python's recursion limit.
MAX_DEPTH = 20


class RefusedYAML(yaml.MarkedYAMLError):
    """Valid YAML that content files do not use: anchors, aliases, deep nesting."""


# libyaml's parser where PyYAML was built with it (about ten times faster),
# under PyYAML's own composer, which can be told what to refuse.
if getattr(yaml, "__with_libyaml__", False):
    # cyaml imports it from libyaml's module; its stub does not re-export it.
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    # Any: the parsers' __init__ take different arguments (see ContentLoader).
    _PARSER: tuple[Any, ...] = (CParser,)
else:
    from yaml.parser import Parser
    from yaml.reader import Reader as YAMLReader
    from yaml.scanner import Scanner

    _PARSER = (YAMLReader, Scanner, Parser)


# mypy cannot follow bases chosen at import time.
class ContentLoader(Composer, *_PARSER, SafeConstructor, Resolver):  # type: ignore[misc]
    """yaml.SafeLoader's documents, without anchors, aliases or deep nesting.

    An alias repeats a value without its bytes: "billion laughs" files of a
    few hundred bytes stand for gigabytes. Both are refused as the document is
    composed, at their line and column, before any value is built.
    """

    def __init__(self, stream: str) -> None:
        _PARSER[0].__init__(self, stream)
        for base in _PARSER[1:]:
            base.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            # An alias always names its anchor.
            self.refuse(event, f"aliases (*{clip(event.anchor)}) are not allowed")  # type: ignore[arg-type]
        if event.anchor is not None:
            self.refuse(event, f"anchors (&{clip(event.anchor)}) are not allowed")
        if isinstance(event, SequenceStartEvent | MappingStartEvent):
            if self.depth >= MAX_DEPTH:
                self.refuse(event, f"lists and mappings nest over {MAX_DEPTH} deep")
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)

    def refuse(self, event: Event, problem: str) -> NoReturn:
        raise RefusedYAML(
            problem=f"{problem} in content files; write each value out in full",
            # libyaml's marks have the fields of PyYAML's.
            problem_mark=event.start_mark,  # type: ignore[arg-type]
        )

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as error:
            # PyYAML lets these through: a date such as 2024-13-45, or an
            # integer of thousands of digits.
            raise ConstructorError(
                problem=f"cannot read {quote(node.value)}: {clip(str(error))}",
                problem_mark=node.start_mark,
            ) from error


def problem(filename: str, error: yaml.MarkedYAMLError) -> Problem:
    """One bounded line for a YAML error from load(), at its line and column."""
    mark = error.problem_mark
    # load() always gives the place.
    where = f"line {mark.line + 1}, column {mark.column + 1}"  # type: ignore[union-attr]
    if isinstance(error, RefusedYAML):
        return Problem(filename, "", f"{where}: {error.problem}")
    parts = [error.context, error.problem]
    text = ": ".join(clip(str(part), 200) for part in parts if part)
    return Problem(filename, "", f"not valid YAML: {text} ({where})")


def load(text: str) -> Any:
    """The one document in `text`. Raises yaml.MarkedYAMLError (RefusedYAML
    included), always with the place of the problem."""
    try:
        return yaml.load(text, Loader=ContentLoader)
    except ReaderError as error:
        # The one error without a place (it has an offset, in bytes or in
        # characters by parser): the first such character is where it stopped.
        before = text[: text.index(chr(error.character))]
        lines = (before + "x").splitlines()
        # No buffer, so no pointer into it: as libyaml's marks.
        mark = Mark("", len(before), len(lines) - 1, len(lines[-1]) - 1, None, None)  # type: ignore[arg-type]
        raise yaml.MarkedYAMLError(
            problem=f"unacceptable character #x{error.character:04x}: {error.reason}",
            problem_mark=mark,
        ) from error
