"""Typed values out of a parsed content file, with every problem recorded at
its place in the file (`steps.items[0].title`)."""

import datetime
import decimal
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .. import shape
from .problems import MAX_PROBLEMS, Problem
from .safe_yaml import clip, quote

# Where a career's field is in a file, when not at the top under its name:
# good_career_summary is good_career.summary.
FILE_PATHS = shape.FILE_PATHS


def place(path: str, key: str) -> str:
    """Where `key` is in a file: `steps.items[0].title`, or `title` at the top."""
    return f"{path}.{key}" if path else key


class Reader:
    """Reads typed values out of parsed YAML, recording problems by field path."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.problem_paths: set[str] = set()
        self.unlisted = 0

    def problem(self, path: str, message: str) -> None:
        self.problem_paths.add(path)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.filename, path, message))
        else:
            self.unlisted += 1

    def all_problems(self) -> list[Problem]:
        more = [Problem(self.filename, "", f"and {self.unlisted} more problem(s)")]
        return self.problems + (more if self.unlisted else [])

    def mapping(
        self,
        data: Any,
        key: str,
        path: str,
        *,
        allowed: Sequence[str],
        required: bool = True,
    ) -> dict[str, Any]:
        value = data.get(key) if isinstance(data, dict) else None
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return {}
        if not isinstance(value, dict):
            self.problem(
                where, f"must be a mapping of keys to values, not {quote(value)}"
            )
            return {}
        self.check_keys(value, where, allowed)
        return value

    def check_keys(
        self, data: dict[Any, Any], path: str, allowed: Sequence[str]
    ) -> None:
        for key in data:
            if key not in allowed:
                name = key if isinstance(key, str) else quote(key)
                name = clip(name)
                where = place(path, name)
                self.problem(
                    where, f"unknown field; expected one of {', '.join(allowed)}"
                )

    def items(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        *,
        allowed: Sequence[str],
        required: bool = True,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The list under `key`, yielding (path, mapping) for each entry."""
        value = data.get(key)
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return
        if not isinstance(value, list):
            self.problem(where, f"must be a list, not {quote(value)}")
            return
        for index, item in enumerate(value):
            item_path = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problem(
                    item_path, f"must be a mapping of keys to values, not {quote(item)}"
                )
                continue
            self.check_keys(item, item_path, allowed)
            yield item_path, item

    def text(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = True
    ) -> str:
        value = data.get(key)
        where = place(path, key)
        if value is None or value == "":
            if required:
                self.problem(where, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"must be text, not {quote(value)}")
            return ""
        return value.strip()

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            where = place(path, key)
            self.problem(where, f"must be true or false, not {quote(value)}")
            return False
        return value

    def integer(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = True
    ) -> int | None:
        value: object = data.get(key)
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"must be a whole number, not {quote(value)}")
            return None
        return value

    def number(
        self, data: dict[str, Any], key: str, path: str, *, required: bool = True
    ) -> decimal.Decimal | None:
        """A number with a fraction or without: 8.5, -3, 12."""
        value: object = data.get(key)
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"must be a number, not {quote(value)}")
            return None
        return decimal.Decimal(str(value))

    def strings(self, data: dict[str, Any], key: str, path: str) -> list[str]:
        """An optional list of short texts."""
        value = data.get(key)
        where = place(path, key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, f"must be a list, not {quote(value)}")
            return []
        texts = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{where}[{index}]", f"must be text, not {quote(item)}")
                continue
            texts.append(item.strip())
        return texts

    def code(self, data: dict[str, Any], key: str, path: str) -> str:
        """A code, in quotes: YAML reads 0110 unquoted as the number 72."""
        value = data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            message = f'must be text in quotes, such as "{value}"'
            self.problem(place(path, key), message)
            return ""
        return self.text(data, key, path, required=False)

    def date(self, data: dict[str, Any], key: str, path: str) -> datetime.date | None:
        value = data.get(key)
        if value is None or (
            isinstance(value, datetime.date)
            and not isinstance(value, datetime.datetime)
        ):
            return value
        where = place(path, key)
        self.problem(where, f"must be a date written as YYYY-MM-DD, not {quote(value)}")
        return None

    def moment(
        self, data: dict[str, Any], key: str, path: str
    ) -> datetime.datetime | None:
        """A date and time; without an offset it is read as UTC."""
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            where = place(path, key)
            self.problem(
                where,
                "must be a date and time written as YYYY-MM-DD HH:MM:SS+00:00, "
                f"not {quote(value)}",
            )
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC)

    def name(
        self, data: dict[str, Any], key: str, path: str, model: type[models.Model]
    ) -> str:
        """The name of a shared row (category, factor, skill), held to the
        limits of `model.name` as the database will hold it."""
        value = self.text(data, key, path)
        where = place(path, key)
        if value:
            try:
                # A shared row's name is a concrete field.
                value = model._meta.get_field("name").clean(value, None)  # type: ignore[union-attr]
            except ValidationError as error:
                for message in error.messages:
                    self.problem(where, message)
        return value

    def full_clean(
        self, instance: models.Model, path: str, exclude: Sequence[str]
    ) -> None:
        """Run the model's own validation, reporting errors under `path`, at
        the place in the file of each field.

        Fields already reported as missing or mistyped are not checked again.
        """
        exclude = [
            *exclude,
            *(
                f.name
                for f in instance._meta.fields
                if place(path, FILE_PATHS.get(f.name, f.name)) in self.problem_paths
            ),
        ]
        try:
            # Each check constraint has a twin in Python (a validator, the
            # choices or clean()) that gives the message; checking it in the
            # database too would cost a query per constraint per row, and the
            # database still enforces it when the import writes.
            instance.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            reported = set(self.problem_paths)
            for name, messages in error.message_dict.items():
                where = (
                    path
                    if name == "__all__"
                    else place(path, FILE_PATHS.get(name, name))
                )
                if where in reported:
                    continue  # clean() found the missing value missing too
                for message in messages:
                    self.problem(where, message)
