"""The published JSON Schema of a result record, generated from the data model.

The committed copy ``pipeline/schema/result.schema.json`` is what other tools
read; a test checks it is in step with the model. Regenerate it with
``denials schema --out pipeline/schema/result.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources

from .datamodel import SCHEMA_VERSION, Result

SCHEMA_ID = f"https://denials.local/schema/result-{SCHEMA_VERSION}.json"


def result_schema() -> dict:
    schema = Result.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Denial triage result",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def published_schema() -> dict:
    return json.loads(
        resources.files("pipeline").joinpath("schema/result.schema.json").read_text()
    )
