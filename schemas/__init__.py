"""pandera models (polars backend), one per warehouse table, named after the table."""

from schemas.dim_article import DimArticle
from schemas.dim_date import DimDate
from schemas.dim_local_authority import DimLocalAuthority
from schemas.dim_person import DimPerson
from schemas.dim_theme import DimTheme
from schemas.dim_visit_event import DimVisitEvent
from schemas.fct_finding import FctFinding
from schemas.fct_inspection import FctInspection
from schemas.fct_person_mention import FctPersonMention
from schemas.fct_quote import FctQuote
from schemas.fct_visit import FctVisit
from schemas.fct_visit_event_finding import FctVisitEventFinding
from schemas.fct_visit_focus import FctVisitFocus
from schemas.raw_file import RawFile
from schemas.raw_text import RawText
from schemas.stg_article import StgArticle
from schemas.stg_authority_mention import StgAuthorityMention
from schemas.stg_sentence import StgSentence
from schemas.stg_visit_candidate import StgVisitCandidate

MODELS = {
    "raw_file": RawFile,
    "raw_text": RawText,
    "stg_article": StgArticle,
    "stg_sentence": StgSentence,
    "stg_authority_mention": StgAuthorityMention,
    "stg_visit_candidate": StgVisitCandidate,
    "dim_article": DimArticle,
    "dim_local_authority": DimLocalAuthority,
    "dim_person": DimPerson,
    "dim_date": DimDate,
    "dim_theme": DimTheme,
    "fct_visit": FctVisit,
    "fct_visit_focus": FctVisitFocus,
    "fct_person_mention": FctPersonMention,
    "fct_quote": FctQuote,
    "fct_finding": FctFinding,
    "fct_inspection": FctInspection,
    "dim_visit_event": DimVisitEvent,
    "fct_visit_event_finding": FctVisitEventFinding,
}
