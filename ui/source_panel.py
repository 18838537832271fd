"""The source viewer: a citation [n] or a source card opens the original file at the passage.

A PDF passage is shown as its page, rendered, with the passage boxed (from the OCR word
boxes on a scan), with next/previous page; a DOCX, HTML, TXT or MD passage is marked in
the text around it. Either way the original file can be downloaded.

The browser sends only a chunk id (from the answer's sources); :func:`ui.source_view.locate`
looks it up in the index, and the file shown is the one the manifest holds for it, so no
path from a request reaches the disk. Events go through Gradio's queue, which refuses them
without a session when ``--auth`` is on; the handlers check the user too. The original is
offered as a copy outside the data dir, which Gradio's file routes never serve.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from hoidap.settings import Settings
from ui import render
from ui.source_view import Located, NotShown, context_html, locate, original_copy, page_view

log = logging.getLogger(__name__)

SOURCE_GROUP = "sources"
SOURCE_CONCURRENCY = 2
PAGE_QUALITY = 90
PAGES_KEPT_SECONDS = 3600
SOURCE_EVENT: dict[str, Any] = {
    "concurrency_id": SOURCE_GROUP,
    "concurrency_limit": SOURCE_CONCURRENCY,
    "api_visibility": "private",
    "show_progress": "hidden",
}
QUICK_EVENT: dict[str, Any] = {"api_visibility": "private", "queue": False}
FAILED = "Không mở được tài liệu gốc lúc này; hãy thử lại."
SIGN_IN = "Hãy đăng nhập để xem tài liệu gốc."

# Clicks on [n] in the chat and on source cards, anywhere on the page, become this
# component's "click" event with the chunk id; Esc closes the viewer. The chat keeps class
# names but drops data attributes, so a citation carries its chunk id as "hd-chunk-<id>".
BRIDGE_JS = r"""
window.hdOpenSource = (chunk) => trigger('click', {chunk: String(chunk || '')});
if (!window.hdSourceClicks) {
  window.hdSourceClicks = true;
  const chunkOf = (el) => {
    if (el.dataset && el.dataset.chunk) return el.dataset.chunk;
    const m = (el.className || '').toString().match(/(?:^|\s)hd-chunk-([0-9A-Za-z_-]+)/);
    return m ? m[1] : '';
  };
  const opener = (target) => {
    if (!(target instanceof Element)) return null;
    const cite = target.closest('#hd-chat a.cite');
    if (cite) return cite;
    const button = target.closest('#hd-sources [data-chunk].src-open');
    if (button) return button;
    return target.closest('#hd-sources .src-card[data-chunk]');
  };
  document.addEventListener('click', (event) => {
    const el = opener(event.target);
    if (!el) return;
    const chunk = chunkOf(el);
    if (!chunk) return;  // an old answer without ids: the link still jumps to its card
    if (el.matches('.src-card') && String(window.getSelection() || '').trim()) return;
    event.preventDefault();
    window.hdOpenSource(chunk);
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      const close = document.querySelector('#hd-viewer-close');
      if (close && close.offsetParent !== null) close.click();
    } else if (event.key === 'Enter' && event.target instanceof Element
               && event.target.matches('.src-open[data-chunk]')) {
      event.preventDefault();
      window.hdOpenSource(event.target.dataset.chunk);
    }
  });
  // bring the mark into view once the page image (or the text) is there
  window.hdFocusViewer = () => {
    const box = document.getElementById('hd-viewer');
    if (!box) return;
    const head = box.querySelector('.vw-head');
    const mark = box.querySelector('#hd-viewer-text mark');
    if (mark) { mark.scrollIntoView({block: 'center'}); return; }
    const focus = head && head.dataset.focus ? parseFloat(head.dataset.focus) : NaN;
    let tries = 0;
    const step = () => {
      const img = box.querySelector('#hd-viewer-image img');
      if (img && img.complete && img.naturalHeight > 0) {
        if (isNaN(focus)) { box.scrollTop = 0; return; }
        const top = img.getBoundingClientRect().top - box.getBoundingClientRect().top;
        box.scrollTop += top + img.clientHeight * focus - box.clientHeight * 0.4;
      } else if (tries++ < 50) {
        setTimeout(step, 100);
      }
    };
    step();
  };
}
"""
HEAD_JS = "watch('value', () => window.hdFocusViewer && window.hdFocusViewer());"


@dataclass
class SourceViewer:
    """The viewer's components: the click bridge, and the dialog that shows a source."""

    bridge: Any
    box: Any
    head: Any
    prev: Any
    next: Any
    download: Any
    close: Any
    image: Any
    text: Any


