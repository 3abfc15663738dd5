"""Exports: tables as XLSX/CSV, codebook and codings as REFI-QDA (.qdc, .qdpx)."""
from __future__ import annotations

from .refi import codebook_xml, project_xml, write_qdc, write_qdpx
from .tables import ExportError, write_csvs, write_xlsx

__all__ = ["ExportError", "codebook_xml", "project_xml", "write_csvs", "write_qdc", "write_qdpx", "write_xlsx"]
