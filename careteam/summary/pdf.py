"""HTML to PDF with WeasyPrint, safe by construction and bounded in time.

- The only things WeasyPrint may load are `data:` URLs and files under the app's own static
  folder, addressed through a base URL that never resolves (`STATIC_ORIGIN`). Every other URL
  (file:, http:, loopback, other hosts) is refused without being opened; no redirect can be
  followed because nothing is ever opened over a network.
- Rendering runs in a pool of render processes (pebble), sized to the machine's cores and
  started once per app process on first use. A render that exceeds its time limit is killed
  rather than left running, a render process has a memory cap, and a failure never yields half
  a file. The pool is stopped when the app process exits, so no render process is orphaned.
"""

from __future__ import annotations

import atexit
import mimetypes
import multiprocessing
import os
import threading
import time
from concurrent.futures import CancelledError, TimeoutError as FutureTimeout
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATIC_ORIGIN = "https://careteam.invalid/"
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}


class PdfError(Exception):
    """The PDF could not be made; the message is safe to show."""


class PdfTimeout(PdfError):
    pass


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LockedFetcher(URLFetcher):
        """Serves data: URLs and the app's static files; refuses (and remembers) everything else."""

        def __init__(self, static_dir: str):
            super().__init__(allowed_protocols=["data"], allow_redirects=False, timeout=1)
            self.static_root = Path(static_dir).resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            static_prefix = STATIC_ORIGIN + "static/"
            if url.startswith(static_prefix):
                relative = unquote(urlsplit(url).path)[len("/static/"):]
                path = (self.static_root / relative).resolve()
                if path.is_relative_to(self.static_root) and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
            self.refused.append(url)
            raise ValueError("careteam renders only its own static files")

    return LockedFetcher


def make_fetcher(static_dir: str):
    return _url_fetcher_class()(static_dir)


def render_documents(html_documents: list[str], static_dir: str, page_size: str) -> bytes:
    """Render one or more HTML documents into one PDF (pages in order). Runs in the worker."""
    from weasyprint import CSS, HTML

    from careteam.summary import pdf_tagging
    from careteam.summary.pdf_balance import balanced

    pdf_tagging.install()  # header and footer as artifacts, TH cells with a scope
    fetcher = make_fetcher(static_dir)
    page_css = CSS(string=f"@page {{ size: {PAGE_SIZES.get(page_size, 'A4')}; }}", url_fetcher=fetcher)

    def layout(html: str, extra_css: str | None):
        sheets = [page_css] + ([CSS(string=extra_css, url_fetcher=fetcher)] if extra_css else [])
        return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher).render(
            stylesheets=sheets, pdf_variant="pdf/ua-1")

    # each document laid out again with tighter or roomier spacing when its last page is nearly empty
    documents = [balanced(lambda extra_css, html=html: layout(html, extra_css)) for html in html_documents]
    first = documents[0]
    combined = first if len(documents) == 1 else first.copy([p for d in documents for p in d.pages])
    return combined.write_pdf(pdf_variant="pdf/ua-1")


def _start_render_process(memory_cap_bytes: int) -> None:
    """Pool initializer: cap the address space, then import WeasyPrint once (~0.6 s)."""
    if memory_cap_bytes > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_cap_bytes, memory_cap_bytes))
    import weasyprint  # noqa: F401


class PdfRenderer:
    """A pool of render processes per app process, created on first use.

    Render processes are forked from a single-threaded fork server (never from the threaded app
    worker itself). The time limit covers waiting in the queue and rendering: a render still
    waiting at its deadline is cancelled, a running one is killed and its process replaced."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pool = None
        self._owner_pid: int | None = None
        self._waiting = 0
        self.on_render = None  # optional callback(seconds, outcome), e.g. for metrics
        self.on_queue = None  # optional callback(renders waiting or running)

    def _get_pool(self, workers: int, memory_mb: int):
        with self._lock:
            if self._pool is not None and self._owner_pid == os.getpid() and self._pool.active:
                return self._pool
            from pebble import ProcessPool

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["careteam.summary.pdf", "weasyprint"])  # shared by every render process
            self._pool = ProcessPool(max_workers=workers or os.cpu_count() or 1, context=context,
                                     initializer=_start_render_process, initargs=(memory_mb * 1024 * 1024,))
            self._owner_pid = os.getpid()
            return self._pool

    def stop(self) -> None:
        """Stop the pool and its render processes (at exit, or in tests)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if pool is not None and self._owner_pid == os.getpid():
                pool.stop()
                pool.join(timeout=10)

    def _queue_changed(self, change: int) -> None:
        with self._lock:
            self._waiting += change
            waiting = self._waiting
        if self.on_queue is not None:
            self.on_queue(waiting)

    def render(self, html_documents: list[str], *, static_dir: str, page_size: str, timeout: float,
               workers: int = 0, memory_mb: int = 0) -> bytes:
        started = time.monotonic()
        pool = self._get_pool(workers, memory_mb)
        self._queue_changed(+1)
        outcome = "error"
        try:
            future = pool.schedule(render_documents, args=(html_documents, static_dir, page_size), timeout=timeout)
            try:
                pdf = future.result(timeout=max(timeout - (time.monotonic() - started), 0.001))
            except (FutureTimeout, CancelledError) as error:
                future.cancel()  # still queued: dropped; running: its process is killed
                outcome = "timeout"
                raise PdfTimeout("Making the PDF took too long.") from error
            except MemoryError as error:
                raise PdfError("The PDF could not be made.") from error
            except Exception as error:  # the render failed, or its process died (pebble's ProcessExpired)
                raise PdfError("The PDF could not be made.") from error
            outcome = "success"
            return pdf
        finally:
            self._queue_changed(-1)
            if self.on_render is not None:
                self.on_render(time.monotonic() - started, outcome)

    def warm(self, workers: int = 0, memory_mb: int = 0) -> None:
        """Start the pool ahead of the first request (gunicorn's post_worker_init)."""
        self._get_pool(workers, memory_mb)


renderer = PdfRenderer()
atexit.register(renderer.stop)