def build_source_viewer() -> SourceViewer:
    """The viewer, closed: a dialog over the page (CSS ``#hd-viewer``)."""
    bridge = gr.HTML("", js_on_load=BRIDGE_JS, elem_id="hd-source-bridge")
    with gr.Column(visible=False, elem_id="hd-viewer") as box:
        with gr.Row(elem_id="hd-viewer-bar", equal_height=True):
            head = gr.HTML(render.VIEWER_LOADING, js_on_load=HEAD_JS, elem_id="hd-viewer-head")
            prev = gr.Button(
                "◀ Trang trước",
                size="sm",
                scale=0,
                min_width=110,
                visible=False,
                elem_id="hd-viewer-prev",
            )
            nxt = gr.Button(
                "Trang sau ▶",
                size="sm",
                scale=0,
                min_width=110,
                visible=False,
                elem_id="hd-viewer-next",
            )
            download = gr.DownloadButton(
                "⬇️ Tải tệp gốc",
                size="sm",
                scale=0,
                min_width=130,
                visible=False,
                elem_id="hd-viewer-download",
            )
            close = gr.Button("✕ Đóng", size="sm", scale=0, min_width=80, elem_id="hd-viewer-close")
        image = gr.Image(
            type="filepath",
            interactive=False,
            show_label=False,
            buttons=["fullscreen"],
            visible=False,
            container=False,
            elem_id="hd-viewer-image",
        )
        text = gr.HTML("", visible=False, elem_id="hd-viewer-text")
    return SourceViewer(bridge, box, head, prev, nxt, download, close, image, text)


@dataclass(frozen=True)
class Viewing:
    """What the viewer shows now (kept server-side, in the session's state)."""

    chunk_id: str
    quote: str
    page: int | None
    pages: int | None


def _request_chunk(evt: Any) -> str:
    data = getattr(evt, "_data", None)
    chunk = data.get("chunk") if isinstance(data, dict) else None
    return chunk if isinstance(chunk, str) else ""


