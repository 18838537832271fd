"""Report scoring (``hoidap/report_eval.py``): the rule of ``../shared/reports/README.md``.

Right = not an abstention, a passage of the question's file among the sources, a gold
answer in the text (figures digit by digit); unanswerable = right when abstained.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import hoidap.settings
from hoidap.cli import main
from hoidap.report_eval import (
    ReportQuestion,
    answer_is_right,
    contains_gold,
    format_report,
    is_report_format,
    is_wrong_figure,
    load_report_questions,
    numbers_in,
    reports_bench_main,
    score,
    source_matches,
    verdict,
)
from qa.types import ABSTAIN_MESSAGE, Answer, Source
from tests.conftest import CACHE_DIR

BCTC = "bao-cao-tai-chinh.pdf"
THONG_TU = "thong-tu.pdf"


def _source(name: str, text: str = "") -> Source:
    return Source(source=name, title=name, page=1, chunk_id=f"{name}-0", score=1.0, text=text)


def _answer(text: str, *docs: str) -> Answer:
    return Answer(text=text, abstained=False, sources=[_source(d, text) for d in docs])


def _abstain(*docs: str) -> Answer:
    return Answer(text=ABSTAIN_MESSAGE, abstained=True, sources=[_source(d) for d in docs])


def _q(
    answers: list[str], doc: str = BCTC, answerable: bool = True, id: str = "q"
) -> ReportQuestion:
    return ReportQuestion(id, doc, "?", answers, answerable)


@pytest.mark.parametrize(
    "written",
    ["1 410 126 517 617", "1.410.126.517.617", "1,410,126,517,617", "1410126517617"],
)
@pytest.mark.parametrize("gold", ["1 410 126 517 617", "1.410.126.517.617", "1,410,126,517,617"])
def test_a_figure_is_the_same_in_every_notation(gold: str, written: str) -> None:
    q = _q([gold])
    assert answer_is_right(q, _answer(f"Tổng cộng tài sản: {written} đồng [1].", BCTC))


@pytest.mark.parametrize(
    "written",
    [
        "2 410 126 517 617",  # one digit off
        "11 410 126 517 617",  # inside a longer figure
        "1.410.126.517.617.000",
        "1 410 126 517 617 000",
        "1.410,126.517.617",  # two notations in one figure
        "1 410 126 517",  # a prefix
    ],
)
def test_a_different_figure_is_wrong_and_counted(written: str) -> None:
    q = _q(["1 410 126 517 617"])
    answer = _answer(f"Tổng cộng tài sản: {written} đồng [1].", BCTC)
    assert not answer_is_right(q, answer)
    assert is_wrong_figure(q, answer)


def test_figures_next_to_their_neighbours_in_a_table_row() -> None:
    row = "Tổng cộng tài sản 270 1 410 126 517 617 1 256 445 745 860"
    assert contains_gold(row, ["1 410 126 517 617"])
    assert contains_gold(row, ["1 256 445 745 860"])
    assert contains_gold("Giá thuê 49.600$/ngày.", ["49.600"])
    assert not contains_gold("Giá thuê 149.600$/ngày.", ["49.600"])
    assert not contains_gold("Giá thuê 49.600,5$/ngày.", ["49.600"])
    assert contains_gold("tối thiểu 1.500 kbps", ["1500 kbps"])
    assert not contains_gold("tối thiểu 1 200 dpi", ["200 dpi"])
    assert contains_gold("Mã số thuế: 0300588569", ["0300588569"])


def test_text_answers_ignore_case_spacing_and_tone_placement() -> None:
    assert contains_gold("Chủ tịch là bà MAI KIỀU LIÊN [2].", ["Mai Kiều Liên"])
    assert contains_gold("đặt ở góc trên,\u00a0 bên phải", ["góc trên, bên phải"])
    assert contains_gold("hiệu lực từ ngày 10/3/2019.", ["10 tháng 3 năm 2019", "10/3/2019"])
    assert not contains_gold("hiệu lực từ ngày 10/3/2018.", ["10 tháng 3 năm 2019", "10/3/2019"])
    assert contains_gold("Công ty Thuỷ sản", ["thủy sản"])
    assert contains_gold("định dạng XML.", ["XML"])
    assert not contains_gold("định dạng XMLS.", ["XML"])
    assert not contains_gold("ít nhất 12 bộ", ["02 bộ", "2 bộ"])
    assert not contains_gold("anything", [])


def test_an_abstention_is_right_only_when_there_is_nothing_to_answer() -> None:
    unanswerable = _q([], answerable=False)
    assert answer_is_right(unanswerable, _abstain(BCTC))
    assert not answer_is_right(unanswerable, _answer("Phạt 5.000.000 đồng [1].", BCTC))
    assert is_wrong_figure(unanswerable, _answer("Phạt 5.000.000 đồng [1].", BCTC))
    answerable = _q(["1 410 126 517 617"])
    assert not answer_is_right(answerable, _abstain(BCTC))
    assert not is_wrong_figure(answerable, _abstain(BCTC))


def test_the_right_text_from_another_file_is_not_right() -> None:
    q = _q(["Lê Trung Tân"], doc=THONG_TU)
    answer = _answer("Người lập biểu là ông Lê Trung Tân [1].", BCTC)
    assert not source_matches(q, answer)
    assert not answer_is_right(q, answer)
    # a name question answered wrongly is a miss, not a wrong figure
    assert not is_wrong_figure(q, answer)
    assert answer_is_right(q, _answer("Người lập biểu là ông Lê Trung Tân [2].", BCTC, THONG_TU))


def test_score_counts_per_file_and_per_question() -> None:
    questions = [
        _q(["1 410 126 517 617"], BCTC, id="a"),
        _q(["82 931 172 034"], BCTC, id="b"),
        _q(["Lê Trung Tân"], THONG_TU, id="c"),
        _q([], THONG_TU, answerable=False, id="d"),
        _q([], BCTC, answerable=False, id="e"),
    ]
    answers = [
        _answer("1.410.126.517.617 đồng [1]", BCTC),
        _answer("82 931 172 035 đồng [1]", BCTC),  # wrong figure
        _answer("ông Lê Trung Tân [1]", BCTC),  # right text, wrong file
        _abstain(),
        _answer("Phạt 2 triệu đồng [1]", BCTC),  # a figure for an unanswerable question
    ]
    scored = score(questions, answers, [0.1, 0.2, 0.3, 0.4, 0.5])
    assert (scored.answerable_right, scored.answerable_total) == (1, 3)
    assert (scored.unanswerable_abstained, scored.unanswerable_total) == (1, 2)
    assert scored.wrong_figures == 2
    assert scored.per_doc[BCTC].answerable_right == 1
    assert scored.per_doc[BCTC].answerable_total == 2
    assert scored.per_doc[BCTC].wrong_figures == 2
    assert scored.per_doc[THONG_TU].answerable_right == 0
    assert scored.per_doc[THONG_TU].unanswerable_abstained == 1
    assert [r.right for r in scored.rows] == [True, False, False, True, False]
    assert [r.wrong_figure for r in scored.rows] == [False, True, False, False, True]
    assert scored.rows[2].why == f"no passage of {THONG_TU} among the sources"
    assert [r.id for r in scored.misses()] == ["b", "c", "e"]
    assert scored.latency(0.5) == 0.3
    assert set(scored.to_json()) == {
        "answerable_right",
        "answerable_total",
        "unanswerable_abstained",
        "unanswerable_total",
        "wrong_figures",
        "kinds",
        "per_doc",
        "rows",
    }
    # the kinds an answers/answerable question falls in: a digit in the gold, or not
    assert [r.kind for r in scored.rows] == ["figure", "figure", "text", "abstain", "abstain"]
    assert {k: (v.right, v.total) for k, v in scored.kinds.items()} == {
        "figure": (1, 2),
        "text": (0, 1),
        "abstain": (1, 2),
    }


# --------------------------------------------------------------------------- finqa kinds

XPH = "xph-q4-2024.md"
EEMC = "eemc-q4-2024.md"


def _kind(
    kind: str,
    answers: list[str] | None = None,
    *,
    values: list[float] | None = None,
    tol: float = 0.15,
    alt: list[str] | None = None,
    doc: str = EEMC,
    id: str = "k",
) -> ReportQuestion:
    return ReportQuestion(
        id, doc, "?", answers or [], kind != "abstain", kind, values or [], tol, alt or []
    )


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("ROE đạt 22,89 % [1].", [22.89]),
        ("ROE đạt 22.89%.", [22.89]),
        ("tỷ lệ 0,2289", [0.2289]),
        ("Nợ phải trả 1.263.424.086.462 đồng", [1263424086462]),
        ("Tổng tài sản 147,913,997,635", [147913997635]),
        ("Tổng tài sản 1 410 126 517 617 đồng", [1410126517617]),
        ("1.263.424,5 triệu", [1263424.5]),
        ("tăng 23,680", [23.68, 23680]),  # one mark before three digits: both readings
        ("ngày 10.3.2019", [10, 3, 2019]),
    ],
)
def test_numbers_are_read_with_decimal_commas_or_dots(text: str, numbers: list[float]) -> None:
    assert numbers_in(text) == pytest.approx(numbers)


@pytest.mark.parametrize("written", ["22,89 %", "22.89%", "22,9%", "0,2289", "0.2289", "24,25 %"])
def test_a_value_is_right_within_tol_as_percent_or_ratio(written: str) -> None:
    q = _kind("value", values=[22.89, 24.25], tol=0.15)
    answer = _answer(f"ROE năm 2024 là {written} [1].", EEMC)
    assert answer_is_right(q, answer)
    assert not is_wrong_figure(q, answer)
    assert verdict(q, answer) == "right"


@pytest.mark.parametrize("written", ["23,1 %", "0,2310", "2,289 %", "22 %"])
def test_a_value_out_of_tol_is_a_wrong_figure(written: str) -> None:
    q = _kind("value", values=[22.89, 24.25], tol=0.15)
    answer = _answer(f"ROE năm 2024 là {written} [1].", EEMC)
    assert not answer_is_right(q, answer)
    assert is_wrong_figure(q, answer)
    assert verdict(q, answer) == "no number within 0.15 of 22.89 or 24.25"


def test_a_value_question_answered_without_a_number_is_a_miss_not_a_wrong_figure() -> None:
    q = _kind("value", values=[2.31])
    answer = _answer("Tỷ lệ nợ phải trả trên tổng tài sản thấp.", XPH)
    assert not answer_is_right(q, answer)
    assert not is_wrong_figure(q, answer)
    assert not answer_is_right(q, _abstain(EEMC))
    assert not is_wrong_figure(q, _abstain(EEMC))


def test_a_ratio_as_a_plain_number_matches_its_listed_value() -> None:
    q = _kind("value", values=[0.42, 42.34], doc="mml-q4-2024.md")
    assert answer_is_right(q, _answer("Nợ / vốn chủ sở hữu = 0,42 lần", "mml-q4-2024.md"))
    assert answer_is_right(q, _answer("tỷ lệ 42,34%", "mml-q4-2024.md"))
    assert not answer_is_right(q, _answer("tỷ lệ 0,62 lần", "mml-q4-2024.md"))


def test_a_big_dotted_figure_is_not_read_as_a_decimal() -> None:
    # 1.263.424.086.462 is 1 263 424 086 462, not 1.263: it does not match a value of 1.26
    q = _kind("value", values=[1.26], tol=0.15)
    answer = _answer("Nợ phải trả là 1.263.424.086.462 đồng [1].", EEMC)
    assert not answer_is_right(q, answer)
    assert is_wrong_figure(q, answer)
    # and as a figure it is found digit by digit in any notation
    figure = _kind("figure", ["1.263.424.086.462"])
    assert answer_is_right(figure, _answer("Nợ phải trả: 1 263 424 086 462 đồng", EEMC))
    assert answer_is_right(figure, _answer("Nợ phải trả: 1,263,424,086,462 đồng", EEMC))
    wrong = _answer("Nợ phải trả: 1.263.424.086 đồng", EEMC)
    assert not answer_is_right(figure, wrong)
    assert is_wrong_figure(figure, wrong)


def test_a_value_from_another_file_is_not_right() -> None:
    q = _kind("value", values=[2.31], doc=XPH)
    answer = _answer("Tỷ lệ nợ phải trả trên tổng tài sản là 2,31 % [1].", EEMC)
    assert not source_matches(q, answer)
    assert not answer_is_right(q, answer)
    assert is_wrong_figure(q, answer)
    assert verdict(q, answer) == f"no passage of {XPH} among the sources"
    assert answer_is_right(q, _answer("Tỷ lệ là 2,31 % [2].", EEMC, XPH))


def test_text_kind_any_one_contained_and_never_a_wrong_figure() -> None:
    q = _kind("text", ["quý 4", "quý iv", "quý 04"], doc=XPH)
    assert answer_is_right(q, _answer("Báo cáo tài chính QUÝ IV năm 2024 [1]", XPH))
    assert answer_is_right(q, _answer("Báo cáo quý 4/2024", XPH))
    wrong = _answer("Báo cáo quý 3 năm 2024", XPH)
    assert not answer_is_right(q, wrong)
    assert not is_wrong_figure(q, wrong)  # a text question: a miss, not a wrong figure
    assert verdict(q, wrong) == "no gold answer in the text"
    other_file = _answer("Báo cáo quý 4 năm 2024", EEMC)
    assert not answer_is_right(q, other_file)


def test_all_kind_needs_every_answer() -> None:
    q = _kind("all", ["Đông Anh", "2024"])
    assert answer_is_right(q, _answer("Báo cáo của Thiết bị điện ĐÔNG ANH, quý 4 năm 2024", EEMC))
    half = _answer("Báo cáo của Thiết bị điện Đông Anh, quý 4", EEMC)
    assert not answer_is_right(q, half)
    assert not is_wrong_figure(q, half)
    assert verdict(q, half) == "missing '2024'"
    assert not answer_is_right(q, _answer("Đông Anh 2024", XPH))


def test_abstain_kind_with_and_without_alt() -> None:
    bare = _kind("abstain", alt=[], doc="mml-q4-2024.md")
    assert answer_is_right(bare, _abstain())
    stated = _answer("Lợi nhuận năm 2025 là 120 tỷ đồng [1].", "mml-q4-2024.md")
    assert not answer_is_right(bare, stated)
    assert is_wrong_figure(bare, stated)
    assert verdict(bare, stated) == "answered an unanswerable question"

    alt = _kind("abstain", alt=["chưa công bố"], doc=XPH)
    assert answer_is_right(alt, _abstain())
    said = _answer("Giá cổ phiếu XPH chưa công bố trong báo cáo [1].", XPH)
    assert answer_is_right(alt, said)
    assert verdict(alt, said) == "right"
    assert not is_wrong_figure(alt, said)
    elsewhere = _answer("Giá cổ phiếu chưa công bố [1].", EEMC)  # from another file
    assert not answer_is_right(alt, elsewhere)
    assert verdict(alt, elsewhere) == f"no passage of {XPH} among the sources"
    price = _answer("Giá cổ phiếu XPH là 12.500 đồng [1].", XPH)
    assert not answer_is_right(alt, price)
    assert is_wrong_figure(alt, price)


def test_the_report_prints_right_per_kind_per_answerer_and_file() -> None:
    questions = [
        _kind("figure", ["147,913,997,635"], doc=XPH, id="f"),
        _kind("value", values=[2.31], doc=XPH, id="v"),
        _kind("text", ["Đông Anh"], id="t"),
        _kind("all", ["Đông Anh", "2024"], id="a"),
        _kind("abstain", id="x"),
    ]
    good = [
        _answer("147.913.997.635 đồng", XPH),
        _answer("2,31 %", XPH),
        _answer("Đông Anh", EEMC),
        _answer("Đông Anh 2024", EEMC),
        _abstain(),
    ]
    bad = [
        _answer("147.913.997.636 đồng", XPH),
        _answer("3,5 %", XPH),
        _abstain(),
        _answer("Đông Anh", EEMC),
        _answer("Giá 12.500 đồng", EEMC),
    ]
    table = format_report({"good": score(questions, good), "bad": score(questions, bad)})
    lines = table.splitlines()
    assert lines[0].split() == ["good", "bad"]

    def cells(label: str, block: list[str]) -> list[list[str]]:
        return [line.split()[-2:] for line in block if line.strip().startswith(label)]

    totals = lines[: lines.index(XPH)]
    for kind in ("figure", "text", "all", "value", "abstain"):
        assert cells(f"{kind} right", totals) == [["1/1", "0/1"]], kind
    assert cells("wrong figures", totals) == [["0", "3"]]  # figure, value, abstain
    xph = lines[lines.index(XPH) + 1 : lines.index(EEMC)]
    assert cells("figure right", xph) == cells("value right", xph) == [["1/1", "0/1"]]
    assert not cells("text right", xph)  # only the kinds a file is asked
    assert cells("wrong figures", xph) == [["0", "2"]]


# --------------------------------------------------------------------------- real pipeline

DOCS = {
    "bao-cao-tai-chinh.txt": (
        "Tổng cộng tài sản của Công ty tại ngày 30 tháng 6 năm 2025 là 1 410 126 517 617 đồng.\n\n"
        "Doanh thu thuần về bán hàng và cung cấp dịch vụ quý 2 đạt 82 931 172 034 đồng.\n"
    ),
    "thong-tu.txt": (
        "Thông tư này có hiệu lực thi hành kể từ ngày 10 tháng 3 năm 2019.\n\n"
        "Người lập biểu báo cáo là ông Lê Trung Tân.\n"
    ),
}
QUESTIONS = [
    # the corpus writes it with spaces, the gold answer with dots: right
    {
        "id": "r-1",
        "doc": "bao-cao-tai-chinh.txt",
        "question": "Tổng cộng tài sản của Công ty là bao nhiêu?",
        "answers": ["1.410.126.517.617"],
        "answerable": True,
    },
    {
        "id": "r-2",
        "doc": "thong-tu.txt",
        "question": "Thông tư này có hiệu lực thi hành từ ngày nào?",
        "answers": ["10/3/2019", "10 tháng 3 năm 2019"],
        "answerable": True,
    },
    # the answer quotes 82 931 172 034, the gold says 035: a wrong figure
    {
        "id": "r-3",
        "doc": "bao-cao-tai-chinh.txt",
        "question": "Doanh thu thuần về bán hàng quý 2 đạt bao nhiêu?",
        "answers": ["82 931 172 035"],
        "answerable": True,
    },
    # the name is found, but in the other file than the one the question is about: a miss
    {
        "id": "r-4",
        "doc": "bao-cao-tai-chinh.txt",
        "question": "Người lập biểu báo cáo là ai?",
        "answers": ["Lê Trung Tân"],
        "answerable": True,
    },
    {
        "id": "r-5",
        "doc": "thong-tu.txt",
        "question": "Giá vàng SJC tuần sau sẽ ra sao?",
        "answers": [],
        "answerable": False,
    },
]


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "questions.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n", encoding="utf-8"
    )
    return folder


def _use_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    monkeypatch.setenv("HOIDAP_CACHE_DIR", str(CACHE_DIR))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(hoidap.settings, "_current", None)


def _check_figures(figures: dict[str, object]) -> None:
    assert (figures["answerable_right"], figures["answerable_total"]) == (2, 4)
    assert (figures["unanswerable_abstained"], figures["unanswerable_total"]) == (1, 1)
    assert figures["wrong_figures"] == 1
    rows = {r["id"]: r for r in figures["rows"]}  # type: ignore[attr-defined]
    assert [rows[i]["right"] for i in ("r-1", "r-2", "r-3", "r-4", "r-5")] == [
        True,
        True,
        False,
        False,
        True,
    ]
    assert rows["r-3"]["wrong_figure"] and "82 931 172 034" in rows["r-3"]["text"]
    assert rows["r-4"]["why"] == "no passage of bao-cao-tai-chinh.txt among the sources"
    assert "Lê Trung Tân" in rows["r-4"]["text"]
    assert rows["r-5"]["abstained"]
    per_doc = figures["per_doc"]
    assert per_doc["bao-cao-tai-chinh.txt"] == {  # type: ignore[index]
        "answerable_right": 1,
        "answerable_total": 3,
        "unanswerable_abstained": 0,
        "unanswerable_total": 0,
        "wrong_figures": 1,
        "kinds": {"figure": {"right": 1, "total": 2}, "text": {"right": 0, "total": 1}},
    }


def test_loading_tells_the_two_formats_apart(reports_dir: Path, tmp_path: Path) -> None:
    path = reports_dir / "questions.jsonl"
    assert is_report_format(path)
    questions = load_report_questions(path)
    assert [q.id for q in questions] == ["r-1", "r-2", "r-3", "r-4", "r-5"]
    assert questions[1].answers == ["10/3/2019", "10 tháng 3 năm 2019"]
    assert not questions[4].answerable
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps({"question": "?", "doc_id": "x", "answers": []}) + "\n")
    assert not is_report_format(old)


def test_hoidap_eval_scores_report_questions(
    reports_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _use_env(monkeypatch)
    out = tmp_path / "figures.json"
    questions = str(reports_dir / "questions.jsonl")
    args = ["eval", "--corpus", str(reports_dir), "--questions", questions]
    # one passage quoted: the other file's passage is not among the sources of r-4
    args += ["--json", str(out), "--answerer", "extractive", "--k", "1"]
    assert main(args) == 0
    _check_figures(json.loads(out.read_text(encoding="utf-8")))
    table = capsys.readouterr().out
    assert "answerable right" in table and "2/4" in table
    assert "unanswerable abstained" in table and "1/1" in table
    assert "wrong figures" in table
    assert "r-3 [bao-cao-tai-chinh.txt] no gold answer in the text WRONG FIGURE" in table
    assert "hit@1" not in table  # the other format's figures are not printed


def bench_main(argv: list[str]) -> int:
    """``bench/reports.py ARGV``: its tables on stdout, its progress on stderr."""
    return reports_bench_main(argv, echo=print, note=lambda line: print(line, file=sys.stderr))


def test_bench_reports_runs_and_skips_a_missing_model(
    reports_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import qa.llm_server

    _use_env(monkeypatch, HOIDAP_K="1")
    # whether or not the model is installed here, the bench must say it skips it
    monkeypatch.setattr(qa.llm_server, "runtime_available", lambda: False)
    out = tmp_path / "bench.json"
    args = ["--reports", str(reports_dir), "--answerers", "extractive,local", "--ocr", "off"]
    assert bench_main([*args, "--data-dir", str(tmp_path / "data"), "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures["questions"]) == {"questions.jsonl"}  # no finqa_dev.jsonl here
    answerers = figures["questions"]["questions.jsonl"]["answerers"]
    assert set(answerers) == {"extractive"}
    assert "xllamacpp" in figures["skipped"]["local"]
    _check_figures(answerers["extractive"])
    assert figures["ingest"]["seconds"] > 0 and figures["ingest"]["peak_rss_mb"] > 0
    assert answerers["extractive"]["answer_p95_s"] > 0
    printed = capsys.readouterr().out
    assert "skipping answerer local" in printed
    assert "wrong or missed (extractive): 2" in printed


FINQA = [
    {
        "id": "f-1",
        "doc": "xa-phong.md",
        "question": "tổng tài sản là bao nhiêu",
        "kind": "figure",
        "answers": ["147,913,997,635"],
    },
    {
        "id": "f-2",
        "doc": "xa-phong.md",
        "question": "ty le no phai tra tren tong tai san",
        "kind": "value",
        "values": [2.31],
        "tol": 0.15,
    },
    {
        "id": "f-3",
        "doc": "xa-phong.md",
        "question": "giá vàng SJC tuần sau",
        "kind": "abstain",
        "alt": [],
    },
]
XA_PHONG = (
    "# Công ty Cổ phần Xà phòng Hà Nội\n\n"
    "Tổng tài sản của Công ty tại ngày 31 tháng 12 năm 2024 là 147,913,997,635 đồng.\n\n"
    "Tỷ lệ nợ phải trả trên tổng tài sản là 2,31 %.\n"
)


def test_bench_reports_scores_both_question_files_one_file_per_index(
    reports_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _use_env(monkeypatch, HOIDAP_K="1")
    (reports_dir / "md").mkdir()
    (reports_dir / "md" / "xa-phong.md").write_text(XA_PHONG, encoding="utf-8")
    (reports_dir / "finqa_dev.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in FINQA) + "\n", encoding="utf-8"
    )
    out, data = tmp_path / "bench.json", tmp_path / "data"
    args = ["--reports", str(reports_dir), "--answerers", "extractive", "--ocr", "off"]
    assert bench_main([*args, "--scope", "one", "--data-dir", str(data), "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["scope"] == "one"
    assert set(figures["ingest"]["per_file"]) == {
        "bao-cao-tai-chinh.txt",
        "thong-tu.txt",
        "xa-phong.md",
    }
    # every file in its own index, all of them with the one OCR cache
    own = sorted((data / "one").iterdir())
    assert len(own) == 3
    assert all((d / "ocr-cache").resolve() == (data / "ocr-cache").resolve() for d in own)
    finqa = figures["questions"]["finqa_dev.jsonl"]["answerers"]["extractive"]
    rows = {r["id"]: r for r in finqa["rows"]}
    assert [rows[i]["kind"] for i in ("f-1", "f-2", "f-3")] == ["figure", "value", "abstain"]
    assert rows["f-1"]["right"] and rows["f-3"]["right"]
    assert rows["f-1"]["sources"] == ["xa-phong.md"]
    # one file per index: r-4's name is in the other file, which this index does not hold
    old = figures["questions"]["questions.jsonl"]["answerers"]["extractive"]
    old_rows = {r["id"]: r for r in old["rows"]}
    assert old_rows["r-1"]["right"] and old_rows["r-2"]["right"] and old_rows["r-5"]["right"]
    assert not old_rows["r-4"]["right"]
    printed = capsys.readouterr().out
    assert "== questions.jsonl (5 questions, scope one)" in printed
    assert "== finqa_dev.jsonl (3 questions, scope one)" in printed
    finqa_table = printed.split("== finqa_dev.jsonl")[1]
    assert "figure right" in finqa_table and "value right" in finqa_table
    assert "abstain right" in finqa_table

    # --questions picks one file; a second run reuses the indexes and the shared cache
    capsys.readouterr()
    only = ["--questions", str(reports_dir / "finqa_dev.jsonl"), "--data-dir", str(data)]
    assert bench_main([*args, *only, "--scope", "one", "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures["questions"]) == {"finqa_dev.jsonl"}
    assert set(figures["ingest"]["per_file"]) == {"xa-phong.md"}
    assert "== questions.jsonl" not in capsys.readouterr().out
