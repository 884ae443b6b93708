"""MedQuAD (Ben Abacha and Demner-Fushman 2019, CC BY 4.0): NIH answers typed by question.

One XML file per topic: `<Document id source url>` > `<Focus>`, `<FocusAnnotations>` (UMLS
`<CUIs><CUI>`, `<SemanticTypes>`, `<Synonyms><Synonym>`) and `<QAPairs>` > `<QAPair>` >
`<Question qid qtype>` + `<Answer>`. The subsets staged are GARD, GHR, NIDDK, NINDS, NHLBI and
CDC, written about 2017: the date shown is that year.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from medcodes.sources.knowledge.model import Document, Passage, Problem
from medcodes.sources.knowledge.publishers import MEDQUAD
from medcodes.sources.knowledge.text import render

AS_OF = "2017"


class AnswerFileMalformed(Exception):
    """A MedQuAD file that is not a readable `<Document>`."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line = line
        self.why = why


def parse_medquad_file(path: Path, relative: str, subset: str) -> Document:
    """One MedQuAD XML document; raises AnswerFileMalformed with the line of the problem."""
    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError as exc:
        raise AnswerFileMalformed(exc.lineno or 1, f"broken XML ({exc.msg})") from exc
    if root.tag != "Document" or not root.get("id"):
        raise AnswerFileMalformed(root.sourceline or 1, "root is not <Document id=...>")
    focus = " ".join((root.findtext("Focus") or "").split())
    if not focus:
        raise AnswerFileMalformed(root.sourceline or 1, "<Document> has no <Focus>")
    passages = []
    for pair in root.iterfind("QAPairs/QAPair"):
        question = pair.find("Question")
        answer = _answer_text(pair.findtext("Answer") or "")
        if question is None or not answer:
            continue
        passages.append(
            Passage(
                heading=" ".join((question.text or "").split()),
                text=answer,
                line=question.sourceline or 1,
                qtype=question.get("qtype", ""),
            )
        )
    return Document(
        source=MEDQUAD,
        key=f"{root.get('source') or subset}-{root.get('id')}",
        title=focus,
        url=root.get("url", ""),
        date=AS_OF,
        file=relative,
        passages=tuple(passages),
        collection=root.get("source") or subset,
        also_called=_texts(root, "Synonym"),
        cuis=_texts(root, "CUI"),
    )


def _texts(root: etree._Element, tag: str) -> tuple[str, ...]:
    return tuple(" ".join(e.text.split()) for e in root.iter(tag) if e.text and e.text.strip())


def _answer_text(answer: str) -> str:
    """Paragraphs of an answer (blank-line separated, indented in the file) kept apart; lines
    starting with "- " stay list items."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in answer.splitlines():
        text = " ".join(line.split())
        if not text:
            if current:
                paragraphs.append(" ".join(current))
                current = []
        elif text.startswith("- "):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append(text)
        else:
            current.append(text)
    if current:
        paragraphs.append(" ".join(current))
    return render(paragraphs)


def read_medquad_folder(folder: Path, root: Path, problems: list[Problem]) -> list[Document]:
    """Every document of one subset folder (`2_GARD_QA`); malformed files are reported."""
    subset = folder.name.split("_", 1)[-1].removesuffix("_QA_XML").removesuffix("_QA")
    documents = []
    for path in sorted(folder.glob("*.xml")):
        relative = str(path.relative_to(root))
        try:
            documents.append(parse_medquad_file(path, relative, subset))
        except AnswerFileMalformed as exc:
            problems.append(Problem(relative, exc.line, exc.why))
        except OSError as exc:
            problems.append(Problem(relative, 1, f"not readable ({exc})"))
    return documents
