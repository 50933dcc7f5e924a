"""The literals a regular expression cannot match without, and rules screened by them.

``required_literals(pattern)`` is a set of lower-case strings such that every match of the pattern
(in any case) contains at least one of them, or None when no such set of useful strings can be had.
The pattern is read with Python's own regex parser; a pattern in a construct polars' dialect reads
differently gets None rather than a wrong answer.

``FirstMatch`` runs an ordered list of rules in Python and skips, with a substring test, each rule
whose literals the text does not hold: most texts hold none, and the regex is the costly part.

``Screen`` does the same for polars rules over a whole column: one Aho-Corasick pass (polars'
``str.extract_many``, all rules' literals at once) gives the (row, rule) pairs that can match; the
rule's regex then runs on those pairs alone. polars' own automaton was chosen over pyahocorasick,
ahocorasick-rs and Hyperscan: no new dependency, no per-sentence Python call, no compile step to
cache, and on 34,000 sentences the pass costs 0.02 s of CPU against 0.86 s for the 134 theme rules
run one pass each (see the progress notes of issue 22).
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as C  # noqa: N812 (the stdlib's own parser constants)
from re import _parser as sre

import ahocorasick
import polars as pl

# Shorter literals let nearly every sentence through: no gain, and a big candidate list.
MIN_LITERAL = 3
# How many strings a finite part of a pattern may expand to ("improv(ed|ing|es)" is three).
MAX_EXPANSION = 64
# Constructs of polars' (Rust) dialect that Python would read as something else: POSIX and nested
# classes, class set operations, \< \> and \b{start} word boundaries, Unicode classes.
_FOREIGN = re.compile(r"\[\[|&&|~~|--(?=[^\]]*\])|\\[<>]|\\[bB]\{|\\[pPzZ]|\(\?[a-zA-Z-]*[xUR]")
# Characters a case-insensitive "i", "k" or "s" matches that lower-casing does not turn into that
# letter (Kelvin sign, long s, dotless i, dotted capital I): a text holding one is always a candidate.
FOLDS_TO_ASCII = ("\u212a", "\u017f", "\u0131", "\u0130")
_FOLDING = re.compile(f"[{''.join(FOLDS_TO_ASCII)}]")


def _to_python(pattern: str) -> str:
    """polars' ASCII word boundary back to the plain one Python reads (see textmatch.ascii_word_boundaries)."""
    return pattern.replace("(?-u:\\b)", "\\b").replace("(?-u:\\B)", "\\B")


def _cased_non_ascii(s: str) -> bool:
    return any(ord(ch) > 127 and ch.lower() != ch.upper() for ch in s)


def _product(left: set[str] | None, right: set[str] | None) -> set[str] | None:
    if left is None or right is None or len(left) * len(right) > MAX_EXPANSION:
        return None
    return {a + b for a in left for b in right}


def _score(lits: set[str] | None) -> tuple[int, int]:
    """Longer shortest literal first (fewer false candidates), then fewer literals."""
    if not lits:
        return (-1, 0)
    return (min(len(s) for s in lits), -len(lits))


def _best(*options: set[str] | None) -> set[str] | None:
    best = max(options, key=_score)
    return best if best and min(len(s) for s in best) >= 1 else None


def _class_chars(items) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < 26:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # a category, a negation, a wide range
            return None
    return chars


def _node(op, av) -> tuple[set[str] | None, set[str] | None]:
    """(exact, required) of one parsed item: every string it can match when that set is small, and a
    set of strings one of which each match contains (None: none known)."""
    if op is C.LITERAL:
        s = chr(av).lower()
        if _cased_non_ascii(s):
            return None, None
        return {s}, {s}
    if op is C.IN:
        chars = _class_chars(av)
        if chars is None or len(chars) > MAX_EXPANSION or any(_cased_non_ascii(c) for c in chars):
            return None, None
        folded = {c.lower() for c in chars}
        return folded, folded
    if op is C.AT:
        return {""}, None
    if op is C.SUBPATTERN:
        return _sequence(av[-1])
    if op is C.BRANCH:
        exacts, reqs = zip(*(_sequence(alt) for alt in av[1]))
        exact = None if any(e is None for e in exacts) else set().union(*exacts)
        if exact is not None and len(exact) > MAX_EXPANSION:
            exact = None
        req = None if any(r is None for r in reqs) else set().union(*reqs)
        return exact, req
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, body = av
        exact, req = _sequence(body)
        if lo == 0:
            # May be absent: it requires nothing; "s?" is still a small finite set.
            if hi == 1 and exact is not None:
                return exact | {""}, None
            return None, None
        if lo == hi and exact is not None:
            out: set[str] | None = {""}
            for _ in range(lo):
                out = _product(out, exact)
            return out, _best(out, req)
        return None, req
    if op in (C.ASSERT, C.ASSERT_NOT):
        return {""}, None
    if op is C.ATOMIC_GROUP:
        return _sequence(av)
    return None, None  # ANY, categories, back-references, conditionals


