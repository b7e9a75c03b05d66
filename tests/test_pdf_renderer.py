"""The locked-down PDF renderer: only static files and data: URLs, a hard time limit."""

from __future__ import annotations

import base64
import http.server
import threading

import pytest
from pypdf import PdfReader

from careteam import PROJECT_ROOT
from careteam.summary.pdf import PdfTimeout, make_fetcher, render_documents, renderer

STATIC = str(PROJECT_ROOT / "static")


class Listener:
    """A loopback HTTP server that counts every request it receives."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"body{color:red}")

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize(
    "url,served",
    [
        ("https://careteam.invalid/static/css/app.css", True),
        ("https://careteam.invalid/static/../careteam/config.py", False),
        ("https://careteam.invalid/static/%2e%2e/pyproject.toml", False),
        ("https://careteam.invalid/login", False),
        ("file:///etc/passwd", False),
        ("http://127.0.0.1:9/", False),
        ("https://example.org/", False),
        ("data:text/plain;base64," + base64.b64encode(b"hello").decode(), True),
    ],
)
def test_fetcher_serves_only_static_files_and_data_urls(url, served):
    fetcher = make_fetcher(STATIC)
    if served:
        assert fetcher.fetch(url).read()
        assert fetcher.refused == []
    else:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert fetcher.refused == [url]


def test_hostile_markup_makes_no_request(listener, monkeypatch):
    """Even raw (unescaped) markup cannot make WeasyPrint fetch anything outside static/."""
    seen = []
    original = make_fetcher

    def spy(static_dir):
        fetcher = original(static_dir)
        seen.append(fetcher)
        return fetcher

    monkeypatch.setattr("careteam.summary.pdf.make_fetcher", spy)
    html = f"""<html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="http://127.0.0.1:{listener.port}/a.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("http://127.0.0.1:{listener.port}/b.css");
             body {{ background: url("http://127.0.0.1:{listener.port}/c.png") }}</style></head>
      <body><img src="file:///etc/passwd"><img src="http://127.0.0.1:{listener.port}/d.png">
      <p>text</p></body></html>"""
    pdf = render_documents([html], STATIC, "A4")
    assert listener.hits == []
    assert len(seen[0].refused) >= 5
    assert b"root:" not in pdf
    assert not PdfReader(__import__("io").BytesIO(pdf)).attachments


def test_page_size_and_accessibility_metadata():
    html = '<html lang="en"><head><title>Handover</title><meta name="author" content="careteam"></head><body><h1>Hi</h1></body></html>'
    import io

    for size, width in (("A4", 595), ("Letter", 612)):
        reader = PdfReader(io.BytesIO(render_documents([html], STATIC, size)))
        assert round(float(reader.pages[0].mediabox.width)) == width
        assert reader.metadata.title == "Handover"
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_several_documents_make_one_file():
    import io

    html = '<html lang="en"><head><title>x</title></head><body><p>one page</p></body></html>'
    reader = PdfReader(io.BytesIO(render_documents([html, html, html], STATIC, "A4")))
    assert len(reader.pages) == 3


def test_time_limit_kills_the_render_and_the_next_one_works():
    huge = "<html><body>" + "<table>" + "<tr><td>cell</td></tr>" * 40000 + "</table></body></html>"
    with pytest.raises(PdfTimeout):
        renderer.render([huge], static_dir=STATIC, page_size="A4", timeout=0.5)
    small = '<html lang="en"><head><title>ok</title></head><body>ok</body></html>'
    assert renderer.render([small], static_dir=STATIC, page_size="A4", timeout=30).startswith(b"%PDF")


SMALL = '<html lang="en"><head><title>ok</title></head><body>ok</body></html>'


def _render_process_pids() -> set[int]:
    import multiprocessing

    return {child.pid for child in multiprocessing.active_children()}


def test_renders_run_in_parallel_in_a_pool_and_stopping_it_leaves_no_process():
    from concurrent.futures import ThreadPoolExecutor

    from careteam.summary.pdf import PdfRenderer

    pool = PdfRenderer()
    try:
        with ThreadPoolExecutor(4) as requesters:
            pdfs = list(requesters.map(
                lambda _: pool.render([SMALL], static_dir=STATIC, page_size="A4", timeout=60, workers=2), range(4)))
        assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
        workers = [w.pid for w in pool._pool._pool_manager.worker_manager.workers.values()]
        assert len(workers) == 2
    finally:
        pool.stop()
    import os

    for pid in workers:
        with pytest.raises(OSError):  # gone, not orphaned
            os.kill(pid, 0)


def _address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_render_processes_have_a_memory_cap():
    from careteam.summary.pdf import PdfRenderer

    pool = PdfRenderer()
    try:
        processes = pool._get_pool(1, 600)
        assert processes.schedule(_address_space_limit).result(timeout=60) == 600 * 1024 * 1024
        with pytest.raises(MemoryError):  # more than the cap: refused, the process lives on
            processes.schedule(_allocate, args=(700,)).result(timeout=60)
        assert pool.render([SMALL], static_dir=STATIC, page_size="A4", timeout=60, workers=1,
                           memory_mb=600).startswith(b"%PDF")
    finally:
        pool.stop()


def test_a_render_still_queued_at_its_deadline_is_refused_in_time():
    import time

    from careteam.summary.pdf import PdfRenderer

    pool = PdfRenderer()
    huge = "<html><body>" + "<table>" + "<tr><td>cell</td></tr>" * 40000 + "</table></body></html>"
    try:
        pool.warm(1, 1024)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as requesters:
            slow = requesters.submit(pool.render, [huge], static_dir=STATIC, page_size="A4", timeout=3, workers=1)
            time.sleep(0.2)
            started = time.monotonic()
            with pytest.raises(PdfTimeout):
                pool.render([SMALL], static_dir=STATIC, page_size="A4", timeout=1, workers=1)
            assert time.monotonic() - started < 2.5
            with pytest.raises(PdfTimeout):
                slow.result()
    finally:
        pool.stop()
