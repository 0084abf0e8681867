"""Reports as researchers have them: Word files, PDFs, web pages and tables of reports.

The documents in corpus/documents/ against their text twins in corpus/ (the text read
from each, its commitments and its indicator targets), a CSV of the corpus reports read
row by row, and small files made here for every way an input can fail.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from gwr import extract
from gwr.corpus.batch import run_batch
from gwr.cli.main import main
from gwr.inputs.text import DecodingError, EmptyInputError, TableInputError, read_report
from gwr.inputs.pdf import EncryptedPdfError, PdfError, ScannedPdfError, _map_radical, _RADICALS
from gwr.inputs.readers import UnsupportedInputError, WordError
from gwr.inputs.rows import Columns, read_rows
from gwr.schemas import validate_document
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"
DOCUMENTS = CORPUS / "documents"
DATA = ROOT / "tests" / "data" / "inputs"
TWINS = {"city-dongying-2024.docx": "city-dongying-2024.txt", "city-xuzhou-2024.docx": "city-xuzhou-2024.txt",
         "city-yichang-2024.docx": "city-yichang-2024.txt", "city-xiamen-2024.pdf": "city-xiamen-2024.txt"}

REPORT_A = "甲市2025年政府工作报告\n主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业8万人以上。\n"
REPORT_B = "乙市2025年政府工作报告\n主要预期目标是：地区生产总值增长5%以上，进出口稳中提质。\n"
REPORT_C = "丙省2024年政府工作报告\n主要预期目标是：地区生产总值增长4.5%—5%，居民收入增长与经济增长同步。\n"


def commitments(doc) -> list[tuple]:
    """What a document says: each commitment's text, span, indicator and quantities."""
    return [(c.text, tuple(c.span), c.indicator, c.strength,
             [(q.value, q.value_max, q.unit, q.comparator, q.role) for q in c.quantities]) for c in doc.commitments]


def targets(doc) -> list[tuple]:
    """The annual targets a panel is built from: each indicator's target quantities."""
    return [(c.indicator, c.text, [(q.value, q.value_max, q.base_unit, q.comparator) for q in c.quantities
                                   if q.role == "target"]) for c in doc.commitments if c.indicator]


def load(path: Path):
    from gwr.schemas import load_document

    return load_document(path)


# -- corpus/documents/ against the text twins ------------------------------------------------
@pytest.mark.parametrize("name", sorted(TWINS))
def test_document_text_is_its_twin(name):
    """The .docx twins were made by their author from the Word files (empty paragraphs and
    indentation spaces dropped), the .pdf was printed from its twin: each reads back as it."""
    report = read_report(DOCUMENTS / name)
    assert report.text == (CORPUS / TWINS[name]).read_text(encoding="utf-8")
    assert report.converted and report.encoding == ("docx" if name.endswith(".docx") else "pdf (14 pages, text layer)")


@pytest.fixture(scope="module")
def documents_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("documents")
    result = run_batch([DOCUMENTS], out, progress=False)
    return out, result


def test_documents_folder_gives_one_document_per_report(documents_batch):
    out, result = documents_batch
    assert (result.total, result.written, result.failed) == (4, 4, 0)
    assert result.inventory.set_aside == [str(DOCUMENTS / "README.md")]
    assert " 4 files read, 1 set aside (" in result.summary()
    assert sorted(p.name for p in (out / "docs").iterdir()) == sorted(n.rsplit(".", 1)[0] + ".json" for n in TWINS)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_document_commitments_and_targets_equal_the_twins(documents_batch, name):
    out, _ = documents_batch
    doc_id = name.rsplit(".", 1)[0]
    doc, text = load(out / "docs" / f"{doc_id}.json")
    assert doc.report.source == str(out / "texts" / f"{doc_id}.txt")  # the text the spans point into
    validate_document(json.loads((out / "docs" / f"{doc_id}.json").read_text(encoding="utf-8")), text)
    twin = extract((CORPUS / TWINS[name]).read_text(encoding="utf-8"), year=doc.report.year,
                   place=doc.report.place or None, level=doc.report.level, province=doc.report.province)
    assert targets(doc) == targets(twin) and len(targets(twin)) >= 5
    assert commitments(doc) == commitments(twin)


