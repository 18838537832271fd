"""A file whose name is not UTF-8 (``b"b\\xe1o-c\\xff.txt"``) is ingested beside the same report
under a good name, with the real model: its bytes are kept only to open the file; what is
embedded, indexed, stored beside the chunks, put in JSON and shown is valid Unicode (U+FFFD
for the bytes), and a second run skips both files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from hoidap.files import readable
from hoidap.settings import Settings
from ingest import ingest
from ingest.library import chunks, documents
from qa.api import answer
from store.index import search_text
from tests.conftest import SAMPLE

QUESTION = "Có bao nhiêu cán bộ, chiến sĩ được huy động phòng chống dịch?"
FIGURE = "1.700"
BAD_NAME = b"b\xe1o-c\xff.txt"
SHOWN_NAME = "b\ufffdo-c\ufffd.txt"


def _valid(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "reports"
    folder.mkdir()
    good = folder / "bao-cao.txt"
    shutil.copy(SAMPLE, good)
    raw = os.fsencode(folder) + b"/" + BAD_NAME
    with open(raw, "wb") as handle:
        handle.write(SAMPLE.read_bytes())
    return folder, good, Path(os.fsdecode(raw))


def test_readable_keeps_good_text_and_replaces_what_is_not() -> None:
    assert readable("Báo cáo 2024.docx") == "Báo cáo 2024.docx"
    assert readable(os.fsdecode(BAD_NAME)) == SHOWN_NAME
    assert readable("nửa \ud83d emoji") == "nửa \ufffd\ufffd\ufffd emoji"  # no byte behind it
    assert readable(readable(os.fsdecode(BAD_NAME))) == SHOWN_NAME


def test_a_name_that_is_not_utf8_is_ingested_shown_answerable_and_skipped_next_time(
    settings: Settings, tmp_path: Path
) -> None:
    folder, good, bad = _folder(tmp_path)

    report = ingest([folder], settings=settings)  # raised TypeError in the encoder before

    shown_bad = readable(str(bad.resolve()))
    assert SHOWN_NAME in shown_bad
    assert sorted(report.added) == sorted([str(good.resolve()), shown_bad])
    assert not report.failed
    assert json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")

    # the manifest keeps the bytes (its key opens the file); everything else is readable
    docs = documents(settings)
    assert str(bad.resolve()) in docs
    record = docs[str(bad.resolve())]
    assert record.name == SHOWN_NAME
    assert record.title == "b\ufffdo-c\ufffd"  # the loader's fall-back title: the file's stem
    stored = chunks(settings, record.chunk_ids)
    assert len(stored) == len(record.chunk_ids) > 0
    for text, meta in stored.values():
        assert meta["source"] == shown_bad and meta["name"] == SHOWN_NAME
        assert all(_valid(str(v)) for v in meta.values())
        assert _valid(search_text(text, meta))

    # a second run of the same folder reads neither file again: the manifest key is stable
    again = ingest([folder], settings=settings)
    assert sorted(again.unchanged) == sorted([str(good.resolve()), shown_bad])
    assert not again.added and not again.updated and again.chunks_written == 0

    # with the good copy gone, the question is answered from the one with the odd name
    from ingest.library import delete_documents

    assert delete_documents([str(good.resolve())], settings=settings)
    result = answer(QUESTION, settings=settings)
    assert FIGURE in result.text
    assert result.sources and Path(result.sources[0].source).name == SHOWN_NAME
    assert json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")


def test_the_documents_tab_and_api_show_and_delete_it_by_its_shown_source(
    settings: Settings, tmp_path: Path
) -> None:
    from ui.api import ApiHandlers
    from ui.documents import DocumentHandlers
    from ui.examples import ExampleCache

    _, _, bad = _folder(tmp_path)
    ingest([bad], settings=settings)
    docs = DocumentHandlers(settings, ExampleCache(settings))
    api = ApiHandlers(settings, docs)

    listed = api.api_documents()
    assert [d["name"] for d in listed] == [SHOWN_NAME]
    assert json.dumps(listed, ensure_ascii=False).encode("utf-8")
    header, rows, picker = docs.library()
    assert json.dumps([header, rows, picker.choices], ensure_ascii=False).encode("utf-8")
    [(label, value)] = picker.choices
    assert label == SHOWN_NAME and value == listed[0]["source"]

    status, *_ = docs.on_delete([value], None)  # the page's delete sends the shown source
    assert SHOWN_NAME in status and _valid(status)
    assert documents(settings) == {}
    assert bad.exists()  # a file outside the uploads folder is only taken out of the index
