"""The analysis cache survives a restart on disk, and recomputes when the session or the file changes."""

import numpy as np

from dashboard.analysis_cache import AnalysisCache
from dashboard.analysis_store import AnalysisStore
from tests.dashboard.dashboard_testutil import make_samples_session


def test_disk_store_reuses_and_invalidates(tmp_path):
    session = make_samples_session(tmp_path / "s1", "S001", "barefoot")
    calls = []

    def analyze(path):
        calls.append(path)
        return {"schema": "gait.analysis/1", "n": len(calls)}, {"left": np.ones((2, 101, 3), np.float32)}

    first = AnalysisCache(analyze=analyze, store=AnalysisStore(tmp_path))
    assert first.get(session)["n"] == 1
    restarted = AnalysisCache(analyze=analyze, store=AnalysisStore(tmp_path))
    assert restarted.get(session)["n"] == 1 and len(calls) == 1  # read from disk, not recomputed
    assert restarted.curves(session)["left"].shape == (2, 101, 3)

    (session / "notes.txt").write_text("changed")  # the session changed: analysed again
    assert AnalysisCache(analyze=analyze, store=AnalysisStore(tmp_path)).get(session)["n"] == 2
    entries = list((tmp_path / ".gait-cache" / "dashboard").glob("*.json"))
    assert len(entries) == 1  # the stale entry was removed

    entries[0].write_text("{broken")  # a damaged entry is ignored and recomputed
    assert AnalysisCache(analyze=analyze, store=AnalysisStore(tmp_path)).get(session)["n"] == 3


def test_derived_values_are_evicted_with_their_session(tmp_path):
    one = make_samples_session(tmp_path / "s1", "S001", "barefoot")
    two = make_samples_session(tmp_path / "s2", "S001", "shoe")
    cache = AnalysisCache(max_sessions=1, analyze=lambda path: ({"path": str(path)}, {}))
    cache.get(one)
    assert cache.derived(one, "x", lambda: 1) == 1 and cache.derived(one, "x", lambda: 2) == 1  # cached
    cache.get(two)  # evicts the first session and what was derived from it
    cache.get(one)
    assert cache.derived(one, "x", lambda: 3) == 3
