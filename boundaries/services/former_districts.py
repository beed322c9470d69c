"""Which former district (huyện, abolished 2025-07-01) each 2025 commune belongs to.

The old→new commune mapping comes from the `vietnamadminunits` package. A new commune
belongs to the former district of its namesake predecessor if it has one, otherwise to the
district of most of its predecessors, ties going to the lowest district code.
"""

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from vietnamadminunits.converter.converter_2025 import (
    DICT_PROVINCE_WARD_DIVIDED,
    DICT_PROVINCE_WARD_NO_DIVIDED,
)
from vietnamadminunits.database import main as vau_database

from boundaries.sql import VAU_LEGACY_WARDS_SQL, VAU_WARDS_SQL

# The package's own query() takes no parameters, so its dataset is opened here, read-only.
VAU_DATASET = Path(vau_database.MODULE_DIR) / "data" / "dataset.db"


@dataclass(frozen=True)
class FormerDistrict:
    code: str
    name: str
    full_name: str
    unit_type: str


@dataclass(frozen=True)
class Predecessor:
    district: FormerDistrict
    ward_short_key: str


def _check_code(province_code: str) -> None:
    if not (province_code.isdigit() and len(province_code) == 2):
        raise ValueError(f"province code must be two digits, got {province_code!r}")


def _dataset_query(sql: str, params: tuple) -> list[dict]:
    with closing(sqlite3.connect(f"{VAU_DATASET.as_uri()}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql, params)]


def _predecessors(province_code: str) -> dict[str, list[Predecessor]]:
    """Map each new commune code of a province to its predecessor communes."""
    _check_code(province_code)
    legacy = _dataset_query(VAU_LEGACY_WARDS_SQL, (province_code,))
    current = _dataset_query(VAU_WARDS_SQL, (province_code,))
    if not legacy or not current:
        return {}
    province_key = current[0]["provinceKey"]
    old_by_key = {
        f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}": Predecessor(
            district=FormerDistrict(
                code=row["districtCode"],
                name=row["districtShort"],
                # The package spells some types "Thị Xã"; official style is "Thị xã".
                full_name=f"{row['districtType'].capitalize()} {row['districtShort']}",
                unit_type=row["districtType"].lower(),
            ),
            ward_short_key=row["wardShortKey"],
        )
        for row in legacy
    }
    code_by_new_key = {row["wardKey"]: row["wardCode"] for row in current}
    result: dict[str, list[Predecessor]] = {code: [] for code in code_by_new_key.values()}
    for new_key, old_keys in DICT_PROVINCE_WARD_NO_DIVIDED.get(province_key, {}).items():
        result[code_by_new_key[new_key]].extend(old_by_key[k] for k in old_keys if k in old_by_key)
    for old_key, new_wards in DICT_PROVINCE_WARD_DIVIDED.get(province_key, {}).items():
        if old_key not in old_by_key:
            continue
        for ward in new_wards:
            result[code_by_new_key[ward["newWardKey"]]].append(old_by_key[old_key])
    return result


def former_district_assignments(*, province_code: str) -> dict[str, FormerDistrict]:
    """Commune code → former district for every 2025 commune of the province."""
    _check_code(province_code)
    current = _dataset_query(VAU_WARDS_SQL, (province_code,))
    short_key_by_code = {row["wardCode"]: row["wardShortKey"] for row in current}
    assignments: dict[str, FormerDistrict] = {}
    for code, predecessors in _predecessors(province_code).items():
        if not predecessors:
            continue
        namesakes = [
            p.district for p in predecessors if p.ward_short_key == short_key_by_code[code]
        ]
        if namesakes:
            assignments[code] = min(namesakes, key=lambda d: d.code)
            continue
        counts = Counter(p.district for p in predecessors)
        assignments[code] = min(counts, key=lambda d: (-counts[d], d.code))
    return assignments
