"""gunicorn settings; each can be overridden on the command line or with GUNICORN_CMD_ARGS."""

import gc
import os

bind = os.environ.get("CARETEAM_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("CARETEAM_WORKERS", "2"))
# Threads keep a slow request (a PDF render) from holding a whole worker.
worker_class = "gthread"
threads = int(os.environ.get("CARETEAM_THREADS", "4"))
timeout = 60
graceful_timeout = 20
accesslog = None  # careteam logs each request itself, without URLs that could carry tokens
errorlog = "-"
loglevel = "info"


def post_worker_init(worker):
    # Start this worker's PDF render pool now rather than on the first download (~3 s).
    from careteam.summary.pdf import renderer

    config = worker.wsgi.config
    renderer.warm(config["CARETEAM_PDF_WORKERS"], config["CARETEAM_PDF_MEMORY_MB"])
    # Full collections of the app's long-lived objects caused a ~25 ms p99 tail; freezing
    # them after start-up takes them out of every later collection.
    gc.collect()
    gc.freeze()
