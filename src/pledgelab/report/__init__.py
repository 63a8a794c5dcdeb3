"""Presentation: tables for people (rich), CSV and JSON for machines, and how values read.

:class:`Table` and :class:`Column` hold raw values; :func:`emit` renders them as
a rich table, CSV or JSON; :func:`show` is one cell as people read it and
:func:`usd` dollars in words. Charts are in :mod:`pledgelab.report.charts`
(the ``[plot]`` extra).
"""

from pledgelab.report._format import show, usd
from pledgelab.report._table import Column, Table, emit
from pledgelab.report.simulation import fan_chart, fan_table, simulation_summary

__all__ = ["Column", "Table", "emit", "fan_chart", "fan_table", "show", "simulation_summary", "usd"]
