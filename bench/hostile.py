"""Hostile search input, generated from a seed: what the fuzz bench and test send.

Each query is (kind, text). Kinds: unicode of every general category (lone surrogates,
unassigned and private-use code points included), control and invisible characters, 10 kB
strings, the query syntax of tantivy, SQLite FTS5 and Lucene, code-like shapes (the one
character `0` that every ICD-10-PCS code starts with, partial and over-long codes, ranges,
lists, wildcards), repeated words, many words, and real words bent (typos, prefixes, noise).
The same seed gives the same queries on every machine.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from array import array
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "search" / "dev_queries.tsv"
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
INVISIBLE = list(
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2066"
    "\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb\ufffc\ufffd\u00ad\u034f\u180e"
)
SYNTAX = [
    # tantivy's query parser
    "title:diabetes", "+diabetes -type", '"type 2 diabetes"~3', "diab*", "diabetes^10",
    "[a TO z]", "{0 TO 9}", "code:[A0000 TO Z9999]", "(a OR (b AND (c OR d)))", "NOT a",
    "IN [a b c]", "title:/.*/", "/[a-z]+/", "*", "?", "a AND", "OR", "AND AND AND", "(", ")",
    "((((((((((", "))))))))))", '"', '""', '"unterminated', "field:", ":", "::", "a:b:c",
    # SQLite FTS5
    "NEAR(a b, 5)", "NEAR(", "^diabetes", "title : diabetes", "{title code} : e11",
    "diabetes*", "- diabetes", '"a" + "b"', "a NOT b", "* OR *", "col:*",
    # Lucene / Elasticsearch
    "diabetes~2", "diabetes~", "diabetes~0.8", 'title:"heart attack"~5', "te?t", "te*t",
    "\\*", "\\", "\\\\\\", "_exists_:title", "title:(a OR b)", "+(a b) -(c d)", "a^-1",
    "a^999999999999", "a~999999999", "[* TO *]", "!a", "a && b || c", "/a{1,100000}/",
    # SQL, shells, templates, markup
    "' OR 1=1 --", "'; DROP TABLE codes; --", "%", "%%", "_", "$(rm -rf /)", "`id`",
    "{{7*7}}", "${jndi:ldap://x}", "<script>alert(1)</script>", "&amp;", "%00", "%2e%2e%2f",
    "../../../../etc/passwd", "null", "None", "undefined", "NaN", "-1", "1e999", "0x0",
]  # fmt: skip
CODE_SHAPES = [
    "0", "0*", "00", "000", "0000000", "0D", "0DT", "0DTJ", "0DTJ4ZZ", "0DTJ4ZZZ", "0dtj4zz",
    "E", "E1", "E11", "E11.", "E11.9", "E11.99999999", "E11-E13", "E11.9, I10", "E11.9;I10",
    "e119", " e 1 1 . 9 ", "E.11.9", "E..11", "J", "J9", "J903", "J9039", "J90399", "A0100",
    "Z", "ZZZZZZZ", "9", "99999999999", "12345-6789-01", "0002-1433-80", "I10*", "I1?",
    "ICD10CM:E11.9", "HCPCS/J9039", "A", "AA", "A0", "-", ".", "..", "*", "**", "0 0 0 0",
]  # fmt: skip
FILLER = ["the", "of", "and", "a", "with", "without", "other", "unspecified", "left", "right"]


def dev_words() -> list[str]:
    lines = DEV_SET.read_text("utf-8").splitlines()[1:]
    queries = [line.split("\t")[0] for line in lines if line and not line.startswith("#")]
    return sorted({word for query in queries for word in query.split() if word.isalpha()})


@cache
def code_points_by_category() -> dict[str, array[int]]:
    """Every code point of each Unicode general category (Cn: unassigned; Cs: surrogates).

    Arrays, not lists: 1.1 million int objects in lists would be walked by every full
    collection of the garbage collector during bench/fuzz.py, and counted as the engine's."""
    table: dict[str, array[int]] = {}
    for point in range(sys.maxunicode + 1):
        table.setdefault(unicodedata.category(chr(point)), array("I")).append(point)
    return table