def _sequence(items) -> tuple[set[str] | None, set[str] | None]:
    """A run of items: finite parts are multiplied out into longer literals; the best required set wins."""
    exact: set[str] | None = {""}
    run: set[str] | None = {""}
    candidates: list[set[str] | None] = []
    for op, av in items:
        e, r = _node(op, av)
        candidates.append(r)
        exact = _product(exact, e) if exact is not None else None
        if e is None:
            candidates.append(run)
            run = {""}
            continue
        joined = _product(run, e)
        if joined is None:
            # Too many strings: keep what the run had and start again from this item.
            candidates.append(run)
            run = e
        else:
            run = joined
    candidates.append(run)
    candidates.append(exact)
    return exact, _best(*candidates)


@lru_cache(maxsize=8192)
def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of ``pattern`` contains; None when unknown.

    A pattern Python cannot parse, or one in a construct the two dialects read differently, or one
    whose best literals are shorter than MIN_LITERAL, gets None: its rule then runs on every row.
    """
    if _FOREIGN.search(pattern):
        return None
    try:
        parsed = sre.parse(_to_python(pattern))
    except (re.error, OverflowError, RecursionError, ValueError):
        return None
    _exact, req = _sequence(parsed)
    if not req or min(len(s) for s in req) < MIN_LITERAL:
        return None
    # A literal that contains another is implied by it.
    kept = sorted(req, key=len)
    minimal: list[str] = []
    for s in kept:
        if not any(m in s for m in minimal):
            minimal.append(s)
    if any(ch in "iks" for s in minimal for ch in s):
        minimal.extend(FOLDS_TO_ASCII)
    return tuple(sorted(minimal))


class FirstMatch:
    """The value of the first of several (pattern, value) rules whose pattern ``re.search``-es a text.

    A rule whose required literals the lower-cased text does not hold cannot match it and is passed
    over without running its regex (a rule without literals always runs, and every rule runs on a
    text holding a character of FOLDS_TO_ASCII, which lower-casing may drop: "İ" becomes "i̇").
    Which rules' literals a text holds is found in one Aho-Corasick pass over it, every literal of
    every rule at once: a substring test per literal cost more than the few regexes it saved.
    """

    def __init__(self, rules: list[tuple[str, str]]):
        self.rules = [(re.compile(p), required_literals(p), v) for p, v in rules]
        self._always = frozenset(i for i, (_, literals, _) in enumerate(self.rules) if literals is None)
        owners: dict[str, set[int]] = {}
        for i, (_, literals, _) in enumerate(self.rules):
            for lit in literals or ():
                owners.setdefault(lit, set()).add(i)
        self._automaton = ahocorasick.Automaton()
        for lit, ids in owners.items():
            self._automaton.add_word(lit, frozenset(ids))
        if owners:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        """The rules that may match ``text``, in order: those whose literals it holds, and the rest
        where it cannot be screened."""
        if not text.isascii() and _FOLDING.search(text):
            return list(range(len(self.rules)))
        found = set(self._always)
        if self._automaton.kind == ahocorasick.AHOCORASICK:
            for _end, ids in self._automaton.iter(text.lower()):
                found |= ids
        return sorted(found)

    def first(self, text: str) -> str | None:
        for i in self.candidates(text):
            pattern, _literals, value = self.rules[i]
            if pattern.search(text):
                return value
        return None


# Rows of a screened column are numbered as UInt32: a pair (group, row) fits one UInt64 as group * _ROWS + row.
_ROWS = 1 << 32


class Screen:
    """Which rows of a text column can match which groups of rules, from one Aho-Corasick pass.

    A group (one rule, or the rules a caller runs as one alternation) is a candidate for a row when
    the row holds one of the group's required literals, in any ASCII case (polars' ``extract_many``,
    every literal of every group in one pass). A group with a rule without literals is a candidate
    for every row, and a row holding a character of FOLDS_TO_ASCII for every group with an "i", "k"
    or "s" in its literals. A row that is not a candidate for a group cannot match any of its rules:
    the group's regexes need run on the candidate pairs alone, most rules matching a few per cent.
    """

    def __init__(self, groups: list[list[str]]):
        self.n_groups = len(groups)
        rows: list[tuple[str, int]] = []
        self.always: list[int] = []
        self.folding: list[int] = []
        for g, patterns in enumerate(groups):
            lits = [required_literals(p) for p in patterns]
            if any(lit is None for lit in lits):
                self.always.append(g)
                continue
            found = {s for group_lits in lits for s in group_lits}  # type: ignore[union-attr]
            if found & set(FOLDS_TO_ASCII):
                self.folding.append(g)
            rows += [(s, g) for s in sorted(found - set(FOLDS_TO_ASCII))]
        self.literals = sorted({lit for lit, _ in rows})
        self._index = {lit: i for i, lit in enumerate(self.literals)}
        self.literal_groups = pl.DataFrame([(self._index[lit], g) for lit, g in rows], schema={"_lit": pl.UInt32, "_group": pl.Int32}, orient="row")

    def pairs(self, text: pl.Series) -> pl.DataFrame:
        """(_row, _group) for every candidate pair, ``_row`` the row's index in ``text``; sorted by group."""
        rows = pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row")
        parts = []
        frame = text.rename("_text").to_frame()
        if self.literals:
            # Overlapping matches: a literal inside or across another one is found too.
            # A match is its literal in some ASCII case: lower-cased, it is the literal (whose other characters
            # have no case), and its number joins it to the groups (integers: cheaper than strings).
            found = frame.select(rows, pl.col("_text").str.extract_many(self.literals, ascii_case_insensitive=True, overlapping=True).alias("_lit"))
            found = found.explode("_lit").drop_nulls("_lit").with_columns(pl.col("_lit").str.to_lowercase().replace_strict(self._index, return_dtype=pl.UInt32))
            parts.append(found.unique().join(self.literal_groups, on="_lit").select("_row", "_group"))
        special = [(self.always, None), (self.folding, list(FOLDS_TO_ASCII))]
        for groups, chars in special:
            if not groups:
                continue
            which = frame.select(rows, (pl.col("_text").str.contains_any(chars) if chars else pl.lit(True)).alias("_in"))
            parts.append(which.filter("_in").select("_row").join(pl.DataFrame({"_group": groups}, schema={"_group": pl.Int32}), how="cross"))
        if not parts:
            return pl.DataFrame(schema={"_row": pl.UInt32, "_group": pl.Int32})
        # By group: a regex cache keyed by the pattern then compiles each pattern once. Each pair as one
        # integer (group, then row): unique and sorted on one column, not two (a quarter of the screen's time).
        pair = pl.col("_group").cast(pl.UInt64) * _ROWS + pl.col("_row").cast(pl.UInt64)
        pairs = pl.concat([p.select(pair.alias("_pair")) for p in parts]).select(pl.col("_pair").unique().sort())
        return pairs.select((pl.col("_pair") % _ROWS).cast(pl.UInt32).alias("_row"), (pl.col("_pair") // _ROWS).cast(pl.Int32).alias("_group"))

    def candidates(self, frame: pl.DataFrame, column: str, table: pl.DataFrame, *more: str) -> pl.DataFrame:
        """The candidate pairs of ``frame[column]``, each with the row's ``column`` (and ``more`` columns)
        and its group's row of ``table`` (keyed by ``_group``: the group's patterns as columns, to run
        every group's regexes in one expression)."""
        pairs = self.pairs(frame[column])
        return pl.concat([pairs, frame.select(column, *more)[pairs["_row"]]], how="horizontal").join(
            table, on="_group", how="left", maintain_order="left")


def scattered(height: int, rows: pl.Series, values: pl.Series | object, default: object, dtype: pl.DataType) -> pl.Series:
    """A column of ``height`` rows: ``values`` at ``rows``, ``default`` elsewhere (a result found on
    candidate rows put back in place)."""
    return pl.repeat(default, height, dtype=dtype, eager=True).scatter(rows, values)


@lru_cache(maxsize=64)
def screen_of(groups: tuple[tuple[str, ...], ...]) -> Screen:
    """The Screen of these groups of patterns, built once per set of rules."""
    return Screen([list(g) for g in groups])
