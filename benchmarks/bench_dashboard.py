"""Dashboard serving speed: the review page of a one-hour session (target < 3 s), sessions list, report.

``python -m benchmarks dashboard``. A one-hour walk (synthetic walker, four sensors, 200 Hz) and a
five-minute one (the baseline, same run) are written to a temporary recordings folder; one app serves both.

* **Review, cold**: the first request after start — the full analysis (``gait.pipeline.analyze_session``)
  plus the page — what the therapist waits for once per session and dashboard start.
* **Review, warm (server)**: the three requests the page makes (routing, review body, findings panel)
  through Flask's test client, analysis cached: the server's share of serving the page.
* **Review, warm (browser)**: navigation to ``/review/<id>`` in headless Chromium until the metrics table
  is visible — what the target means ("served in < 3 s"); skipped without Chromium.
* Sessions page scan (cold and cached) and the HTML report build. Ratios: one hour / five minutes.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from dashboard.app import DashboardServer, create_app
from dashboard.report import chromium_executable
from dashboard.session_index import SessionIndex

HOUR_S = 3600.0
BASELINE_S = 300.0
TARGET_S = 3.0
REPEATS = 3


def _write_sessions(root: Path) -> None:
    from gait.simulate import simulate, write_session

    for name, duration_s in (("hour", HOUR_S), ("five-min", BASELINE_S)):
        start = time.perf_counter()
        write_session(simulate("normal", duration_s=duration_s, seed=11), root / name, subject="BENCH-1")
        print(f"  simulated {name}: {time.perf_counter() - start:.1f} s", flush=True)


def _post(client, output: str, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]]):
    specs = [{"id": i, "property": p} for i, p in outputs]
    body = {
        "output": output,
        "outputs": specs[0] if len(specs) == 1 else specs,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [],
    }
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 200, resp.status_code
    return resp.get_json()


def serve_review(client, session_id: str) -> float:
    """Seconds for the page's three server requests (layout route, review body, findings)."""
    start = time.perf_counter()
    assert client.get(f"/review/{session_id}").status_code == 200
    _post(
        client,
        "page.children",
        [("page", "children")],
        [("url", "pathname", f"/review/{session_id}"), ("url", "search", "")],
    )
    body = _post(
        client,
        "review-body.children",
        [("review-body", "children")],
        [("review-session", "data", session_id)],
    )
    assert "review-metrics" in json.dumps(body)
    _post(
        client,
        "review-findings.children",
        [("review-findings", "children")],
        [
            ("review-session", "data", session_id),
            ("review-redflags-urgent", "value", []),
            ("review-redflags-soon", "value", []),
        ],
    )
    return time.perf_counter() - start


def browser_review_s(url: str) -> float | None:
    exe = chromium_executable()
    if exe is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=exe, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#review-metrics", timeout=60_000)
            page.wait_for_selector("#review-findings-list", timeout=60_000)
            times.append(time.perf_counter() - start)
        browser.close()
    return statistics.median(times)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        root = Path(tmp)
        _write_sessions(root)
        app = create_app(root)
        ctx, client = app.gait_context, app.server.test_client()
        fresh = SessionIndex(root)  # the app's own index was filled while building the layouts
        results["sessions_scan_cold_s"] = _timed(fresh.scan)
        results["sessions_scan_cached_s"] = _timed(fresh.scan)
        ids = {r.path.name: r.session_id for r in ctx.index.scan()}
        for name in ("five-min", "hour"):
            results[f"review_cold_{name}_s"] = serve_review(client, ids[name])
            results[f"review_warm_server_{name}_s"] = statistics.median(
                serve_review(client, ids[name]) for _ in range(REPEATS)
            )
        results["report_html_hour_s"] = _timed(lambda: client.get(f"/report/{ids['hour']}.html"))
        server = DashboardServer(app, "127.0.0.1", 0).start()
        try:
            results["review_warm_browser_hour_s"] = browser_review_s(f"{server.url}/review/{ids['hour']}")
        finally:
            server.stop()
    # the cold review is the analysis: how it scales with recording length (12x the data)
    results["ratio_cold_hour_vs_five_min"] = results["review_cold_hour_s"] / results["review_cold_five-min_s"]
    browser_s = results["review_warm_browser_hour_s"]
    served_s = browser_s if browser_s is not None else results["review_warm_server_hour_s"]
    results["targets"] = [
        {
            "name": "review page of a one-hour session served (warm"
            + (", browser)" if browser_s is not None else ", server only)"),
            "value": round(served_s, 2),
            "target": f"< {TARGET_S:g} s",
            "met": served_s < TARGET_S,
        }
    ]
    print(f"{'measure':<42} {'seconds':>9}")
    for key, value in results.items():
        if key != "targets" and value is not None:
            print(f"{key:<42} {value:9.3f}")
    return results


if __name__ == "__main__":
    main()
