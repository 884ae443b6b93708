"""The facade's operator side: what `medcodes eval`, `explain generate|check` and
`similar embed` run. `Medcodes` inherits it; it uses the facade's catalog, explainer store
path and search, and writes only side stores (explainers, embeddings), never the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from medcodes.errors import MedcodesError

if TYPE_CHECKING:
    from medcodes.catalog.read import Catalog
    from medcodes.explain.generate import CheckResult, GenerateReport
    from medcodes.search.evaluate import Scores
    from medcodes.search.model import SearchResult


class Maintenance:
    """Evaluate search, write and check explainers, embed titles (mixed into `Medcodes`)."""

    path: Path
    _catalog: Catalog
    _store_path: Path
    search: Callable[..., SearchResult]

    def evaluate(self, query_set: Path) -> dict[str, Scores]:
        """hit@1, hit@10 and MRR of a query set (TSV: query, accepted codes, kind), per kind."""
        from medcodes.search.evaluate import evaluate, read_query_set

        queries = read_query_set(query_set)
        return evaluate(queries, lambda text: [h.code for h in self.search(text).hits])

    def write_explainers(
        self,
        codes: Sequence[str],
        *,
        endpoint: str,
        model: str,
        api_key: str | None = None,
        response_format: str = "json_schema",
        max_tokens: int = 900,
        attempts: int = 3,
        concurrency: int = 2,
        retry_rejected: bool = False,
        progress: Callable[[str, str], None] | None = None,
        total: Callable[[int], None] | None = None,
    ) -> GenerateReport:
        """Write, verify and store explainers (an OpenAI-compatible LLM at `endpoint`) for the
        sections the rules writer leaves empty, for `codes` (patterns; empty: every code).
        Resumable: codes already written for the same descriptor, prompt and model are skipped.
        `total` is told how many codes were chosen before the first is written."""
        from medcodes.explain.generate import generate
        from medcodes.explain.llm import PROMPT_VERSION, Backend, LLMWriter
        from medcodes.explain.select import select_codes
        from medcodes.explain.store import ExplainerStore

        backend = Backend(endpoint, model, api_key, response_format, max_tokens, attempts=attempts)
        writer = LLMWriter(backend)
        try:
            with ExplainerStore(self._store_path) as store:
                chosen = select_codes(self._catalog, list(codes))
                if total:
                    total(len(chosen))
                return generate(
                    self._catalog, store, writer, chosen, PROMPT_VERSION, concurrency,
                    retry_rejected, progress,
                )  # fmt: skip
        finally:
            writer.close()

    def check_explainers(self) -> list[CheckResult]:
        """Re-verify every stored explainer against this catalog; records each verdict."""
        from medcodes.explain.generate import check
        from medcodes.explain.store import ExplainerStore

        if not self._store_path.is_file():
            raise MedcodesError(
                f"no explainer store at {self._store_path}; run `medcodes explain generate`"
            )
        with ExplainerStore(self._store_path) as store:
            return check(self._catalog, store)

    @property
    def explainer_store(self) -> Path:
        """Where generated explainers are kept (it may not exist yet)."""
        return self._store_path

    def embed_similar(
        self, progress: Callable[[int, int], None] | None = None
    ) -> tuple[int, int, Path]:
        """Sentence-embed every billable code's title for "similar meaning" (optional packages,
        ~12 minutes once); returns (codes, newly embedded, folder)."""
        from medcodes.similar.embeddings import embed_catalog, embeddings_dir

        codes, new = embed_catalog(self.path, progress=progress)
        return codes, new, embeddings_dir(self.path)
