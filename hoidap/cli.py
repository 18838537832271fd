"""The ``hoidap`` command: ingest, ask, serve, eval.

Heavy libraries are imported inside each command so ``hoidap --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from hoidap.errors import UserError
from hoidap.settings import (
    ANSWERERS,
    Settings,
    get_settings,
    quiet_network,
    set_settings,
)

OCR_CHOICES = ("auto", "off", "tesseract", "trueocr")  # ingest.ocr.OCR_MODES, without importing it


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="thư mục dữ liệu (HOIDAP_DATA_DIR)")
    parser.add_argument("--chroma-url", help="máy chủ Chroma, ví dụ http://127.0.0.1:8000")
    parser.add_argument("--chroma-path", help="thư mục Chroma nhúng (HOIDAP_CHROMA_PATH)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log chi tiết")


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings().replace(
        data_dir=getattr(args, "data_dir", None),
        chroma_url=getattr(args, "chroma_url", None),
        chroma_path=getattr(args, "chroma_path", None),
        answerer=getattr(args, "answerer", None),
        k=getattr(args, "k", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        auth=getattr(args, "auth", None),
        ocr=getattr(args, "ocr", None),
        api_key=getattr(args, "api_key", None),
        allow_anonymous_questions=getattr(args, "allow_anonymous_questions", None),
    )
    set_settings(settings)
    return settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ingest.pipeline import ingest

    settings = _settings(args)
    bar = tqdm(total=0, unit="tệp", desc="Nạp tài liệu", disable=args.quiet, file=sys.stderr)
    pages = tqdm(
        total=0, unit="trang", desc="Đọc trang", disable=args.quiet, file=sys.stderr, leave=False
    )

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name[-40:], refresh=False)
        bar.refresh()

    def page_progress(done: int, total: int, name: str) -> None:
        if pages.total != total or done <= 1:
            pages.reset(total=total)
            pages.set_postfix_str(name[-30:], refresh=False)
        pages.n = done
        pages.refresh()

    try:
        report = ingest(
            args.paths,
            prune=args.prune,
            settings=settings,
            progress=progress,
            page_progress=page_progress,
        )
    except UserError as exc:  # busy, server down, disk full, read-only data directory
        pages.close()
        bar.close()
        print(str(exc), file=sys.stderr)
        return 3 if type(exc).__name__ == "IngestBusyError" else 4
    pages.close()
    bar.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        for source, error in report.failed:
            print(f"LỖI {source}: {error}", file=sys.stderr)
        for source, note in report.notes:
            print(f"{source}: {note}", file=sys.stderr)
        print(report.summary())
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.api import answer

    settings = _settings(args)
    try:
        result = answer(
            args.question, settings=settings, answerer=args.answerer, documents=args.doc
        )
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.csv:
        from qa.figures import figures_csv

        with open(args.csv, "w", encoding="utf-8", newline="") as out:
            out.write(figures_csv(result.figures))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(result.text)
    if result.note:  # why it abstained, or what to check (a figure OCR misread, a column)
        print(f"\nGhi chú (note): {result.note}")
    if result.sources:
        print("\nNguồn:")
        for number, source in enumerate(result.sources, start=1):
            page = f", trang {source.page}" if source.page else ""
            snippet = " ".join(source.text.split())[:160]
            print(f"[{number}] {source.source}{page} — {snippet}…")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.access import exposure
    from ui.app import serve

    settings = _settings(args)
    # who can reach the page and do what; a server open to all with no credential is refused
    print("\n".join(exposure(settings)), flush=True)
    serve(settings)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from hoidap.evaluate import run_eval

    settings = _settings(args)
    return run_eval(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hoidap", description="Hỏi đáp trên báo cáo tiếng Việt (Vietnamese report QA)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="nạp / cập nhật tài liệu (add, update, prune documents)")
    p.add_argument("paths", nargs="+", help="tệp hoặc thư mục")
    p.add_argument("--prune", action="store_true", help="xóa tài liệu có tệp đã mất")
    p.add_argument("--json", action="store_true", help="in báo cáo dạng JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument(
        "--ocr",
        choices=OCR_CHOICES,
        help="nhận dạng chữ trang scan: auto (mặc định), off, tesseract, trueocr (HOIDAP_OCR)",
    )
    _common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="đặt câu hỏi (ask a question)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument(
        "--answerer",
        choices=ANSWERERS,
        help="extractive | local | openai | auto (mặc định / default: HOIDAP_ANSWERER, auto)",
    )
    p.add_argument("--k", type=int, help="số đoạn trích dẫn (number of passages)")
    p.add_argument(
        "--doc",
        action="append",
        metavar="NAME",
        help="chỉ hỏi trong tài liệu này: tên tệp, mẫu glob, tên công ty hoặc mã chứng khoán; "
        "lặp lại để hỏi nhiều tài liệu (only this report: a file name, a glob, a company or a "
        "ticker; repeatable)",
    )
    p.add_argument(
        "--csv",
        metavar="FILE",
        help="ghi bảng số liệu theo từng báo cáo ra tệp CSV (the per-report figures as CSV)",
    )
    _common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="mở trang chat (start the chat page)")
    p.add_argument("--host", help="mặc định 127.0.0.1")
    p.add_argument("--port", type=int, help="mặc định 7860")
    p.add_argument("--auth", help="user:password (HOIDAP_AUTH)")
    p.add_argument(
        "--api-key",
        help="khóa Bearer cho API /v1 tương thích OpenAI (HOIDAP_API_KEY; mặc định: mật khẩu "
        "--auth, hoặc chỉ máy này khi không có)",
    )
    p.add_argument(
        "--allow-anonymous-questions",
        action="store_true",
        default=None,
        help="trên host không phải loopback: cho hỏi mà không cần đăng nhập hay khóa API; nạp "
        "và xóa vẫn cần (HOIDAP_ALLOW_ANONYMOUS_QUESTIONS)",
    )
    _common(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="đánh giá truy hồi và trả lời (evaluate on a QA set)")
    p.add_argument("--corpus", action="append", required=True, help="thư mục tài liệu")
    p.add_argument("--questions", required=True, help="tệp JSONL câu hỏi")
    p.add_argument("--k", type=int, default=5)
    p.add_argument(
        "--answerer",
        choices=ANSWERERS,
        default="extractive",
        help="extractive (mặc định: đo truy hồi nhanh) | local | openai | auto",
    )
    p.add_argument("--limit", type=int, help="chỉ hỏi N câu đầu")
    p.add_argument("--no-diacritics", action="store_true", help="bỏ dấu câu hỏi trước khi hỏi")
    p.add_argument("--json", dest="json_out", help="ghi kết quả ra tệp JSON")
    _common(p)
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    quiet_network()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("bm25s", "httpx", "chromadb", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        return int(args.func(args))
    except UserError as exc:  # settings that contradict each other, and any other user error
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