# -- a CSV of the corpus reports, one report a row ---------------------------------------------
@pytest.fixture(scope="module")
def corpus_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    with (CORPUS / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh, delimiter="\t"))
    path = folder / "reports.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "place", "province", "level", "year", "full_text"])
        for r in meta:
            w.writerow([r["id"], r["place"], r["province"], r["level"], r["year"],
                        (CORPUS / r["file"]).read_text(encoding="utf-8")])
    out = folder / "out"
    assert main(["extract", str(path), "-o", str(out), "-q", "--workers", "2"]) == 0
    return out, meta


def test_csv_of_the_corpus_gives_one_document_per_row(corpus_csv):
    out, meta = corpus_csv
    assert len(meta) >= 28  # every report in corpus/ (metadata.tsv has a row for each)
    assert sorted(p.stem for p in (out / "docs").iterdir()) == sorted(r["id"] for r in meta)
    assert (out / "failures.jsonl").read_text(encoding="utf-8") == ""


def test_csv_rows_have_their_twins_targets(corpus_csv):
    out, meta = corpus_csv
    for r in meta:
        doc, text = load(out / "docs" / f"{r['id']}.json")
        assert (doc.report.place, doc.report.level, doc.report.year) == (r["place"], r["level"], int(r["year"]))
        assert text == (CORPUS / r["file"]).read_text(encoding="utf-8"), r["id"]
        twin = extract(text, year=int(r["year"]), place=r["place"], level=r["level"], province=r["province"] or None)
        assert targets(doc) == targets(twin), r["id"]


# -- Word files ------------------------------------------------------------------------------
def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
        document.add_paragraph("（一）扩大有效投资。")
    document.save(path)
    return path


def test_docx_paragraphs_are_lines(tmp_path):
    path = make_docx(tmp_path / "r.docx", ["甲市2025年政府工作报告", "", "\u3000\u3000主要预期目标是：地区生产总值增长6%左右。",
                                           "第一行\n第二行"], table=[["指标", "目标"], ["就业", "8万人"]])
    assert read_report(path).text == ("甲市2025年政府工作报告\n主要预期目标是：地区生产总值增长6%左右。\n第一行\n第二行\n"
                                      "指标\t目标\n就业\t8万人\n（一）扩大有效投资。\n")


def test_docx_without_text_is_empty(tmp_path):
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(EmptyInputError, match="a docx file with no text"):
        read_report(path)


BROKEN = [
    ("not a zip", "r.docx", b"just some bytes, not a Word file", WordError, "named .docx but not a Word file"),
    ("zip without a document", "r.docx", None, UnsupportedInputError, "a zip archive (unpack it first)"),
    ("legacy Word", "r.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), UnsupportedInputError,
     "a legacy Office file"),
    ("image", "scan.png", b"\x89PNG\r\n\x1a\n" + bytes(100), UnsupportedInputError, "a PNG image"),
    ("damaged PDF", "r.pdf", b"%PDF-1.4\nnot really a pdf\n%%EOF\n", PdfError, "not a readable PDF"),
    ("PDF name, other bytes", "r.pdf", "甲市政府工作报告".encode(), PdfError, "named .pdf but not a PDF"),
]


