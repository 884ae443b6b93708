"""Batch generation and re-verification of explainers: resumable, bounded, cached.

Facts, verification and the store stay on the calling thread (SQLite connections are not
shared); only the writer's calls run on the worker threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

from medcodes.catalog.read import Catalog, Code
from medcodes.errors import MedcodesError, UnknownCode
from medcodes.explain.explainer import Explainer
from medcodes.explain.facts import FactsCard, descriptor_hash
from medcodes.explain.model import SECTIONS_BY_PROFILE, Draft, SectionSpec
from medcodes.explain.store import REJECTED, VERIFIED, ExplainerStore, StoredExplainer
from medcodes.explain.verify import NameIndex, Verifier
from medcodes.explain.writer import Writer

log = logging.getLogger(__name__)
Progress = Callable[[str, str], None]  # (code, outcome)


@dataclass(slots=True)
class GenerateReport:
    verified: int = 0
    rejected: int = 0
    cached: int = 0
    nothing_to_write: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return (
            self.verified + self.rejected + self.cached + self.nothing_to_write + len(self.failed)
        )


@dataclass(frozen=True, slots=True)
class _Job:
    card: FactsCard
    wanted: tuple[SectionSpec, ...]
    grounding: tuple[str, ...]  # passages of the documents linked to the code


def remaining_sections(explainer: Explainer, card: FactsCard) -> tuple[SectionSpec, ...]:
    """The sections neither the rules writer nor a quoted document fills: what a generated
    explainer is asked for."""
    specs = SECTIONS_BY_PROFILE[card.profile]
    written = {key for drafts in explainer.drafts(card).values() for key in drafts}
    return tuple(spec for spec in specs if spec.key not in written)


def generate(
    catalog: Catalog,
    store: ExplainerStore,
    writer: Writer,
    codes: Iterable[Code],
    prompt_version: str,
    concurrency: int = 2,
    retry_rejected: bool = False,
    progress: Progress | None = None,
) -> GenerateReport:
    """Write, verify and store explainers for `codes`, skipping those already in the store
    for the same descriptor, prompt version and model (so an interrupted run resumes)."""
    explainer = Explainer(catalog)
    verifier = Verifier(catalog, NameIndex.from_catalog(catalog))
    report = GenerateReport()
    note = progress or (lambda code, outcome: None)
    jobs = _jobs(explainer, store, writer.name, codes, prompt_version, retry_rejected, report, note)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        running: dict[Future[list[Draft]], _Job] = {}
        for job in jobs:
            running[pool.submit(writer.write, job.card, job.wanted, job.grounding)] = job
            if len(running) >= 2 * concurrency:
                _collect(
                    running,
                    wait(running, return_when=FIRST_COMPLETED).done,
                    store,
                    verifier,
                    writer.name,
                    prompt_version,
                    report,
                    note,
                )
        _collect(running, list(running), store, verifier, writer.name, prompt_version, report, note)
    return report


def _jobs(
    explainer: Explainer,
    store: ExplainerStore,
    model: str,
    codes: Iterable[Code],
    prompt_version: str,
    retry_rejected: bool,
    report: GenerateReport,
    note: Progress,
) -> Iterator[_Job]:
    for code in codes:
        digest = descriptor_hash(code)
        status = store.status(code.system, code.code, digest, prompt_version, model)
        if status == VERIFIED or (status == REJECTED and not retry_rejected):
            report.cached += 1
            note(code.code, "cached")
            continue
        card = explainer.card(code)
        wanted = remaining_sections(explainer, card)
        if not wanted:
            report.nothing_to_write += 1
            note(code.code, "nothing to write")
            continue
        yield _Job(card, wanted, explainer.grounding(card))


def _collect(
    running: dict[Future[list[Draft]], _Job],
    finished: Iterable[Future[list[Draft]]],
    store: ExplainerStore,
    verifier: Verifier,
    model: str,
    prompt_version: str,
    report: GenerateReport,
    note: Progress,
) -> None:
    for future in list(finished):
        job = running.pop(future)
        code = job.card.code
        try:
            drafts = future.result()
        except MedcodesError as exc:
            report.failed.append(f"{code.code}: {exc}")
            note(code.code, "failed")
            continue
        verdict = verifier.check(job.card, drafts, "\n".join(job.grounding))
        store.save(
            StoredExplainer(
                code.system,
                code.code,
                descriptor_hash(code),
                prompt_version,
                model,
                datetime.now(UTC).isoformat(timespec="seconds"),
                VERIFIED if verdict.ok else REJECTED,
                tuple(drafts),
                verdict.reasons,
            )
        )
        if verdict.ok:
            report.verified += 1
        else:
            report.rejected += 1
        note(code.code, "verified" if verdict.ok else "rejected")


@dataclass(frozen=True, slots=True)
class CheckResult:
    stored: StoredExplainer
    status: str  # verified, rejected, or stale (the catalog's descriptor changed / code gone)
    reasons: tuple[str, ...]


def check(catalog: Catalog, store: ExplainerStore) -> list[CheckResult]:
    """Re-verify every stored explainer against the current catalog and record the outcome."""
    explainer = Explainer(catalog)
    verifier = Verifier(catalog, NameIndex.from_catalog(catalog))
    results = []
    for stored in store.all():
        try:
            code = catalog.get(stored.code, stored.system)
        except UnknownCode:
            results.append(CheckResult(stored, "stale", ("code no longer in the catalog",)))
            continue
        if descriptor_hash(code) != stored.descriptor_hash:
            results.append(CheckResult(stored, "stale", ("descriptor changed since written",)))
            continue
        card = explainer.card(code)
        verdict = verifier.check(card, stored.drafts, "\n".join(explainer.grounding(card)))
        status = VERIFIED if verdict.ok else REJECTED
        store.set_status(stored, status, verdict.reasons)
        results.append(CheckResult(stored, status, verdict.reasons))
    return results
