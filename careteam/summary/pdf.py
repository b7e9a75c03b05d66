"""HTML to PDF with WeasyPrint, safe by construction and bounded in time.

- The only things WeasyPrint may load are `data:` URLs and files under the app's own static
  folder, addressed through a base URL that never resolves (`STATIC_ORIGIN`). Every other URL
  (file:, http:, loopback, other hosts) is refused without being opened; no redirect can be
  followed because nothing is ever opened over a network.
- Rendering runs in a separate process (`python -m careteam.summary.pdf_worker`, one per app
  process, WeasyPrint imported once), so a render that exceeds its time limit is killed rather
  than left running, and a failure never yields half a file.
"""

from __future__ import annotations

import mimetypes
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from careteam.summary.pdf_worker import read_message, write_message

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


class PdfRenderer:
    """One render process per app process, started on first use and replaced when a render
    times out or the process dies. Renders queue for it; waiting counts against the time limit."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "careteam.summary.pdf_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=str(Path(__file__).resolve().parents[2]),
        )
        self._process = process
        return process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _answer(self, process: subprocess.Popen, deadline: float):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([process.stdout], [], [], max(remaining, 0))
        if not ready:
            raise PdfTimeout("Making the PDF took too long.")
        answer = read_message(process.stdout)
        if answer is None:
            raise PdfError("The PDF renderer stopped unexpectedly.")
        return answer

    def render(self, html_documents: list[str], *, static_dir: str, page_size: str, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise PdfTimeout("The PDF renderer is busy; making the PDF took too long.")
        try:
            process = self._process if self._process and self._process.poll() is None else None
            if process is None:
                process = self._start()
                self._answer(process, deadline)  # "ready": WeasyPrint is imported
            write_message(process.stdin, (html_documents, static_dir, page_size))
            status, result = self._answer(process, deadline)
        except (PdfError, OSError) as error:
            self._stop()
            if isinstance(error, PdfError):
                raise
            raise PdfError("The PDF renderer stopped unexpectedly.") from error
        finally:
            self._lock.release()
        if status != "ok":
            raise PdfError("The PDF could not be made.") from RuntimeError(result)
        return result

    def warm(self) -> None:
        """Start the render process ahead of the first request (gunicorn's post_worker_init)."""
        with self._lock:
            if self._process is None:
                self._answer(self._start(), time.monotonic() + 60)


renderer = PdfRenderer()