@pytest.mark.parametrize("name,data,error,message", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_unreadable_files_say_what_they_are(tmp_path, name, data, error, message):
    path = tmp_path / name
    if data is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("notes.txt", "x")
    else:
        path.write_bytes(data)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_report(path)


# -- PDFs --------------------------------------------------------------------------------------
def make_pdf(path: Path, paragraphs: list[str], indent: float = 24, space: float = 0, furniture: bool = True,
             encrypt: str | None = None) -> Path:
    """A PDF typeset by reportlab with the Adobe-GB1 CID font (no font file needed): paragraphs
    wrapped by width, a running header and a page number on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK",
                           firstLineIndent=indent, spaceBefore=space)

    def page(canvas, doc):
        if furniture:
            canvas.setFont("STSong-Light", 9)
            canvas.drawCentredString(A4[0] / 2, A4[1] - 40, "某市人民政府公报 2024年第2期")
            canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt).build(
        [Paragraph(p, style) for p in paragraphs], onFirstPage=page, onLaterPages=page)
    return path


@pytest.fixture(scope="module")
def dongying() -> str:
    return (CORPUS / "city-dongying-2024.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("indent,space", [(24, 0), (0, 8)], ids=["indented paragraphs", "spaced paragraphs"])
def test_pdf_lines_are_joined_and_furniture_dropped(tmp_path, dongying, indent, space):
    path = make_pdf(tmp_path / "r.pdf", dongying.splitlines(), indent=indent, space=space)
    report = read_report(path)
    assert report.encoding.startswith("pdf (1") and report.text == dongying


@pytest.mark.xfail(strict=True, reason="paragraphs neither indented nor spaced: a paragraph whose last line is "
                                       "full is joined to the next (4 of 65 here); its commitments are the same")
def test_pdf_without_paragraph_marks_keeps_its_paragraphs(tmp_path, dongying):
    assert read_report(make_pdf(tmp_path / "r.pdf", dongying.splitlines(), indent=0)).text == dongying


def test_pdf_without_paragraph_marks_has_the_same_commitments(tmp_path, dongying):
    text = read_report(make_pdf(tmp_path / "r.pdf", dongying.splitlines(), indent=0)).text
    a, b = extract(text, year=2024, level="city"), extract(dongying, year=2024, level="city")
    assert [c[0] for c in commitments(a)] == [c[0] for c in commitments(b)] and targets(a) == targets(b)


def test_pdf_printed_by_a_browser():
    """Five paragraphs of the Guilin, Yinchuan, Xiamen and Dongying reports printed by headless
    Chromium with its print header (date, title) and footer (address, 1/1), paragraphs spaced,
    not indented: lines wrapped before a quoted number (理“1+2+N”), after a hyphen (汀溪-翔安)
    and before an inline enumeration ((3)实施) are joined again."""
    report = read_report(DATA / "chromium-print.pdf")
    assert report.text == (DATA / "chromium-print.txt").read_text(encoding="utf-8")


def test_scanned_pdf_is_a_typed_error(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.drawImage(ImageReader(Image.new("L", (200, 280), 230)), 50, 50, 500, 700)
        c.showPage()
    c.save()
    with pytest.raises(ScannedPdfError, match=r"scan.pdf: a PDF of 3 page\(s\) without a text layer .*needs OCR"):
        read_report(path)


def test_encrypted_pdf_is_a_typed_error(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", ["甲市2025年政府工作报告"], encrypt="secret")
    with pytest.raises(EncryptedPdfError, match="encrypted"):
        read_report(path)


def test_radicals_in_a_text_layer_are_the_characters():
    assert _RADICALS.sub(_map_radical, "⼈⺠⽣活⻓期⼾") == "人民生活长期户"


# -- web pages ---------------------------------------------------------------------------------
def gov_page(body_lines: list[str]) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in body_lines)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>甲市2025年政府工作报告_甲市人民政府门户网站</title></head><body>
<div class="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/a">要闻动态</a></li><li><a href="/b">政策文件</a></li></ul>
<div class="crumb">您的位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府工作报告</div>
<div class="article"><h1>甲市2025年政府工作报告</h1>
<div class="info">发布时间：2025-01-15 09:30 来源：甲市日报 字号：<a>大</a> <a>中</a> <a>小</a> 【打印】【关闭】</div>
<div class="content">{paragraphs}</div><div class="share">分享到：<a>微信</a><a>微博</a></div></div>
<div class="footer"><p>主办：甲市人民政府办公厅</p><p>网站标识码：3502000003 ICP备05022445号</p>
<p>联系我们 | 网站地图 | 隐私声明</p></div></body></html>"""


def test_web_page_keeps_the_report_and_drops_the_site(tmp_path, dongying):
    path = tmp_path / "report.html"
    path.write_text(gov_page(dongying.splitlines()), encoding="utf-8")
    report = read_report(path)
    assert report.encoding == "utf-8, html"
    assert report.text == "甲市2025年政府工作报告\n" + dongying
    for chrome in ("首页", "您的位置", "分享到", "网站标识码", "发布时间"):
        assert chrome not in report.text
    assert targets(extract(report.text, year=2024)) == targets(extract(dongying, year=2024))


def test_web_page_table_rows_are_lines(dongying):
    from gwr.inputs.readers import web_page_text

    page = gov_page(dongying.splitlines()).replace(
        "</div><div class=\"share\">", "<table><tr><th>指标</th><th>目标</th></tr><tr><td>就业</td><td>8万人</td></tr>"
                                      "</table></div><div class=\"share\">")
    assert web_page_text(page)[0].endswith("\n指标\t目标\n就业\t8万人\n")


# -- tables of reports ---------------------------------------------------------------------------
ROWS = [
    {"province": "某省", "place": "甲市", "year": 2025, "level": "city", "full_text": REPORT_A},
    {"province": "某省", "place": "乙市", "year": 2025, "level": "地级市", "full_text": REPORT_B},
    {"province": "丙省", "place": None, "year": "2024年", "level": "省级", "full_text": REPORT_C},
    {"province": "丁省", "place": "丁省", "year": 2025, "level": "province", "full_text": ""},
]


def _write_table(path: Path, fmt: str, rows: list[dict]) -> Path:
    names = list(rows[0])
    if fmt in ("csv", "csv-gbk", "csv-bom", "csv-semicolon", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ";" if fmt == "csv-semicolon" else ",")
        w.writerow(names)
        for r in rows:
            w.writerow(["" if r[k] is None else r[k] for k in names])
        data = buf.getvalue()
        path.write_bytes(data.encode("gbk") if fmt == "csv-gbk" else ("\ufeff" + data).encode() if fmt == "csv-bom"
                         else data.encode())
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps({"reports": rows}, ensure_ascii=False), encoding="utf-8")
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([{**r, "year": str(r["year"])} for r in rows]), path)
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(names)
        for r in rows:
            book.active.append([r[k] for k in names])
        book.save(path)
    elif fmt in ("hf", "hf-dict"):
        import datasets

        ds = datasets.Dataset.from_list([{**r, "year": str(r["year"])} for r in rows])
        (datasets.DatasetDict({"train": ds}) if fmt == "hf-dict" else ds).save_to_disk(str(path))
    return path


