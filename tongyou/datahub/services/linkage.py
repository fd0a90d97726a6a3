"""Probabilistic linkage of records that carry no ID number, with Splink on DuckDB.

The model is Fellegi-Sunter with m and u probabilities set by hand (documented in
docs/architecture.md): a district's yearly births are too few for EM training to be stable, and
fixed parameters make the thresholds reviewable. The same settings run on Splink's Spark backend
when a province outgrows one machine. Names compare in pinyin as well as characters, so a
homophone written with another character (王晓明 / 王小明) still scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from tongyou.privacy.names import pinyin_key

AUTO_LINK = 0.9999  # at or above: the record is the candidate child
REVIEW = 0.5  # from here to AUTO_LINK: a person decides; below: a new child


def _names(column: str) -> Any:
    pinyin = f"{column}_pinyin"
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.ExactMatchLevel(pinyin),
            cll.JaroWinklerLevel(pinyin, 0.88),
            cll.ElseLevel(),
        ],
    )


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=[
            _names("name").configure(
                m_probabilities=[0.85, 0.08, 0.05, 0.02], u_probabilities=[0.0005, 0.0005, 0.01, 0.989]
            ),
            _names("guardian").configure(
                m_probabilities=[0.80, 0.10, 0.08, 0.02], u_probabilities=[0.0005, 0.0005, 0.01, 0.989]
            ),
            cl.ExactMatch("sex").configure(m_probabilities=[0.98, 0.02], u_probabilities=[0.5, 0.5]),
            cl.CustomComparison(
                output_column_name="birth_date",
                comparison_levels=[
                    cll.NullLevel("birth_date"),
                    cll.ExactMatchLevel("birth_date"),
                    cll.LevenshteinLevel("birth_date", 1),
                    cll.ElseLevel(),
                ],
            ).configure(m_probabilities=[0.92, 0.06, 0.02], u_probabilities=[0.0003, 0.003, 0.9967]),
            cl.CustomComparison(
                output_column_name="community",
                comparison_levels=[
                    cll.NullLevel("community"),
                    cll.ExactMatchLevel("community"),
                    cll.ExactMatchLevel("street"),
                    cll.ElseLevel(),
                ],
            ).configure(m_probabilities=[0.75, 0.15, 0.10], u_probabilities=[0.01, 0.1, 0.89]),
        ],
        blocking_rules_to_generate_predictions=[block_on("birth_date"), block_on("name_pinyin", "sex")],
        probability_two_random_records_match=0.001,
        retain_matching_columns=False,
    )


def _table(rows: Iterable[Any]) -> Any:
    columns = [
        "unique_id",
        "name",
        "name_pinyin",
        "guardian",
        "guardian_pinyin",
        "sex",
        "birth_date",
        "community",
        "street",
    ]
    return pa.table({c: [r.get(c) for r in rows] for c in columns})


def _row(
    unique_id: Any, name: str, guardian: Any, sex: str, birth_date: dt.date, community: Any
) -> dict[str, Any]:
    return {
        "unique_id": unique_id,
        "name": name,
        "name_pinyin": pinyin_key(name),
        "guardian": guardian or None,
        "guardian_pinyin": pinyin_key(guardian) if guardian else None,
        "sex": sex,
        "birth_date": birth_date.isoformat() if birth_date else None,
        "community": community,
        "street": community[:9] if community else None,
    }


def best_matches(records: Any, candidates: Any) -> dict:
    """`records`: dicts with name, guardian, sex, birth_date, community (12-digit code).
    `candidates`: Child objects (with guardians prefetched). Returns {record index: (child, probability)}
    for the best candidate of each record scoring at least REVIEW."""
    if not records or not candidates:
        return {}
    incoming = [
        _row(i, r["name"], r.get("guardian"), r["sex"], r["birth_date"], r.get("community"))
        for i, r in enumerate(records)
    ]
    by_id = {}
    index = []
    for child in candidates:
        mother = next((g.name for g in child.guardians.all() if g.relationship == "52"), None)
        community = child.residence_region.community_code if child.residence_region_id else None
        index.append(_row(child.pk, child.name, mother, child.sex, child.birth_date, community))
        by_id[child.pk] = child
    db = DuckDBAPI()
    linker = Linker(
        [
            db.register(_table(incoming), dataset_display_name="incoming"),
            db.register(_table(index), dataset_display_name="index"),
        ],
        _settings(),
        log_level=40,
    )
    best: dict = {}
    for pair in linker.inference.predict(threshold_match_probability=REVIEW).as_record_list():
        if pair["source_dataset_l"] == "incoming":
            record, child_id = pair["unique_id_l"], pair["unique_id_r"]
        else:
            record, child_id = pair["unique_id_r"], pair["unique_id_l"]
        probability = float(pair["match_probability"])
        if probability > best.get(record, (None, 0.0))[1]:
            best[record] = (by_id[child_id], probability)
    return best
