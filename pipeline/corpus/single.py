"""One report file in, one document out: what `gwr extract FILE` and every batch worker call.

    import gwr
    doc = gwr.extract_file("corpus/zhengzhou-2025.txt")          # metadata.tsv beside it, else the name
    doc = gwr.extract_file("report.docx", year=2024, place="成都市", level="city")

Metadata comes from the arguments, then `meta` (a `metadata.tsv` row, or what the file name
tells), then the text (see `gwr.extract`). `report` passes text that was read already (a row of
a table of reports, or a file the caller decoded); otherwise the file is read with
`gwr.inputs.text.read_report`, which raises a typed `InputError` for what cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from gwr.inputs.text import DEFAULT_MAX_BYTES, ReportText, read_report
from gwr.schemas import Document

from .metadata import ReportMeta, guessed_notes, meta_for


def extract_file(path: str | Path, *, meta: ReportMeta | None = None, report: ReportText | None = None,
                 year: int | None = None, place: str | None = None, level: str | None = None,
                 province: str | None = None, report_id: str | None = None, source: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, notes: Iterable[str] = ()) -> Document:
    """The document of one report file (or of `report`, its text already read).

    `source` is the file the spans index (default: `path`); a caller that keeps a converted
    text (`report.converted`: not UTF-8 bytes, or a Word, PDF or web page) names that file.
    """
    from gwr.stages.extraction import extract

    path = Path(path)
    meta = meta if meta is not None else meta_for(path)
    report = report if report is not None else read_report(path, max_bytes)
    notes = guessed_notes(meta.guessed, meta.level, meta.year, meta.place, meta.province) + list(notes)
    return extract(report.text, year=year or meta.year, place=place or meta.place, level=level or meta.level,
                   province=province or meta.province, report_id=report_id or meta.id,
                   source=str(path) if source is None else source, encoding=report.encoding,
                   input_sha256=report.sha256, notes=notes)
