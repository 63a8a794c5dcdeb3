"""Presentation: tables for people (rich), CSV and JSON for machines, and how values read.

:class:`Table` and :class:`Column` hold raw values; :func:`emit` renders them as
a rich table, CSV or JSON; :func:`show` is one cell as people read it and
:func:`usd` dollars in words; :func:`write_xlsx` an Excel workbook
(the ``[xlsx]`` extra) with ``sources`` and ``about`` sheets. Charts are in :mod:`pledgelab.report.charts`
(the ``[plot]`` extra).
"""

from pledgelab.report._format import show, usd
from pledgelab.report._table import LIMIT, UNITS, Column, Table, as_csv, as_json, emit, raw
from pledgelab.report._xlsx import read_xlsx_tables, sheet_names, write_xlsx
from pledgelab.report.simulation import fan_chart, fan_table, simulation_summary

__all__ = ["LIMIT", "UNITS", "Column", "Table", "as_csv", "as_json", "emit", "fan_chart", "fan_table", "raw",
           "read_xlsx_tables", "sheet_names", "show", "simulation_summary", "usd", "write_xlsx"]
