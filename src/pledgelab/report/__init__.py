"""Presentation: tables for people (rich), CSV and JSON for machines."""

from pledgelab.report._table import Column, Table, emit
from pledgelab.report.simulation import fan_chart, fan_table, simulation_summary

__all__ = ["Column", "Table", "emit", "fan_chart", "fan_table", "simulation_summary"]
