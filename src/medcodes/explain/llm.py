"""The LLM writer: asks any OpenAI-compatible chat endpoint for the sections the rules writer
could not write, with the facts card in the prompt and a JSON schema on the answer.

Pydantic validates the model's answer (the one untrusted edge); everything it returns still
goes through the verifier before anyone sees it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from medcodes.errors import MedcodesError
from medcodes.explain.facts import FactsCard
from medcodes.explain.model import Draft, SectionSpec

log = logging.getLogger(__name__)

PROMPT_VERSION = "explain-v2"  # v2: linked documents' passages as grounding
RESPONSE_FORMATS = ("json_schema", "json_object")
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
SYSTEM_PROMPT = (
    "You write short plain-language explainers of US medical codes for patients. "
    "Use ONLY the facts and the passages given. Never name a drug, brand, route, dose unit, "
    "body part, side (left or right), number or code number that neither the facts nor the "
    "passages contain. If they do not support a section, answer it with an empty string or "
    "an empty list. Answer in JSON."
)
MAX_GROUNDING_CHARS = 6000


class LLMError(MedcodesError):
    """The endpoint failed or kept answering with something that is not the sections asked."""


@dataclass(frozen=True, slots=True)
class Backend:
    """Where and how to ask: one OpenAI-compatible endpoint (base URL ending before
    `/chat/completions`, e.g. `http://127.0.0.1:8080/v1`)."""

    endpoint: str
    model: str
    api_key: str | None = None
    response_format: str = "json_schema"  # llama-cpp-python's server needs "json_object"
    max_tokens: int = 900
    timeout: float = 120.0
    attempts: int = 3


def sections_model(wanted: Sequence[SectionSpec]) -> type[BaseModel]:
    """The pydantic model of the answer: one field per wanted section."""
    fields: dict[str, Any] = {
        spec.key: (
            list[str] if spec.is_list else str,
            Field(description=f"{spec.title}: {spec.guidance}"),
        )
        for spec in wanted
    }
    return create_model(  # type: ignore[call-overload,no-any-return]
        "ExplainerSections", __config__=ConfigDict(extra="ignore"), **fields
    )


def build_messages(
    card: FactsCard, wanted: Sequence[SectionSpec], grounding: Sequence[str] = ()
) -> list[dict[str, str]]:
    asked = "\n".join(
        f"- {spec.key} ({spec.title}): {spec.guidance}"
        + (" A JSON list of short items." if spec.is_list else " One or two sentences.")
        for spec in wanted
    )
    passages = _grounding_text(grounding)
    user = (
        f"Code {card.code.code} ({card.code.system}).\nFACTS (the only things you may state):\n"
        + "\n".join(f"- {line}" for line in card.lines())
        + (f"\n\nPASSAGES (public text about this code's topic; restate, add nothing):\n"
           f"{passages}" if passages else "")
        + f"\n\nWrite these sections as a JSON object with exactly these keys:\n{asked}"
    )  # fmt: skip
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _grounding_text(grounding: Sequence[str]) -> str:
    """The passages, whole, as many as fit MAX_GROUNDING_CHARS (small models read little)."""
    kept: list[str] = []
    size = 0
    for passage in grounding:
        if size + len(passage) > MAX_GROUNDING_CHARS:
            break
        kept.append(passage)
        size += len(passage)
    return "\n\n".join(kept)


def response_format(kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    if kind == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "explainer_sections", "schema": schema, "strict": True},
        }
    if kind == "json_object":
        return {"type": "json_object", "schema": schema}
    raise LLMError(f"unknown response format {kind!r}; use one of {', '.join(RESPONSE_FORMATS)}")


def drafts_from(answer: BaseModel, wanted: Sequence[SectionSpec]) -> list[Draft]:
    drafts = []
    for spec in wanted:
        value = getattr(answer, spec.key)
        if isinstance(value, list):
            draft = Draft(spec.key, items=tuple(str(v).strip() for v in value if str(v).strip()))
        else:
            draft = Draft(spec.key, text=str(value).strip())
        if not draft.is_empty():
            drafts.append(draft)
    return drafts


class LLMWriter:
    """A Writer backed by a chat endpoint; safe to call from several threads at once."""

    def __init__(self, backend: Backend, client: httpx.Client | None = None) -> None:
        self.backend = backend
        self.name = backend.model
        headers = {"Authorization": f"Bearer {backend.api_key}"} if backend.api_key else {}
        self.client = client or httpx.Client(
            base_url=backend.endpoint.rstrip("/"), headers=headers, timeout=backend.timeout
        )

    def close(self) -> None:
        self.client.close()

    def write(
        self, card: FactsCard, wanted: Sequence[SectionSpec], grounding: Sequence[str] = ()
    ) -> list[Draft]:
        if not wanted:
            return []
        model = sections_model(wanted)
        body = {
            "model": self.backend.model,
            "messages": build_messages(card, wanted, grounding),
            "temperature": 0,
            "max_tokens": self.backend.max_tokens,
            "response_format": response_format(
                self.backend.response_format, model.model_json_schema()
            ),
        }
        problem = ""
        for attempt in range(1, self.backend.attempts + 1):
            try:
                content = self._complete(body)
                return drafts_from(model.model_validate_json(content), wanted)
            except (httpx.TransportError, _Retryable, ValidationError) as exc:
                problem = _describe(exc)
                log.warning("code=%s attempt=%d error=%s", card.code.code, attempt, problem)
                time.sleep(min(2 ** (attempt - 1), 8) * 0.25)
        raise LLMError(
            f"{self.backend.endpoint}: no usable answer for {card.code.code} after "
            f"{self.backend.attempts} attempts ({problem})"
        )

    def _complete(self, body: dict[str, Any]) -> str:
        response = self.client.post("/chat/completions", json=body)
        if response.status_code in RETRYABLE_STATUS:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise LLMError(
                f"{self.backend.endpoint} answered HTTP {response.status_code}: "
                f"{response.text[:300]}; check --endpoint, --model and --response-format"
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _Retryable(f"not an OpenAI chat completion: {response.text[:200]}") from exc
        return str(content)


class _Retryable(Exception):
    """An answer worth asking again for (rate limit, server error, malformed body)."""


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"answer does not match the sections schema ({exc.error_count()} errors)"
    return str(exc) or type(exc).__name__
