"""HTML to PDF with WeasyPrint, safe by construction and bounded in time.

- The only things WeasyPrint may load are `data:` URLs and files under the app's own static
  folder, addressed through a base URL that never resolves (`STATIC_ORIGIN`). Every other URL
  (file:, http:, loopback, other hosts) is refused without being opened; no redirect can be
  followed because nothing is ever opened over a network.
- Rendering runs in a separate process (one per app process, started once through a forkserver
  that has WeasyPrint imported), so a render that exceeds its time limit is killed rather than
  left running, and a failure never yields half a file.
"""

from __future__ import annotations

import mimetypes
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
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

    fetcher = make_fetcher(static_dir)
    page_css = CSS(string=f"@page {{ size: {PAGE_SIZES.get(page_size, 'A4')}; }}", url_fetcher=fetcher)
    documents = [
        HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher).render(
            stylesheets=[page_css], pdf_variant="pdf/ua-1"
        )
        for html in html_documents
    ]
    first = documents[0]
    combined = first if len(documents) == 1 else first.copy([p for d in documents for p in d.pages])
    return combined.write_pdf(pdf_variant="pdf/ua-1")


def _warm_up() -> None:
    import weasyprint  # noqa: F401 - the import alone takes ~0.6 s; pay it once per process


class PdfRenderer:
    """One render process per app process, replaced when a render times out or crashes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["weasyprint"])
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_warm_up)
            return self._executor

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def render(self, html_documents: list[str], *, static_dir: str, page_size: str, timeout: float) -> bytes:
        executor = self._pool()
        future = executor.submit(render_documents, html_documents, static_dir, page_size)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self._discard(executor)
            raise PdfTimeout("Making the PDF took too long.") from None
        except BrokenProcessPool:
            self._discard(executor)
            raise PdfError("The PDF renderer stopped unexpectedly.") from None
        except Exception as error:  # a WeasyPrint failure inside the worker
            raise PdfError("The PDF could not be made.") from error

    def warm(self) -> None:
        """Start the render process ahead of the first request (gunicorn post_worker_init)."""
        self._pool().submit(_warm_up).result()


renderer = PdfRenderer()
