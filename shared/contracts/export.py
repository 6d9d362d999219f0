"""Generates the JSON Schemas of all events and the AsyncAPI 3.0 document describing the topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from shared.contracts.envelope import Envelope, EventType
from shared.contracts.topics import TOPICS

HERE = Path(__file__).parent
SCHEMAS = HERE / "schemas"
ASYNCAPI = HERE / "asyncapi.yaml"


def event_schema(event: EventType) -> dict[str, Any]:
    """Schema of the whole envelope with ``type``, ``schemaversion`` and ``data`` fixed to this event."""
    schema = Envelope.model_json_schema()
    data = event.data_model.model_json_schema()
    defs = {**schema.pop("$defs", {}), **data.pop("$defs", {})}
    schema["properties"]["type"] = {"const": event.type}
    schema["properties"]["schemaversion"] = {"const": event.version}
    schema["properties"]["data"] = data
    schema["required"] = sorted(set(schema.get("required", [])) | {"type", "schemaversion", "data"})
    schema["title"] = f"{event.data_model.__name__} (CloudEvents 1.0 envelope)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:stadtstimme:event:{event.name}"
    if defs:
        schema["$defs"] = defs
    return schema


def asyncapi(consumers: dict[str, list[str]]) -> dict[str, Any]:
    """The AsyncAPI document; ``consumers``: topic name -> its consumer groups (``services.registry``)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        channel_id = topic.name.replace(".", "_")
        refs = {}
        for event in topic.events:
            msg_id = event.name.replace(".", "_")
            messages[msg_id] = {
                "name": event.name,
                "contentType": "application/cloudevents+json",
                "payload": {"$ref": f"./schemas/{event.name}.json"},
            }
            refs[msg_id] = {"$ref": f"#/components/messages/{msg_id}"}
        channels[channel_id] = {
            "address": topic.name,
            "description": topic.description,
            "messages": refs,
            "bindings": {
                "kafka": {
                    "topic": topic.name,
                    "topicConfiguration": {
                        "retention.ms": topic.retention_ms,
                        "cleanup.policy": [topic.cleanup_policy],
                    },
                }
            },
            "x-partition-key": topic.key,
            "x-partitions-landwide": topic.landwide_partitions,
            "x-producers": list(topic.producers),
            "x-consumer-groups": consumers[topic.name],
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Produced by {', '.join(topic.producers)}",
        }
        operations[f"consume_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Consumed by {', '.join(consumers[topic.name])}",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Stadtstimme events",
            "version": "1",
            "description": "Topics and event contracts of Stadtstimme. Generated: `stadtstimme contracts export`.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered(consumers: dict[str, list[str]]) -> dict[Path, str]:
    files = {
        SCHEMAS / f"{e.name}.json": json.dumps(event_schema(e), indent=2, ensure_ascii=False) + "\n"
        for t in TOPICS
        for e in t.events
    }
    files[ASYNCAPI] = yaml.safe_dump(asyncapi(consumers), sort_keys=False, allow_unicode=True)
    return files


def write_all(consumers: dict[str, list[str]], check: bool = False) -> list[str]:
    """Write (or, with ``check``, only compare) the generated files; returns those that differ."""
    changed = []
    for path, content in rendered(consumers).items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            changed.append(str(path.relative_to(HERE.parent.parent)))
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    return changed
