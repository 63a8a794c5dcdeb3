"""Project archetypes and pipelines (no deal rules here)."""

from pledgelab.pipeline._archetypes import PARAMS as ARCHETYPE_PARAMS
from pledgelab.pipeline._archetypes import (
    Archetype,
    capex_weights,
    operating_profile,
    read_archetypes,
)
from pledgelab.pipeline._pipeline import Pipeline, Project, default_pipeline, load_pipeline, read_pipeline
from pledgelab.pipeline._series import CashFlowSeries

__all__ = [
    "ARCHETYPE_PARAMS",
    "Archetype",
    "CashFlowSeries",
    "Pipeline",
    "Project",
    "capex_weights",
    "default_pipeline",
    "load_pipeline",
    "operating_profile",
    "read_archetypes",
    "read_pipeline",
]
