"""Issue 12, cases 3 and 4: extraction stays linear in an article's size.

No timing: the tests count work that a quadratic algorithm cannot avoid (rows a join produces,
Python lines run, characters handed from polars to Python) at two sizes, or against the input's size.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

import polars as pl

from transforms.authorities import find_mentions
from transforms.pipeline import run_all

PARAGRAPH = "“We are improving quickly,” said Dana Whitfield, director of children's services at Sutton."


def _paragraphs(n: int, first: int = 0) -> list[str]:
    # Numbered so that cleaning, which drops a line repeated word for word (page furniture), keeps them all.
    return [PARAGRAPH.replace("quickly", f"quickly in area {i}") for i in range(first, first + n)]


def _article(n: int) -> str:
    # Half the paragraphs in one block (one line each), half as blocks of their own.
    return "Council says it is improving\n\n" + "\n".join(_paragraphs(n)) + "\n\n" + "\n\n".join(_paragraphs(n, n)) + "\n"


@contextmanager
def _largest_join(monkeypatch):
    """Records the row count of every join's result."""
    sizes: list[int] = []
    for name in ("join", "join_asof"):
        real = getattr(pl.DataFrame, name)

        def spy(self, *args, _real=real, **kwargs):
            out = _real(self, *args, **kwargs)
            sizes.append(out.height)
            return out

        monkeypatch.setattr(pl.DataFrame, name, spy)
    yield sizes
    monkeypatch.undo()


def _python_lines(fn) -> int:
    """Python lines executed by ``fn()``: a work count that does not depend on the machine's speed."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame, event, arg):
        return local

    sys.settrace(global_)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _docs(text: str) -> pl.DataFrame:
    return pl.DataFrame({"article_key": ["00000000000000aa"], "text": [text]})


def test_case03_repeated_quotes_memory_linear(rules, monkeypatch):
    n = 300
    with _largest_join(monkeypatch) as small:
        run_all(_docs(_article(n // 2)), rules)
    with _largest_join(monkeypatch) as sizes:
        ex = run_all(_docs(_article(n)), rules)
    # Every quote is found and attributed; nothing is lost by going linear.
    assert ex.quotes.height == 2 * n
    assert set(ex.quotes["speaker_name"].to_list()) == {"Dana Whitfield"}
    assert ex.people["person_name"].to_list() == ["Dana Whitfield"]
    # 2n sentences, quotes and mentions: a join pairing them within the article makes 4n² rows. The
    # largest join may be a few rows per sentence (a rule screen's (sentence, rule group) pairs), but
    # twice the article must give at most about twice its rows, not four times.
    assert max(sizes) <= 3 * max(small), f"a join grew from {max(small):,} to {max(sizes):,} rows when the article doubled"
    assert max(sizes) <= 8 * n, f"a join produced {max(sizes):,} rows for an article of {2 * n} quotes"


def test_case03_attribution_work_grows_linearly(rules):
    run_all(_docs(_article(10)), rules)  # compiled patterns and caches out of the count
    small = _python_lines(lambda: run_all(_docs(_article(150)), rules))
    large = _python_lines(lambda: run_all(_docs(_article(600)), rules))
    # Four times the quotes: linear work is about four times as much, quadratic sixteen.
    assert large / small < 6, f"{small:,} lines for 300 quotes, {large:,} for 1,200"


def test_case04_long_line_mentions_linear(rules, monkeypatch):
    names = ["Sutton", "Kent", "Leeds", "Bexley"]
    n = 2000
    line = "; ".join(f"inspectors returned to {names[i % 4]} council in week {i}" for i in range(n))
    sentences = pl.DataFrame({"article_key": ["00000000000000aa"], "sentence_no": [0], "start": [0], "end": [len(line)],
                              "text": [line], "block_kind": ["body"]})
    handed = 0
    real = pl.DataFrame.iter_rows

    def counting_iter_rows(self, *args, **kwargs):
        nonlocal handed
        for row in real(self, *args, **kwargs):
            handed += sum(len(v) for v in (row.values() if isinstance(row, dict) else row) if isinstance(v, str))
            yield row

    monkeypatch.setattr(pl.DataFrame, "iter_rows", counting_iter_rows)
    mentions = find_mentions(sentences, rules)
    monkeypatch.undo()
    assert mentions.height == n and mentions["is_valid"].all()
    # Offsets are right to the last name, past many multi-byte characters? The line is ASCII, so check
    # the surfaces against the text itself.
    assert all(line[s:e] == surface for s, e, surface in mentions.select("start", "end", "surface").iter_rows())
    # The line crosses into Python once, not once per name (n times its length: quadratic).
    assert handed <= 2 * len(line) + 100 * n, f"{handed:,} characters handed to Python for a {len(line):,}-character line"


def test_mention_offsets_after_multibyte_characters(rules):
    line = "“Ofsted’s” inspectors – who visited Sutton – praised Kent; Leeds’ and Bexley’s too, said the report"
    sentences = pl.DataFrame({"article_key": ["00000000000000aa"], "sentence_no": [0], "start": [10], "end": [10 + len(line)],
                              "text": [line], "block_kind": ["body"]})
    mentions = find_mentions(sentences, rules)
    got = {(r["surface"], line[r["start"] - 10 : r["end"] - 10]) for r in mentions.iter_rows(named=True)}
    assert {s for s, _ in got} >= {"Sutton", "Kent", "Leeds", "Bexley"}
    assert all(surface == span for surface, span in got)


def test_case03_caps_reject_with_every_count_over_its_limit():
    from transforms.limits import WorkLimits, reject_over_limits

    dump = "A council says it is improving\n\n" + (PARAGRAPH + "\n") * 30
    decoded = pl.DataFrame({"text": [dump, "Short. Piece.", None], "reject_reason": [None, None, "empty file (0 bytes)"]})
    out = reject_over_limits(decoded, WorkLimits(max_sentences=30, max_quotes=20, max_mentions=1_000))
    assert out["reject_reason"].to_list() == [
        "too much to extract from one article: 33 sentence breaks, above the limit of 30 (max_sentences_per_article); "
        "30 quotation marks, above the limit of 20 (max_quotes_per_article)",
        None,
        "empty file (0 bytes)",
    ]
