"""The LLM writer's protocol against a real HTTP server on 127.0.0.1 replaying recorded
OpenAI-compatible answers (the real model runs only in `make test-llm`)."""

from __future__ import annotations

import json

import pytest
from llm_replay import ReplayServer, completion, recorded

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.generate import remaining_sections
from medcodes.explain.llm import Backend, LLMError, LLMWriter, build_messages
from medcodes.explain.model import SECTIONS_BY_PROFILE

# The sections the recorded J9039 answer was asked for (the rules writer then also wrote
# procedure and setting, from the route and from payment fields; it no longer does).
RECORDED_J9039_SECTIONS = frozenset(
    {
        "purpose",
        "indications",
        "preparation",
        "duration",
        "personnel",
        "risks_common",
        "risks_rare",
        "benefits",
        "recovery",
        "alternatives",
        "experience_during",
        "experience_after",
    }
)


def writer(replay: ReplayServer, **options) -> LLMWriter:
    options.setdefault("response_format", "json_object")
    return LLMWriter(Backend(replay.endpoint, "replayed-model", **options))


def test_recorded_qwen_answer_parses_into_drafts(
    catalog: Catalog, explainer: Explainer, replay: ReplayServer
) -> None:
    card = explainer.card(catalog.get("J9039"))
    wanted = tuple(
        spec for spec in SECTIONS_BY_PROFILE["procedure"] if spec.key in RECORDED_J9039_SECTIONS
    )
    replay.queue((200, recorded("j9039_qwen2.5-coder-0.5b.json")))
    drafts = writer(replay).write(card, wanted)
    assert {d.key for d in drafts} <= {spec.key for spec in wanted}
    assert drafts and all(not d.is_empty() for d in drafts)
    (request,) = replay.requests
    assert request["model"] == "replayed-model" and request["temperature"] == 0
    assert request["response_format"]["type"] == "json_object"
    schema = request["response_format"]["schema"]
    assert set(schema["required"]) == {spec.key for spec in wanted}
    assert schema["properties"]["indications"]["type"] == "array"
    prompt = request["messages"][1]["content"]
    assert "Brand name" not in prompt or "Blincyto" in prompt
    assert (
        "Product (brand) name: Blincyto" in prompt
        and "Use ONLY the facts" in request["messages"][0]["content"]
    )


def test_json_schema_format_and_api_key(
    catalog: Catalog, explainer: Explainer, replay: ReplayServer
) -> None:
    card = explainer.card(catalog.get("LT", "HCPCS-MOD"))
    wanted = remaining_sections(explainer, card)
    replay.queue(
        (
            200,
            completion(
                {"signals": "", "when_appended": ["Procedures on the left side"], "examples": []}
            ),
        )
    )
    drafts = writer(replay, response_format="json_schema", api_key="sk-test").write(card, wanted)
    assert [(d.key, d.items) for d in drafts] == [
        ("when_appended", ("Procedures on the left side",))
    ]
    form = replay.requests[0]["response_format"]
    assert form["type"] == "json_schema" and form["json_schema"]["strict"] is True
    assert replay.headers_seen[0]["Authorization"] == "Bearer sk-test"


def test_retries_server_errors_and_malformed_answers(
    catalog: Catalog, explainer: Explainer, replay: ReplayServer
) -> None:
    card = explainer.card(catalog.get("LT", "HCPCS-MOD"))
    wanted = remaining_sections(explainer, card)
    good = completion({"signals": "", "when_appended": [], "examples": ["A left knee X-ray"]})
    replay.queue((503, {"error": "busy"}), (200, completion("not json {")), (200, good))
    drafts = writer(replay).write(card, wanted)
    assert [d.key for d in drafts] == ["examples"] and len(replay.requests) == 3


def test_gives_up_after_attempts_with_a_clear_error(
    catalog: Catalog, explainer: Explainer, replay: ReplayServer
) -> None:
    card = explainer.card(catalog.get("LT", "HCPCS-MOD"))
    replay.queue((200, completion({"examples": "missing the other key"})))
    with pytest.raises(LLMError, match="no usable answer for LT after 2 attempts"):
        writer(replay, attempts=2).write(card, remaining_sections(explainer, card))
    replay.queue((400, {"error": "response_format json_schema not supported"}))
    with pytest.raises(LLMError, match="HTTP 400.*--response-format"):
        writer(replay).write(card, remaining_sections(explainer, card))


def test_prompt_carries_every_fact(catalog: Catalog, explainer: Explainer) -> None:
    card = explainer.card(catalog.get("0DTJ4ZZ"))
    prompt = build_messages(card, remaining_sections(explainer, card))[1]["content"]
    for line in card.lines():
        assert line in prompt
    assert json.dumps(prompt)
