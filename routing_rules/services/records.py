"""Reading the routing data files (data/routing/) and checking one record of them."""

import datetime as dt
import json
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_slug
from django.utils import timezone

from routing_rules.validation import NOT_STRINGS, is_string_list


class DataError(Exception):
    """Bad routing data: names the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, message: str):
        self.file, self.record, self.field, self.message = file, record, field, message
        super().__init__(f"{file}: {record}: field '{field}': {message}")


class Record:
    """One table of a data file, with typed getters that raise DataError on bad values."""

    def __init__(self, file: str, label: str, raw: Any, allowed: set[str]):
        self.file = file
        if not isinstance(raw, dict):
            raise DataError(file, label, "-", "expected a table of fields")
        self.raw = raw
        code = raw.get("code")
        # The code identifies a record better than its position, when it has one.
        self.label = f"{label.split(' #')[0]} {code!r}" if isinstance(code, str) and code else label
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise DataError(
                file,
                self.label,
                unknown[0],
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )

    def error(self, field: str, message: str) -> DataError:
        return DataError(self.file, self.label, field, message)

    def code(self) -> str:
        value = self.text("code")
        try:
            validate_slug(value)
        except ValidationError as exc:
            raise self.error("code", f"{value!r} is not a slug (a-z, 0-9, '-')") from exc
        return value

    def text(self, field: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw.get(field)
        if value is None:
            if required:
                raise self.error(field, "is required")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(
                field, "must be a non-empty string" if required else "must be a string"
            )
        return value.strip()

    def flag(self, field: str, default: bool) -> bool:
        value = self.raw.get(field, default)
        if not isinstance(value, bool):
            raise self.error(field, "must be true or false")
        return value

    def number(self, field: str, *, default: float | None = None, minimum: float = 0) -> float:
        value = self.raw.get(field, default)
        if value is None:
            raise self.error(field, "is required")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.error(field, f"must be a number ≥ {minimum:g}")
        return value

    def strings(self, field: str) -> list[str]:
        value = self.raw.get(field, [])
        if not is_string_list(value):
            raise self.error(field, NOT_STRINGS)
        return [v.strip() for v in value]

    def items(self, field: str):
        """The list under `field` with its strings stripped; any other shape as it is, for
        routing_rules.validation to refuse with the admin's message."""
        value = self.raw.get(field, [])
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value]
        return value

    def validated(self, check: Callable[..., None], names: Mapping[str, str], **kwargs) -> None:
        """Run a routing_rules.validation check; its first error names this file's field
        (`names` maps model fields to the file's where they differ)."""
        try:
            check(**kwargs)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise self.error(names.get(field, field), messages[0]) from exc

    def choice(self, field: str, choices, *, default: str | None = None) -> str:
        value = self.raw.get(field, default)
        if value not in choices.values:
            raise self.error(field, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def email(self, field: str) -> str:
        value = self.text(field, required=False)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError as exc:
                raise self.error(field, f"{value!r} is not an email address") from exc
        return value

    def moment(self, field: str) -> dt.datetime | None:
        """A TOML date (midnight in settings.TIME_ZONE) or datetime; None when absent."""
        value = self.raw.get(field)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            if timezone.is_naive(value):
                return timezone.make_aware(value)
            return value
        if isinstance(value, dt.date):
            return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        raise self.error(field, "must be a TOML date (2027-03-10) or datetime")


def toml_table_read(path: Path, table: str) -> list:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise DataError(path.name, "-", "-", f"file not found in {path.parent}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(path.name, "-", "-", f"not valid TOML: {exc}") from exc
    records = data.get(table)
    if not isinstance(records, list):
        raise DataError(path.name, "-", table, f"expected [[{table}]] tables")
    return records


def geojson_features_read(path: Path) -> list:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(path.name, "-", "-", f"file not found in {path.parent}") from exc
    except json.JSONDecodeError as exc:
        raise DataError(path.name, "-", "-", f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataError(path.name, "-", "type", "expected a GeoJSON FeatureCollection")
    return data.get("features") or []