TABLE_FORMATS = {"csv": "reports.csv", "csv-gbk": "reports.csv", "csv-bom": "reports.csv",
                 "csv-semicolon": "reports.csv", "tsv": "reports.tsv",
                 "jsonl": "reports.jsonl", "json": "reports.json", "parquet": "reports.parquet",
                 "xlsx": "reports.xlsx", "hf": "reports", "hf-dict": "reports"}


@pytest.mark.parametrize("fmt", sorted(TABLE_FORMATS))
def test_every_row_of_a_table_is_its_own_document(tmp_path, fmt):
    path = _write_table(tmp_path / TABLE_FORMATS[fmt], fmt, ROWS)
    out = tmp_path / "out"
    result = run_batch([path], out, progress=False)
    assert (result.total, result.written, result.failed) == (4, 3, 1)
    assert result.inventory.tables == 1 and result.inventory.rows == 4
    prefix = "reports-train" if fmt == "hf-dict" else "reports"
    (failure,) = result.failures
    assert (failure["id"], failure["error_type"]) == (f"{prefix}-4", "EmptyInputError")
    assert "no text in column 'full_text'" in failure["error"]
    docs = {r: load(out / "docs" / f"{prefix}-{r}.json") for r in (1, 2, 3)}
    facts = [(d.report.place, d.report.province, d.report.level, d.report.year) for d, _ in docs.values()]
    assert facts == [("甲市", "某省", "city", 2025), ("乙市", "某省", "city", 2025), ("丙省", "丙省", "province", 2024)]
    gdp = [[(q.value, q.value_max, q.comparator) for c in d.commitments if c.indicator == "gdp_growth"
            for q in c.quantities] for d, _ in docs.values()]
    assert gdp == [[(5.5, None, "approx")], [(5.0, None, "ge")], [(4.5, 5.0, "range")]]
    for n, (doc, text) in docs.items():
        assert text == ROWS[n - 1]["full_text"] and doc.report.source == str(out / "texts" / f"{prefix}-{n}.txt")


