"""Presentation: tables for people (rich), CSV and JSON for machines."""

from pledgelab.report._table import Column, Table, emit

__all__ = ["Column", "Table", "emit"]
