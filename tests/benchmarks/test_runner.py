"""Smoke tests of the benchmark runner and modules: discovery, imports, the child protocol. No timing."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from benchmarks import __main__ as runner

ROOT = Path(__file__).resolve().parents[2]


def test_discover_finds_every_bench_module_and_subsets():
    names = runner.discover([])
    on_disk = sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
    assert names == on_disk and "bench_gaitmap" in names
    assert runner.discover(["gaitmap", "bench_events"]) == ["bench_events", "bench_gaitmap"]
    with pytest.raises(SystemExit, match="unknown benchmark"):
        runner.discover(["no_such_area"])


@pytest.mark.parametrize("name", runner.discover([]))
def test_every_bench_module_imports_and_has_main(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.main)


def test_child_writes_result_with_plain_json_types(tmp_path, monkeypatch):
    fake = types.ModuleType("benchmarks.bench_fake")
    fake.main = lambda: {"rate": np.float64(2.5), "n": np.int64(3), "arr": np.arange(2),
                         "targets": [{"name": "x", "value": np.float64(1.0), "target": "< 2",
                                      "met": np.bool_(False)}]}
    monkeypatch.setitem(sys.modules, "benchmarks.bench_fake", fake)
    out = tmp_path / "r.json"
    assert runner.run_child("bench_fake", str(out)) == 0
    payload = json.loads(out.read_text())
    assert payload["results"]["n"] == 3 and payload["results"]["arr"] == [0, 1]
    assert payload["results"]["targets"][0]["met"] is False  # a string "False" would read as met
    assert payload["peak_rss_mb"] > 0 and payload["cpu_s"] >= 0


def test_summary_prints_targets_and_budget(capsys):
    report = {"machine": {"load_avg_1_5_15": [1.0, 1.0, 1.0]}, "total_wall_s": 12.0,
              "benchmarks": {"bench_a": {"status": "ok", "wall_s": 12.0, "cpu_s": 3.0, "peak_rss_mb": 90}},
              "targets": [{"benchmark": "bench_a", "name": "speed", "value": 0.12345, "target": ">= 1",
                           "met": False}]}
    runner.print_summary(report)
    text = capsys.readouterr().out
    assert "0.1235" in text and "NO" in text and "within" in text


def test_gaitmap_is_not_a_project_dependency():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8").lower()
    assert not re.search(r"[\"']gaitmap", text)  # no requirement string starts with gaitmap


def test_report_renders_markdown_tables(tmp_path, capsys):
    from benchmarks import report as md

    data = {"machine": {"date_utc": "2026-01-01T00:00:00+00:00", "platform": "Linux", "cpu_count": 2,
                        "processor": "x86_64", "python": "3.11", "versions": {"numpy": "2.0"},
                        "load_avg_1_5_15": [0.5, 0.5, 0.5]},
            "benchmarks": {"bench_a": {"status": "failed", "wall_s": 1.0, "results": {}}},
            "targets": [{"benchmark": "bench_a", "name": "n", "value": 3, "target": "< 5", "met": True}],
            "total_wall_s": 1.0}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert md.main([str(path)]) == 0
    text = capsys.readouterr().out
    assert "| bench_a | failed | 1.0 |" in text and "| a | n | 3 | < 5 | yes |" in text


def test_quick_args_reach_a_main_that_takes_argv(tmp_path, monkeypatch):
    for name in runner.QUICK_ARGS:
        assert name in runner.discover([])
        assert "argv" in inspect.signature(importlib.import_module(f"benchmarks.{name}").main).parameters
    fake = types.ModuleType("benchmarks.bench_fake")
    fake.main = lambda argv=None: {"argv": argv}
    monkeypatch.setitem(sys.modules, "benchmarks.bench_fake", fake)
    out = tmp_path / "r.json"
    runner.main(["--child", "bench_fake", str(out), "--only", "a,b"])
    assert json.loads(out.read_text())["results"]["argv"] == ["--only", "a,b"]


def test_a_module_over_its_time_limit_is_ended_and_reported():
    entry = runner.run_module("bench_live", timeout_s=0.3)  # still importing when the limit passes
    assert entry["status"] == "timeout" and entry["results"] == {}


def test_report_renders_the_gaitmap_comparison():
    from benchmarks import report as md

    row = {"cpu_s": 1.0, "wall_s": 2.0, "tp": 5, "reference": 6, "detected": 5, "recall": 5 / 6,
           "precision": 1.0, "mae_ms": 9.0, "bias_ms": 3.0, "all_annotations_tp": 5, "all_annotations": 7,
           "tc": {"recall": 1.0, "precision": 1.0, "mae_ms": 7.0}}
    data = {"benchmarks": {"bench_gaitmap": {"results": {"ours": row, "gaitmap": {"auto": row}}}}}
    table = md.gaitmap_table(data)
    assert "| gait (ours) | 1.00 | 2.00 | 5 / 6 / 5 | 0.833 |" in table and "gaitmap, align=auto" in table
    assert md.gaitmap_table({"benchmarks": {}}) == ""
