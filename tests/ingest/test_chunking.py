from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_document, split_sentences
from ingest.document import Block, LoadedDocument


def test_periods_inside_figures_and_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Công an TP. Cần Thơ huy động 1.700 cán bộ. Tội phạm giảm 32,2% so với năm 2020. "
        "ThS. Nguyễn Văn A cho biết ngày 12.3.2021 đã xong. Bầu cử ĐBQH khóa XV thành công."
    )
    assert split_sentences(text) == [
        "Công an TP. Cần Thơ huy động 1.700 cán bộ.",
        "Tội phạm giảm 32,2% so với năm 2020.",
        "ThS. Nguyễn Văn A cho biết ngày 12.3.2021 đã xong.",
        "Bầu cử ĐBQH khóa XV thành công.",
    ]


def test_chunks_keep_whole_sentences_with_page_heading_and_offsets() -> None:
    sentences = [f"Câu số {i} nói về 1.700 cán bộ và 32,2% tội phạm." for i in range(30)]
    doc = LoadedDocument(
        "Báo cáo",
        [
            Block(" ".join(sentences[:15]), page=1, heading="Phần I"),
            Block(" ".join(sentences[15:]), page=2, heading="Phần II"),
        ],
    )
    chunks = chunk_document(doc, size=200, overlap=1)
    assert len(chunks) > 4
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.endswith(".")
        assert len(chunk.text) <= 200
    assert {c.page for c in chunks} == {1, 2}
    assert all(c.heading == ("Phần I" if c.page == 1 else "Phần II") for c in chunks)
    # overlap: each chunk of a page starts with the last sentence of the one before
    first, second = chunks[0], chunks[1]
    assert second.text.split(". ")[0] in first.text


words = st.sampled_from(
    ["Công", "an", "1.700", "32,2%", "TP.", "cán", "bộ.", "Ngày", "12.3.2021", "ĐBQH", "xong!"]
)
paragraphs = st.lists(words, min_size=1, max_size=80).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(paragraphs, min_size=1, max_size=6), st.integers(40, 400), st.integers(0, 2))
def test_chunks_cover_the_document_in_order(paras: list[str], size: int, overlap: int) -> None:
    doc = LoadedDocument("t", [Block(p) for p in paras])
    chunks = chunk_document(doc, size=size, overlap=overlap)
    covered_to = 0
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        # no gap of real text between consecutive chunks
        assert doc.text[covered_to : chunk.start].strip() == "" or chunk.start < covered_to
        covered_to = max(covered_to, chunk.end)
    assert doc.text[covered_to:].strip() == ""
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)
