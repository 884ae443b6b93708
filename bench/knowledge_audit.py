"""Draw links from documents to codes at random (seeded) for a precision audit by reading:
code, its title, document title, kind, evidence. Judging is a person's job; this prints.

    python bench/knowledge_audit.py --catalog var/medcodes.db [--seed 9] [--count 40]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=REPO / "var" / "medcodes.db")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--count", type=int, default=40)
    options = parser.parse_args()
    conn = sqlite3.connect(f"file:{options.catalog}?mode=ro", uri=True)
    (total,) = conn.execute("SELECT count(*) FROM knowledge_links").fetchone()
    picked = sorted(random.Random(options.seed).sample(range(1, total + 1), options.count))
    print(f"{options.count} of {total:,} links, seed {options.seed}")
    for number, rowid in enumerate(picked, start=1):
        code, title, document, source, kind, evidence = conn.execute(
            "SELECT c.code, c.long_title, d.title, d.source, l.kind, l.evidence "
            "FROM knowledge_links l JOIN codes c ON c.id = l.code_id "
            "JOIN knowledge_documents d ON d.id = l.document_id WHERE l.rowid = ?",
            (rowid,),
        ).fetchone()
        print(f"{number:>2}. {code} | {title} | {source}: {document} | {kind} | {evidence}")


if __name__ == "__main__":
    main()