def test_columns_named_by_options(tmp_path, capsys):
    rows = [{"编码": "a-2025", "城市名": "甲市", "年": "2025", "报告": REPORT_A, "备注": "x"},
            {"编码": "b-2025", "城市名": "乙市", "年": "二〇二五", "报告": REPORT_B, "备注": "y"}]
    path = _write_table(tmp_path / "r.csv", "csv", rows)
    out = tmp_path / "out"
    assert main(["extract", str(path), "-o", str(out), "-q", "--text-column", "报告", "--id-column", "编码",
                 "--place-column", "城市名", "--year-column", "年"]) == 0
    a, _ = load(out / "docs" / "a-2025.json")
    b, _ = load(out / "docs" / "b-2025.json")
    assert (a.report.place, a.report.year, b.report.place, b.report.year) == ("甲市", 2025, "乙市", 2025)
    assert "row 2: '二〇二五' in column '年' is not a year: the year is read from the text" in b.report.warnings


def test_place_from_a_title_column(tmp_path):
    path = _write_table(tmp_path / "r.csv", "csv", [{"province": "河南省", "year": 2026,
                                                     "title": "2026年河南省政府工作报告", "full_text": REPORT_A}])
    rows, fmt = read_rows(path)
    assert (rows[0].place, rows[0].notes, fmt) == ("河南省", ["place 河南省 read from the 'title' column"], "csv (utf-8)")


def test_excel_cell_at_its_limit_is_flagged(tmp_path):
    text = (REPORT_A * 700)[:32767]
    rows, _ = read_rows(_write_table(tmp_path / "r.xlsx", "xlsx", [{"text": text}, {"text": REPORT_B}]))
    assert rows[0].notes == ["row 1: the text is 32,767 characters long, Excel's limit for a cell: it is probably cut "
                             "short"] and rows[1].notes == []


def test_table_without_a_text_column_fails_whole(tmp_path, capsys):
    path = _write_table(tmp_path / "r.csv", "csv", [{"province": "某省", "year": 2025, "summary": "短"}])
    with pytest.raises(TableInputError, match="no column of report texts .*name it with --text-column"):
        read_rows(path)
    with pytest.raises(TableInputError, match=r"no column 'body' \(--text-column\)"):
        read_rows(path, Columns(text="body"))
    assert main(["extract", str(path), "-o", str(tmp_path / "out"), "-q"]) == 5
    err = capsys.readouterr().err
    assert err.startswith(f"failed: {path}: TableInputError: {path}: no column of report texts")


def test_bad_json_line_fails_its_row_only(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"text": REPORT_A}, ensure_ascii=False) + "\n{not json\n[1, 2]\n", encoding="utf-8")
    result = run_batch([path], tmp_path / "out", progress=False)
    assert (result.total, result.written, result.failed) == (3, 1, 2)
    assert [(f["id"], f["error_type"]) for f in result.failures] == [("r-2", "TableInputError"),
                                                                     ("r-3", "TableInputError")]
    assert result.failures[0]["error"].startswith("line 2: not JSON")


def test_a_table_needs_an_output_folder(tmp_path, capsys):
    path = _write_table(tmp_path / "r.csv", "csv", ROWS[:1])
    with pytest.raises(SystemExit) as exit_:
        main(["extract", str(path)])
    assert exit_.value.code == 2
    assert "error: a folder, a pattern, several files or a table of reports need -o OUTDIR" in capsys.readouterr().err
    with pytest.raises(TableInputError, match="a table of reports"):
        read_report(path)


def test_changed_rows_are_redone_and_the_others_skipped(tmp_path):
    path = _write_table(tmp_path / "r.jsonl", "jsonl", ROWS[:3])
    out = tmp_path / "out"
    run_batch([path], out, progress=False)
    changed = [dict(r) for r in ROWS[:3]]
    changed[1]["full_text"] = REPORT_B.replace("5%以上", "6%以上")
    _write_table(path, "jsonl", changed)
    again = run_batch([path], out, progress=False)
    assert (again.written, again.skipped, again.failed) == (1, 2, 0)
    doc, _ = load(out / "docs" / "r-2.json")
    assert doc.commitments[0].quantities[0].value == 6


