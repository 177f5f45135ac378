"""The documents the code cites are in the repo: every `docs/…md#anchor` exists, no outside guide is cited."""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCES = ("badges", "tests", "tools", "bench")
CITATION = re.compile(r"docs/([\w-]+\.md)#([\w-]+)")
ANCHOR = re.compile(r'<a id="([\w-]+)"></a>')
# How the outside guides were cited: by name, or by their Part A/B/C section numbers alone. Bare B1 and A1-A2
# are pathway names in the reporting tests, so only the forms the guides used are matched.
GUIDE = re.compile(
    r"\b(?:standards|domain) (?:guide|README)\b|\bstandards [ABC]\d"
    r"|[(,;] ?(?:[ABC]\d+\.\d+|Part [ABC])\b|\((?:B[23]|C[1-7])[):]|\b[ABC]\d+(?:\.\d+)? step \d"
)


def _python_files() -> list[Path]:
    return sorted(p for folder in SOURCES if (ROOT / folder).is_dir() for p in (ROOT / folder).rglob("*.py"))


def _comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """The text a reader takes for documentation: comments and docstrings, with their line numbers."""
    source = path.read_text(encoding="utf-8")
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.append((first.lineno, first.value.value))
    return found


def _template_comments(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in re.finditer(r"\{#(.*?)#\}", text, re.S)]


def _documentation() -> list[tuple[str, int, str]]:
    """Comments, docstrings, template comments and Markdown files of the repository."""
    texts = [
        (str(p.relative_to(ROOT)), n, t) for p in _python_files() for n, t in _comments_and_docstrings(p)
    ]
    templates = sorted((ROOT / "badges" / "templates").rglob("*.html"))
    texts += [(str(p.relative_to(ROOT)), n, t) for p in templates for n, t in _template_comments(p)]
    markdown = [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted((ROOT / "badges").rglob("*.md"))]
    texts += [(str(p.relative_to(ROOT)), 1, p.read_text(encoding="utf-8")) for p in markdown]
    return texts


def _anchors(doc: str) -> set[str]:
    path = DOCS / doc
    return set(ANCHOR.findall(path.read_text(encoding="utf-8"))) if path.is_file() else set()


def test_every_cited_anchor_exists() -> None:
    citations = [
        (where, line, m.group(1), m.group(2))
        for where, line, text in _documentation()
        for m in CITATION.finditer(text)
    ]
    assert len(citations) > 50, "the code cites docs/standards.md and docs/domain.md throughout"
    missing = [
        f"{where}:{line}: docs/{doc}#{anchor}"
        for where, line, doc, anchor in citations
        if anchor not in _anchors(doc)
    ]
    assert not missing, "cited anchors that do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize("doc", ["standards.md", "domain.md"])
def test_links_between_and_within_the_docs_resolve(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    links = re.findall(r"\]\(([\w-]+\.md)?#([\w-]+)\)", text)
    assert links
    missing = [
        f"{target or doc}#{anchor}" for target, anchor in links if anchor not in _anchors(target or doc)
    ]
    assert not missing, f"{doc}: broken links {missing}"


def test_anchors_are_unique_and_prefixed() -> None:
    for doc, prefix in (("standards.md", "S-"), ("domain.md", "D-")):
        ids = ANCHOR.findall((DOCS / doc).read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), f"{doc}: duplicate anchors"
        assert all(i.startswith(prefix) for i in ids), f"{doc}: anchors start with {prefix}"


def test_no_comment_cites_a_guide_outside_the_repository() -> None:
    cited = [
        f"{where}:{line}: {m.group(0)!r}"
        for where, line, text in _documentation()
        for m in GUIDE.finditer(text)
    ]
    assert not cited, "cite docs/standards.md or docs/domain.md instead:\n" + "\n".join(cited)