def _save_page(image: Any, root: Path | None = None) -> Path:
    """The page image as a JPEG outside the data dir, for gr.Image to serve."""
    root = root or Path(tempfile.gettempdir()) / "hoidap-pages"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - PAGES_KEPT_SECONDS
    for old in root.glob("*.jpg"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            continue
    path = root / f"{uuid.uuid4().hex}.jpg"
    image.save(path, "JPEG", quality=PAGE_QUALITY, subsampling=0)
    return path


class SourceHandlers:
    """The viewer's events for one data directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _allowed(self, request: Any) -> bool:
        return not self.settings.auth or bool(getattr(request, "username", None))

    # the outputs, in order: box, head, image, text, prev, next, download, viewing
    def _refused(self, message: str) -> tuple[Any, ...]:
        hidden = gr.update(visible=False)
        return (
            gr.Column(visible=True),
            render.viewer_refusal_html(message),
            gr.Image(value=None, visible=False),
            gr.HTML("", visible=False),
            hidden,
            hidden,
            gr.DownloadButton(value=None, visible=False),
            None,
        )

    def _download(self, located: Located) -> Any:
        try:
            copy = original_copy(located)
        except OSError:
            log.warning("no copy of %s to download", located.name, exc_info=True)
            return gr.DownloadButton(value=None, visible=False)
        return gr.DownloadButton(value=str(copy), visible=True)

    def show(
        self, chunk_id: str, quote: str, page: int | None, request: Any = None
    ) -> tuple[Any, ...]:
        """The viewer showing ``chunk_id``'s passage (on ``page`` of a PDF), or a refusal."""
        if not self._allowed(request):
            return self._refused(SIGN_IN)
        try:
            located = locate(self.settings, chunk_id)
            if located.is_pdf:
                return self._show_page(located, quote, page)
            return self._show_text(located, quote)
        except NotShown as exc:
            return self._refused(str(exc))
        except Exception:
            log.exception("showing source %r failed", chunk_id[:80])
            return self._refused(FAILED)

    def _show_page(self, located: Located, quote: str, page: int | None) -> tuple[Any, ...]:
        view = page_view(self.settings, located, quote, page)
        log.info("page %s of %s shown in %.3f s", view.page, located.name, view.seconds)
        path = _save_page(view.image)
        at_passage = view.page in {located.page or 1, (located.page or 1) + 1}
        head = render.viewer_head_html(
            located.name,
            page=view.page,
            pages=view.pages,
            marked=view.boxes > 0,
            recognized=view.recognized,
            focus=view.focus,
            at_passage=at_passage and page is None,
        )
        alt = f"Trang {view.page}/{view.pages} của {located.name}"
        return (
            gr.Column(visible=True),
            head,
            gr.Image(value=str(path), visible=True, alt_text=alt),
            gr.HTML("", visible=False),
            gr.Button(visible=True, interactive=view.page > 1),
            gr.Button(visible=True, interactive=view.page < view.pages),
            self._download(located),
            Viewing(located.chunk_id, quote, view.page, view.pages),
        )

    def _show_text(self, located: Located, quote: str) -> tuple[Any, ...]:
        body = context_html(self.settings, located, quote)
        hidden = gr.update(visible=False)
        return (
            gr.Column(visible=True),
            render.viewer_head_html(located.name),
            gr.Image(value=None, visible=False),
            gr.HTML(body, visible=True),
            hidden,
            hidden,
            self._download(located),
            Viewing(located.chunk_id, quote, None, None),
        )

    # -- events --------------------------------------------------------------------------
    @staticmethod
    def on_request(evt: gr.EventData) -> tuple[str, Any, str]:
        """A click asked for a chunk: the dialog opens at once, saying it is opening."""
        return _request_chunk(evt), gr.Column(visible=True), render.VIEWER_LOADING

    def on_open(
        self, chunk_id: str | None, cited: dict[str, str] | None, request: gr.Request
    ) -> tuple[Any, ...]:
        """Show the passage, marked with what the answer quoted from it (else the passage)."""
        chunk_id = chunk_id or ""
        quote = (cited or {}).get(chunk_id, "") if isinstance(cited, dict) else ""
        return self.show(chunk_id, quote, None, request)

    def _turn(self, viewing: Viewing | None, step: int, request: Any) -> tuple[Any, ...]:
        if not isinstance(viewing, Viewing) or viewing.page is None:
            return self._refused("Không có trang nào đang mở.")
        return self.show(viewing.chunk_id, viewing.quote, viewing.page + step, request)

    def on_previous(self, viewing: Viewing | None, request: gr.Request) -> tuple[Any, ...]:
        return self._turn(viewing, -1, request)

    def on_next(self, viewing: Viewing | None, request: gr.Request) -> tuple[Any, ...]:
        return self._turn(viewing, 1, request)

    @staticmethod
    def on_close() -> tuple[Any, None]:
        return gr.Column(visible=False), None


def wire_source_viewer(
    viewer: SourceViewer, handlers: SourceHandlers, cited: Any, viewing: Any, asked: Any
) -> None:
    """Clicks open the viewer; next/previous turn pages; ✕ and Esc close it."""
    shown = [
        viewer.box,
        viewer.head,
        viewer.image,
        viewer.text,
        viewer.prev,
        viewer.next,
        viewer.download,
        viewing,
    ]
    viewer.bridge.click(
        handlers.on_request, None, [asked, viewer.box, viewer.head], **QUICK_EVENT
    ).then(handlers.on_open, [asked, cited], shown, **SOURCE_EVENT)
    viewer.prev.click(handlers.on_previous, [viewing], shown, **SOURCE_EVENT)
    viewer.next.click(handlers.on_next, [viewing], shown, **SOURCE_EVENT)
    viewer.close.click(handlers.on_close, None, [viewer.box, viewing], **QUICK_EVENT)