# -- a folder: every file accounted for -----------------------------------------------------------
@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "city-a-2025.txt").write_text(REPORT_A, encoding="utf-8")
    make_docx(folder / "city-b-2025.docx", REPORT_B.splitlines())
    shutil.copy(DOCUMENTS / "city-xiamen-2024.pdf", folder / "sub" / "city-xiamen-2024.pdf")
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "scan-2025.pdf"))
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    (folder / "empty-2025.txt").write_bytes(b"")
    (folder / "garbled-2025.txt").write_bytes(bytes(range(1, 256)) * 8)
    _write_table(folder / "more.csv", "csv", ROWS[:2])
    (folder / "README.md").write_text("# reports\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "SOURCES.tsv").write_text("file\tsource\ncity-a-2025.txt\tweb\n", encoding="utf-8")
    (folder / "metadata.tsv").write_text("id\tfile\tplace\tlevel\tprovince\tyear\tsource\n"
                                         "city-a-2025\tcity-a-2025.txt\t甲市\tcity\t某省\t2025\tweb\n", encoding="utf-8")
    return folder


def test_every_file_of_a_folder_is_read_or_failed(mixed_folder, tmp_path, capsys):
    out = mixed_folder / "out"  # inside the folder: set aside, never read back in
    assert main(["extract", str(mixed_folder), "-o", str(out), "-q"]) == 5
    summary = capsys.readouterr().out.strip()
    assert summary.startswith("10 documents in = 5 written + 0 unchanged (skipped) + 5 failed (1 DecodingError, "
                              "1 EmptyInputError, 1 ScannedPdfError, 2 UnsupportedInputError); 9 files read "
                              "(1 table of 2 rows), 5 set aside (")
    failures = {f["id"]: f["error_type"] for f in map(json.loads, (out / "failures.jsonl").read_text(
        encoding="utf-8").splitlines())}
    assert failures == {"empty-2025": "EmptyInputError", "garbled-2025": "DecodingError", "old": "UnsupportedInputError",
                        "photo": "UnsupportedInputError", "scan-2025": "ScannedPdfError"}
    assert sorted(p.stem for p in (out / "docs").iterdir()) == ["city-a-2025", "city-b-2025", "city-xiamen-2024",
                                                               "more-1", "more-2"]
    a, _ = load(out / "docs" / "city-a-2025.json")
    b, text = load(out / "docs" / "city-b-2025.json")
    assert (a.report.place, a.report.source) == ("甲市", str(mixed_folder / "city-a-2025.txt"))
    assert b.report.encoding == "docx" and text == REPORT_B


def test_set_aside_files_are_named(mixed_folder, tmp_path):
    result = run_batch([mixed_folder], tmp_path / "out", progress=False)
    assert sorted(Path(p).name for p in result.inventory.set_aside) == [".DS_Store", "README.md", "SOURCES.tsv",
                                                                         "metadata.tsv"]
    assert result.total == result.written + result.failed == 10


def test_a_file_named_on_the_command_line_is_never_set_aside(mixed_folder, tmp_path):
    result = run_batch([mixed_folder / "SOURCES.tsv"], tmp_path / "out", progress=False)
    assert (result.total, result.failed, result.failures[0]["error_type"]) == (1, 1, "TableInputError")


# -- one file on the command line -------------------------------------------------------------------
def test_one_word_file_writes_its_text_beside_the_output(tmp_path, capsys):
    path = make_docx(tmp_path / "city-b-2025.docx", REPORT_B.splitlines())
    out = tmp_path / "b.json"
    assert main(["extract", str(path), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    text = (tmp_path / "b.txt").read_text(encoding="utf-8")
    assert doc["report"]["source"] == str(tmp_path / "b.txt") and doc["report"]["encoding"] == "docx"
    validate_document(doc, text)
    assert doc["commitments"][0]["text"] == "地区生产总值增长5%以上"


def test_one_scan_is_one_line_and_exit_3(tmp_path, capsys):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)
    c.save()
    assert main(["extract", str(path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"gwr extract: ScannedPdfError: {path}: a PDF of 1 page(s) without a text layer")
    assert err.count("\n") == 1


def test_undecodable_table_is_a_failure(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(bytes(range(1, 256)) * 8)
    result = run_batch([path], tmp_path / "out", progress=False)
    assert [(f["id"], f["error_type"]) for f in result.failures] == [("r", "DecodingError")]
    with pytest.raises(DecodingError):
        read_rows(path)
