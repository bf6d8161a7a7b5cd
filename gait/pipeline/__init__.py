"""The analysis pipeline, offline (whole arrays) and live (incremental blocks), sharing the same stages."""

from gait.pipeline.live import LiveAnalyzer
from gait.pipeline.offline import DEFAULT_ESTIMATOR, analyze_plan, analyze_session
from gait.pipeline.result import (
    SCHEMA_ID,
    AnalysisResult,
    analysis_document,
    compare_results,
    format_summary,
    validate_document,
    write_csv,
    write_json,
)
from gait.pipeline.session import SessionPlan, plan_blocks, plan_session

__all__ = [
    "DEFAULT_ESTIMATOR",
    "SCHEMA_ID",
    "AnalysisResult",
    "LiveAnalyzer",
    "SessionPlan",
    "analysis_document",
    "analyze_plan",
    "analyze_session",
    "compare_results",
    "format_summary",
    "plan_blocks",
    "plan_session",
    "validate_document",
    "write_csv",
    "write_json",
]
