"""Report export: one self-contained HTML file (offline: styles and Plotly.js inlined) and a PDF of it.

The report renders the review page's own builders (:mod:`dashboard.static_html`), so it shows the same
numbers, figures, disclaimer, red flags and findings. The PDF is Chromium's print of that HTML (vector
text and plots), made with Playwright driving the system ``chromium``; without them the PDF route says so.
Routes: ``/report/<session_id>.html`` and ``.pdf``, optional ``?rf=0,3`` = indices of the red flags the
therapist ticked (urgent items first, then the "soon" items).
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from functools import cache
from html import escape
from pathlib import Path

from flask import Response, abort, request

from dashboard.analysis_cache import AnalysisUnavailable
from dashboard.components.disclaimer import disclaimer_block, red_flag_lists
from dashboard.components.shell import fmt_duration
from dashboard.review_view import review_body, review_findings
from dashboard.static_html import to_html

ASSETS = Path(__file__).with_name("assets")
PDF_TIMEOUT_MS = 30_000
FIGURES_DRAWN_JS = (
    "() => [...document.querySelectorAll('.report-figure')].every(d => d.querySelector('.main-svg'))"
)


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    return get_plotlyjs()


def chromium_executable() -> str | None:
    """The system Chromium (Debian's ``chromium``); the project never downloads a browser."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def parse_red_flags(spec: str | None) -> list[str]:
    """Red-flag texts from ``"0,3"`` (indices into urgent + soon); anything malformed is ignored."""
    flags = red_flag_lists() or {"urgent": [], "soon": []}
    items = [*flags["urgent"], *flags["soon"]]
    picked = []
    for part in (spec or "").split(",")[:50]:
        if part.strip().isdigit() and int(part) < len(items):
            picked.append(items[int(part)])
    return picked


def _red_flag_section(ticked: list[str]) -> str:
    flags = red_flag_lists()
    if flags is None:
        return "<div class='gd-redflags'>Red-flag list not available (findings knowledge base missing).</div>"
    parts = ["<div class='gd-redflags' id='red-flags'><h4>Warning signs the sensors cannot detect</h4>"]
    for key in ("urgent", "soon"):
        parts.append(f"<b>{escape(flags[key + '_heading'])}</b><ul>")
        for text in flags[key]:
            mark = "☒ reported" if text in ticked else "☐"
            parts.append(f"<li>{mark} {escape(text)}</li>")
        parts.append("</ul>")
    answered = "ticked by the therapist: " + str(len(ticked)) if ticked else "none ticked on the review page"
    parts.append(f"<p class='gd-muted'>Answers: {answered}. Sources: {escape(flags['sources'])}</p></div>")
    return "".join(parts)


def build_report_html(ctx, summary, analysis: dict, ticked: list[str]) -> str:
    """The whole report as one HTML document."""
    css = (ASSETS / "style.css").read_text(encoding="utf-8")
    sensors = ", ".join(p.replace("_", " ") for p in summary.sensors) or "none"
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    version = analysis.get("software_version") or summary.meta.get("software_version", "")
    facts = [
        f"Recorded {summary.created_utc}",
        f"duration {fmt_duration(summary.duration_s)}",
        f"sensors: {sensors}",
        f"source {summary.source}",
        f"integrity {summary.integrity}",
        f"report made {made}",
        f"software {version}",
    ]
    head = (
        f"<h1>Gait report — subject {escape(summary.subject)} · {escape(summary.condition)}</h1>"
        f"<p class='gd-muted'>{escape(' · '.join(facts))}</p>"
    )
    body = "".join(
        [
            head,
            to_html(disclaimer_block()),
            _red_flag_section(ticked),
            to_html(review_body(ctx, summary, analysis)),
            "<div class='gd-section'><h3>Findings: the articles' claims and what was measured</h3>",
            to_html(review_findings([analysis], ticked)),
            "</div>",
        ]
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Gait report {escape(summary.subject)} {escape(summary.condition)}</title>"
        f"<style>{css} .gd-main{{max-width:1100px}} .report-figure{{height:330px}}</style>"
        f"<script>{_plotly_js()}</script></head><body><main class='gd-main'>{body}</main></body></html>"
    )


def html_to_pdf(document: str) -> bytes:
    """Print the HTML report to an A4 PDF with the system Chromium (raises RuntimeError when absent).

    Runs in its own thread: Playwright's sync API refuses threads that already run an asyncio loop.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-pdf") as pool:
        return pool.submit(_print_pdf, document).result()


def _print_pdf(document: str) -> bytes:
    exe = chromium_executable()
    if exe is None:
        raise RuntimeError("PDF export needs Chromium: install Debian's `chromium` (make browser)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        raise RuntimeError("PDF export needs Playwright: pip install -e '.[report]'") from None
    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=args)
        try:
            page = browser.new_page()
            page.set_content(document, wait_until="load", timeout=PDF_TIMEOUT_MS)
            page.wait_for_function(
                FIGURES_DRAWN_JS,
                timeout=PDF_TIMEOUT_MS,
            )
            return page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
            )
        finally:
            browser.close()


def _filename(summary, ext: str) -> str:
    parts = [summary.subject, summary.condition, summary.created_utc[:10]]
    safe = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "_", p).strip("_") or "x" for p in parts)
    return f"gait-report-{safe}.{ext}"


def register_routes(server, ctx) -> None:
    """``/report/<id>.html`` and ``/report/<id>.pdf`` (ids only through the session index)."""

    @server.route("/report/<session_id>.<ext>")
    def _report(session_id: str, ext: str):
        summary = ctx.index.get(session_id)
        if summary is None or ext not in ("html", "pdf"):
            abort(404)
        try:
            analysis = ctx.analyses.get(summary.path)
        except AnalysisUnavailable as exc:
            return Response(f"Report not available: {exc}", 503, mimetype="text/plain")
        document = build_report_html(ctx, summary, analysis, parse_red_flags(request.args.get("rf")))
        disposition = {"Content-Disposition": f'attachment; filename="{_filename(summary, ext)}"'}
        if ext == "html":
            return Response(document, mimetype="text/html", headers=disposition)
        try:
            pdf = html_to_pdf(document)
        except RuntimeError as exc:
            return Response(f"PDF not available: {exc}", 503, mimetype="text/plain")
        return Response(pdf, mimetype="application/pdf", headers=disposition)
