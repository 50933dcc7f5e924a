"""Every warehouse table, declared once: what the loader, the validation, the quality checks and the
tests read, as dbt's manifest is. Adding a table means one ``Table`` here, its ``CREATE TABLE`` in
its DDL file and, for data tables, its pandera model; tests/test_tables.py fails when they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.dim_article import DimArticle
from schemas.dim_date import DimDate
from schemas.dim_judgement_area import DimJudgementArea
from schemas.dim_local_authority import DimLocalAuthority
from schemas.dim_person import DimPerson
from schemas.dim_theme import DimTheme
from schemas.dim_visit_event import DimVisitEvent
from schemas.fct_finding import FctFinding
from schemas.fct_inspection import FctInspection
from schemas.fct_judgement import FctJudgement
from schemas.fct_person_mention import FctPersonMention
from schemas.fct_quote import FctQuote
from schemas.fct_visit import FctVisit
from schemas.fct_visit_event_finding import FctVisitEventFinding
from schemas.fct_visit_focus import FctVisitFocus
from schemas.fetch_log import FetchLog
from schemas.raw_file import RawFile
from schemas.raw_text import RawText
from schemas.stg_article import StgArticle
from schemas.stg_authority_mention import StgAuthorityMention
from schemas.stg_sentence import StgSentence
from schemas.stg_visit_candidate import StgVisitCandidate
from schemas.common import TableModel

Layer = Literal["raw", "staging", "marts", "operations"]
# How a run writes the table:
#   by_path      raw_file: a file's row replaced by its path
#   by_content   raw_text: a text inserted once per content hash
#   by_article   every row of an article replaced when the article is loaded again or retired
#   by_person    dim_person: a person inserted once per key
#   reference    replaced whole from the seeds by a run's first batch
#   rebuilt      rebuilt over the whole warehouse after the batches (warehouse/events.py)
#   appended     a run's records (rejected rows, the run itself)
#   quality      written by the quality flow
#   bookkeeping  the warehouse's own state (schema version, the last event build)
Load = Literal["by_path", "by_content", "by_article", "by_person", "reference", "rebuilt", "appended", "quality", "bookkeeping"]
# What an ingest counts and reports, per table, in its summary.
COUNTED_LOADS = ("by_path", "by_content", "by_article", "by_person", "reference", "rebuilt", "appended")


@dataclass(frozen=True)
class Table:
    name: str
    layer: Layer
    load: Load
    ddl: str                         # the file of warehouse/ddl that creates it
    key: tuple[str, ...]             # the columns each row is unique by (the model declares them unique)
    model: type[TableModel] | None   # every table a run validates has one; operations tables are written by code
    suites: tuple[str, ...] = ()     # warehouse/expectations/<suite>.json checking it
    is_row_count_checked: bool = False  # the quality flow fails a sharp drop of its rows

    @property
    def schema(self) -> str:
        """The DuckDB schema: raw and staging have their own; marts and operations live in main."""
        return self.layer if self.layer in ("raw", "staging") else "main"

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _t(name, layer, load, ddl, key, model=None, suites=(), checked=False) -> Table:
    return Table(name, layer, load, ddl, tuple(key), model, tuple(suites), checked)


TABLES: tuple[Table, ...] = (
    _t("raw_file", "raw", "by_path", "10_raw.sql", ["path"], RawFile, ["raw_file"], True),
    _t("raw_text", "raw", "by_content", "10_raw.sql", ["content_sha256"], RawText),
    _t("stg_article", "staging", "by_article", "20_staging.sql", ["article_key"], StgArticle),
    _t("stg_sentence", "staging", "by_article", "20_staging.sql", ["article_key", "sentence_no"], StgSentence),
    _t("stg_authority_mention", "staging", "by_article", "20_staging.sql", ["article_key", "char_start", "la_name"], StgAuthorityMention),
    _t("stg_visit_candidate", "staging", "by_article", "20_staging.sql", ["article_key", "la_name"], StgVisitCandidate),
    _t("dim_article", "marts", "by_article", "30_dimensions.sql", ["article_key"], DimArticle, ["dim_article", "dim_article_coverage"], True),
    _t("dim_local_authority", "marts", "reference", "30_dimensions.sql", ["la_key"], DimLocalAuthority, ["dim_local_authority"], True),
    _t("dim_person", "marts", "by_person", "30_dimensions.sql", ["person_key"], DimPerson, ["dim_person"], True),
    _t("dim_date", "marts", "reference", "30_dimensions.sql", ["date_key"], DimDate, ["dim_date"], True),
    _t("dim_theme", "marts", "reference", "30_dimensions.sql", ["theme_key"], DimTheme, ["dim_theme"], True),
    _t("fct_visit", "marts", "by_article", "40_facts.sql", ["visit_key"], FctVisit, ["fct_visit", "fct_visit_references"], True),
    _t("fct_visit_focus", "marts", "by_article", "40_facts.sql", ["visit_key", "focus_area"], FctVisitFocus,
       ["fct_visit_focus", "fct_visit_focus_references"], True),
    _t("fct_person_mention", "marts", "by_article", "40_facts.sql", ["person_mention_key"], FctPersonMention,
       ["fct_person_mention", "fct_person_mention_references"], True),
    _t("fct_quote", "marts", "by_article", "40_facts.sql", ["quote_key"], FctQuote, ["fct_quote", "fct_quote_references"], True),
    _t("fct_finding", "marts", "by_article", "40_facts.sql", ["finding_key"], FctFinding, ["fct_finding", "fct_finding_references"], True),
    _t("dim_judgement_area", "marts", "reference", "30_dimensions.sql", ["judgement_area_key"], DimJudgementArea, ["dim_judgement_area"], True),
    _t("fct_judgement", "marts", "by_article", "40_facts.sql", ["judgement_key"], FctJudgement,
       ["fct_judgement", "fct_judgement_references"], True),
    _t("fct_inspection", "marts", "reference", "40_facts.sql", ["inspection_key"], FctInspection, ["fct_inspection"], True),
    _t("dim_visit_event", "marts", "rebuilt", "45_visit_events.sql", ["visit_event_key"], DimVisitEvent,
       ["dim_visit_event", "dim_visit_event_coverage", "dim_visit_event_references"], True),
    _t("fct_visit_event_finding", "marts", "rebuilt", "45_visit_events.sql", ["visit_event_finding_key"], FctVisitEventFinding,
       ["fct_visit_event_finding"], True),
    _t("rejected_rows", "operations", "appended", "60_operations.sql", []),
    _t("etl_run", "operations", "appended", "60_operations.sql", ["run_id"]),
    _t("visit_event_build", "operations", "bookkeeping", "60_operations.sql", []),
    _t("dq_run", "operations", "quality", "60_operations.sql", ["dq_run_id"]),
    _t("dq_result", "operations", "quality", "60_operations.sql", []),
    _t("schema_version", "operations", "bookkeeping", "01_schema_version.sql", ["version"]),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
# Models of files that are not warehouse tables (the fetch log beside an inbox).
FILE_MODELS: dict[str, type[TableModel]] = {"fetch_log": FetchLog}


def tables(*loads: Load) -> list[Table]:
    """The tables a run writes in these ways, in declaration order."""
    return [t for t in TABLES if t.load in loads]


def qualified(name: str) -> str:
    return BY_NAME[name].qualified
