"""Renderers: the same report data as a terminal table, CSV, JSON or an Excel workbook."""
