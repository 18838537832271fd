"""Tables reach the index as rows: one line per row with its cells in order, and every chunk of
a table starts with the table's title and header, whether the table came from a PDF text
layer, a DOCX or a Markdown file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.document import CELL_SEPARATOR, ChunkTable, LoadedDocument, Table, shown_cells
from ingest.layout import Word, group_lines, split_cells, words_to_blocks
from ingest.loaders import LoadOptions, load
from tests.report_files import (
    HEADER,
    INCOME_ROWS,
    ROWS,
    TITLE,
    write_docx,
    write_markdown,
    write_text_pdf,
)

WRITERS = {"pdf": write_text_pdf, "docx": write_docx, "md": write_markdown}


def tables(document: LoadedDocument):  # type: ignore[no-untyped-def]
    return [b.table for b in document.blocks if b.table is not None]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_statement_rows_keep_their_cells_in_order(tmp_path: Path, kind: str) -> None:
    document = load(WRITERS[kind](tmp_path / f"bao-cao.{kind}"), LoadOptions(ocr="off"))

    table = tables(document)[0]
    assert table.header[-2:] == HEADER[-2:]
    assert TITLE in table.title
    labels = [row[0] for row in table.rows]
    assert labels == [row[0] for row in ROWS]
    inventory = table.rows[labels.index("Hàng tồn kho")]
    assert inventory[-2:] == ("6.204.318.775.931", "5.117.640.220.184")
    # a row is one line of the block, cells in order, never one cell per line
    assert "Hàng tồn kho | 140 | V.5 | 6.204.318.775.931 | 5.117.640.220.184" in document.text


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_every_chunk_of_a_table_starts_with_its_title_and_header(tmp_path: Path, kind: str) -> None:
    document = load(WRITERS[kind](tmp_path / f"bao-cao.{kind}"), LoadOptions(ocr="off"))

    balance_sheet = tables(document)[0]
    chunks = [c for c in chunk_document(document, size=160, overlap=1) if c.table is balance_sheet]

    assert len(chunks) >= 3  # small chunks: the table is cut, between rows
    for chunk in chunks:
        lines = chunk.text.split("\n")
        assert TITLE in lines[0]
        assert lines[1].endswith("30/6/2025 | 1/1/2025")
        for line in lines[2:]:
            assert line.split(" | ")[0] in {row[0] for row in ROWS}  # whole rows only


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_each_chunk_of_a_table_holds_its_own_rows_as_data(tmp_path: Path, kind: str) -> None:
    """What a chunk stores in its metadata: the rows its text shows, each its cells and its
    place in the table, every row of the table in exactly one chunk."""
    document = load(WRITERS[kind](tmp_path / f"bao-cao.{kind}"), LoadOptions(ocr="off"))

    balance_sheet = tables(document)[0]
    chunks = [c for c in chunk_document(document, size=160, overlap=1) if c.table is balance_sheet]

    held = [number for chunk in chunks for number in chunk.rows]
    assert held == list(range(len(balance_sheet.rows)))
    for chunk in chunks:
        data = ChunkTable.from_json(balance_sheet.held(chunk.rows).to_json())
        assert data is not None
        assert (data.title, data.header) == (balance_sheet.title, balance_sheet.header)
        assert data.numbers == chunk.rows
        lines = chunk.text.split("\n")
        assert [CELL_SEPARATOR.join(cells) for cells in data.rows] == lines[2:]
        for cells, number in zip(data.rows, data.numbers, strict=True):
            assert cells == shown_cells(balance_sheet.rows[number])


def test_stored_rows_are_the_cells_as_the_line_shows_them() -> None:
    table = Table("Bảng", ("Chỉ tiêu", "Số cuối kỳ"), (("Phải trả |  khác", "1.000", "", ""),))

    data = table.held([0])

    assert data.rows == (("Phải trả / khác", "1.000"),)
    assert CELL_SEPARATOR.join(data.rows[0]) == table.row_lines()[0]
    assert ChunkTable.from_json(data.to_json()) == data
    for stored in ("", "[]", "{", '["Chỉ tiêu"]', '{"header": "x", "rows": []}'):
        assert ChunkTable.from_json(stored) is None  # a text chunk, or not this format


def test_group_headers_name_both_columns_under_them(tmp_path: Path) -> None:
    """ "Quý II" and "Lũy kế 6 tháng" each span two columns of figures in a PDF text layer."""
    document = load(write_text_pdf(tmp_path / "kqkd.pdf"), LoadOptions(ocr="off"))

    income = tables(document)[1]
    assert income.header[-4:] == (
        "Quý II Năm 2025",
        "Quý II Năm 2024",
        "Lũy kế 6 tháng Năm 2025",
        "Lũy kế 6 tháng Năm 2024",
    )
    assert [row[-4:] for row in income.rows] == [row[-4:] for row in INCOME_ROWS]


def test_a_figure_written_with_spaces_is_one_cell() -> None:
    words = [
        Word("Hàng", 40, 100, 62, 109),
        Word("tồn", 64, 100, 80, 109),
        Word("kho", 82, 100, 99, 109),
        Word("140", 295, 100, 309, 109),
        Word("82", 397, 100, 406, 109),
        Word("931", 408, 100, 422, 109),
        Word("172", 424, 100, 438, 109),
        Word("034", 440, 100, 455, 109),
        Word("80", 500, 100, 509, 109),
        Word("915", 511, 100, 525, 109),
        Word("864", 527, 100, 541, 109),
        Word("621", 543, 100, 558, 109),
    ]
    cells = [c.text for c in split_cells(words)]
    assert cells == ["Hàng tồn kho", "140", "82 931 172 034", "80 915 864 621"]


def test_a_tall_accented_word_does_not_merge_two_lines() -> None:
    words = [
        Word("Dự", 10, 100, 25, 114),  # accents make boxes taller than the text line
        Word("phòng", 27, 98, 55, 114),
        Word("kinh", 10, 116, 30, 127),
        Word("doanh", 32, 116, 60, 127),
    ]
    assert [line.text for line in group_lines(words)] == ["Dự phòng", "kinh doanh"]


def test_two_dot_grouped_figures_set_close_are_two_cells() -> None:
    words = [
        Word("Hàng", 40, 100, 62, 110),
        Word("7.047.730.548.255", 357, 100, 439, 110),
        Word("—", 441, 100, 446, 110),
        Word("5.686.840.161.996", 448, 100, 538, 110),
    ]
    assert [c.text for c in split_cells(words, gap_factor=5)] == [
        "Hàng",
        "7.047.730.548.255",
        "5.686.840.161.996",
    ]


def _words(line: str, x: float, y: float, size: float = 9.0) -> list[Word]:
    """The words of ``line`` set from ``x`` on a baseline box at ``y`` (about 0.5 em a letter)."""
    out = []
    for text in line.split():
        width = 0.5 * size * len(text)
        out.append(Word(text, x, y, x + width, y + size))
        x += width + 0.3 * size
    return out


# an income statement as a scan reads it: two columns for the quarter, two for six months
_COLUMNS = (300, 390, 480, 570)
_STATEMENT = [
    (
        "Doanh thu thuần",
        ("16.744.609.675.338", "16.665.240.843.085", "29.710.014.531.774", "30.790.131.102.851"),
    ),
    (
        "Chi phí bán hàng",
        ("3.711.347.500.232", "3.574.887.401.068", "6.881.104.683.532", "6.670.162.682.244"),
    ),
    ("Chi phí khác", ("54.670.351.500", "51.974.230.124", "102.095.920.432", "98.678.566.115")),
]


def _statement_words(mark: str = "") -> list[Word]:
    words = _words("Công ty Cổ phần Sữa Hòa Bình", 40, 20)
    words += _words("Báo cáo kết quả hoạt động kinh doanh quý II năm 2025", 40, 34)
    words += _words("Mẫu B 02a - DN", 560, 48)
    words += _words("(Ban hành theo Thông tư số 202/2014/TT-BTC", 480, 60)
    words += _words("ngày 22 tháng 12 năm 2014 của Bộ Tài chính)", 480, 72)
    words += _words("Quý II kết thúc ngày", 330, 96) + _words("Sáu tháng kết thúc ngày", 500, 96)
    for x, text in zip(_COLUMNS, ("30/6/2025", "30/6/2024", "30/6/2025", "30/6/2024"), strict=True):
        words += _words(text, x + 15, 108)
    y = 130.0
    for label, figures in _STATEMENT:
        words += _words(label, 40, y)
        for x, figure in zip(_COLUMNS, figures, strict=True):
            words += _words(figure, x, y)
        y += 20
        if mark and label == "Chi phí bán hàng":
            # a seal's stroke read as a short word, running over both six-month columns
            words.append(Word("trì", 150, y - 8, 160, y + 1))
            words.append(Word(mark, 530, y - 8, 590, y + 1))
    # a long label set above its figures, as scans of two-line rows come out
    words += _words("Lợi nhuận kế toán trước thuế (50)", 40, y)
    for x, figure in zip(
        _COLUMNS,
        ("3.096.088.533.277", "3.308.642.928.230", "5.047.384.728.800", "6.014.483.329.952"),
        strict=True,
    ):
        words += _words(figure, x, y + 8)
    return words


def test_a_mark_over_two_figure_columns_does_not_merge_them() -> None:
    blocks, _ = words_to_blocks(_statement_words(mark="nem"), page=1)
    table = next(b.table for b in blocks if b.table is not None)
    row = next(r for r in table.rows if r[0] == "Chi phí khác")
    assert list(row[1:]) == list(_STATEMENT[2][1])
    assert list(table.header[1:]) == [
        "Quý II kết thúc ngày 30/6/2025",
        "Quý II kết thúc ngày 30/6/2024",
        "Sáu tháng kết thúc ngày 30/6/2025",
        "Sáu tháng kết thúc ngày 30/6/2024",
    ]


def test_a_label_set_above_its_figures_is_their_row() -> None:
    blocks, _ = words_to_blocks(_statement_words(), page=1)
    table = next(b.table for b in blocks if b.table is not None)
    assert table.rows[-1][:2] == (
        "Lợi nhuận kế toán trước thuế (50)",
        "3.096.088.533.277",
    )


def test_the_forms_legal_reference_is_no_part_of_the_table_title() -> None:
    blocks, _ = words_to_blocks(_statement_words(), page=1)
    table = next(b.table for b in blocks if b.table is not None)
    assert table.title.startswith("Công ty Cổ phần Sữa Hòa Bình — Báo cáo kết quả")
    assert "Thông tư" not in table.title and "2014" not in table.title
    assert "Thông tư" not in " ".join(table.header)
    # the title's lines are the table's, not a paragraph of their own as well
    assert not [b for b in blocks if b.table is None and "Hòa Bình" in b.text]
