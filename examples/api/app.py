"""A minimal Flask API wired with mac's instrumentation and Sentry (see the README).

    FLASK_APP=examples/api/app.py flask run          # or: gunicorn 'examples.api.app:app'
    SENTRY_DSN=https://…@…/1 SENTRY_RELEASE=api@1.2.3  to turn Sentry on

Routes exercise each path the dashboards and alerts watch: success, client and server
errors, slow responses, and a background job queue."""
from __future__ import annotations

import logging
import os
import queue
import threading
import time

from flask import Flask, abort, g, jsonify, request

from monitoring_as_code.instrument import instrument, set_queue_size, track_job
from monitoring_as_code.sentry import init_sentry

HERE = os.path.dirname(os.path.abspath(__file__))
SENTRY_CONFIG = os.environ.get("MAC_SENTRY_CONFIG",
                               os.path.join(HERE, "..", "..", "build", "sentry", "backend.json"))
log = logging.getLogger("api")
log.setLevel(logging.INFO)  # INFO records become Sentry breadcrumbs

ORDERS = {1: {"id": 1, "item": "coffee"}, 2: {"id": 2, "item": "tea"}}
jobs: "queue.Queue[dict]" = queue.Queue()


def create_app(sentry_config=SENTRY_CONFIG, **sentry_options) -> Flask:
    app = Flask(__name__)

    @app.before_request
    def identify():  # a stand-in for real authentication; runs before Sentry reads the user
        g.user_id = request.headers.get("X-User-Id")

    instrument(app)
    init_sentry(app, sentry_config, user_id=lambda: g.get("user_id"), **sentry_options)

    @app.get("/orders")
    def list_orders():
        return jsonify(sorted(ORDERS.values(), key=lambda o: o["id"]))

    @app.get("/orders/<int:order_id>")
    def get_order(order_id: int):
        if order_id not in ORDERS:
            abort(404)
        return jsonify(ORDERS[order_id])

    @app.get("/boom")
    def boom():
        log.info("about to fail on purpose")
        raise RuntimeError("boom: an unhandled error, for the 5xx panels and Sentry")

    @app.get("/slow")
    def slow():
        time.sleep(min(float(request.args.get("seconds", "2.5")), 10.0))
        return jsonify(slow=True)

    @app.post("/jobs")
    def enqueue():
        payload = request.get_json(silent=True) or {}
        jobs.put({"type": payload.get("type", "send_email"), "fail": bool(payload.get("fail"))})
        set_queue_size("default", jobs.qsize())
        return jsonify(queued=jobs.qsize()), 202

    return app


def run_job(job: dict) -> None:
    with track_job(job["type"]):
        time.sleep(0.01)
        if job["fail"]:
            raise ValueError("job failed on purpose")


def worker(stop: threading.Event) -> None:
    """Background worker: one job at a time, failures recorded, never fatal."""
    while not stop.is_set():
        try:
            job = jobs.get(timeout=0.2)
        except queue.Empty:
            continue
        try:
            run_job(job)
        except ValueError:
            log.warning("job %s failed", job["type"])
        finally:
            set_queue_size("default", jobs.qsize())


app = create_app()
stop_worker = threading.Event()
if os.environ.get("MAC_API_WORKER", "1") == "1":
    threading.Thread(target=worker, args=(stop_worker,), daemon=True, name="job-worker").start()