class Hostile:
    """A seeded generator of hostile queries; `queries(n)` yields (kind, text)."""

    def __init__(self, seed: int = 13) -> None:
        self.random = random.Random(seed)
        self.words = dev_words()
        self.categories = code_points_by_category()
        self.kinds: dict[str, Callable[[], str]] = {
            "unicode": self.unicode,
            "control": self.control,
            "10 kB": self.huge,
            "syntax": self.syntax,
            "code-like": self.code_like,
            "repeated words": self.repeated,
            "many words": self.many_words,
            "bent words": self.bent,
        }

    def queries(self, count: int) -> Iterator[tuple[str, str]]:
        kinds = list(self.kinds.items())
        for number in range(count):
            kind, make = kinds[number % len(kinds)]
            yield kind, make()

    def pick(self, items: list[str]) -> str:
        return items[self.random.randrange(len(items))]

    def word(self) -> str:
        return self.pick(self.words)

    def unicode(self) -> str:
        """Characters of one or several general categories, sometimes among real words."""
        names = list(self.categories)
        chosen = self.random.sample(names, self.random.randint(1, 4))
        text = "".join(
            chr(self.random.choice(self.categories[self.random.choice(chosen)]))
            for _ in range(self.random.randint(1, 40))
        )
        return self.random.choice([text, f"{self.word()} {text}", f"{text}{self.word()}"])

    def control(self) -> str:
        noise = CONTROLS + INVISIBLE
        parts = [self.word() for _ in range(self.random.randint(1, 4))]
        return "".join(
            part + "".join(self.pick(noise) for _ in range(self.random.randint(0, 3)))
            for part in parts
        )

    def huge(self) -> str:
        """About 10,000 characters: one token, words, or syntax repeated."""
        unit = self.random.choice(
            [
                "a",
                self.word(),
                self.word() + " ",
                self.pick(SYNTAX) + " ",
                self.pick(CODE_SHAPES) + " ",
                chr(self.random.choice(self.categories["Lo"])),
            ]
        )
        return (unit * (10_000 // len(unit) + 1))[:10_000]

    def syntax(self) -> str:
        parts = [self.pick(SYNTAX) for _ in range(self.random.randint(1, 3))]
        if self.random.random() < 0.5:
            parts.insert(self.random.randrange(len(parts) + 1), self.word())
        return " ".join(parts)

    def code_like(self) -> str:
        shape = self.pick(CODE_SHAPES)
        if self.random.random() < 0.4:
            alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ.-*"
            shape = "".join(self.random.choice(alphabet) for _ in range(self.random.randint(1, 9)))
        return self.random.choice([shape, shape.lower(), f"{shape} {self.word()}", f" {shape} "])

    def repeated(self) -> str:
        word = self.random.choice([self.word(), self.pick(FILLER), "0", "e11", "a"])
        return " ".join([word] * self.random.randint(2, 400))

    def many_words(self) -> str:
        """Up to 200 different words: every term adds work unless the engine caps it."""
        return " ".join(self.word() for _ in range(self.random.randint(5, 200)))

    def bent(self) -> str:
        """Real words with typos, cut short (prefixes to expand), or glued to punctuation."""
        out = []
        for _ in range(self.random.randint(1, 6)):
            word = self.word()
            how = self.random.randrange(4)
            if how == 0 and len(word) > 3:
                at = self.random.randrange(len(word))
                word = word[:at] + self.random.choice("aeioqxz") + word[at + 1 :]
            elif how == 1:
                word = word[: self.random.randint(1, max(1, len(word) - 1))]
            elif how == 2:
                word = word + self.random.choice("~*^?!.,;:-/\\'\"")
            out.append(word)
        return " ".join(out)
