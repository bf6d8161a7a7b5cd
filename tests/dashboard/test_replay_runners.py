"""The replay runner cache drops the oldest replay, not the one just opened before it."""

from types import SimpleNamespace

from dashboard.pages import replay as replay_page


class _FakeRunner:
    def __init__(self, path):
        self.path, self.paused = path, False

    def pause(self):
        self.paused = True


def test_the_oldest_replay_is_evicted(tmp_path, monkeypatch):
    monkeypatch.setattr(replay_page, "ReplayRunner", _FakeRunner)
    summaries = {}
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "packets.log").write_bytes(b"")
        summaries[name] = SimpleNamespace(path=tmp_path / name)
    runners = replay_page.ReplayRunners(SimpleNamespace(index=summaries))
    first = runners.get("a", create=True)
    runners.get("b", create=True)
    runners.get("c", create=True)  # MAX_RUNNERS = 2: "a" must go, "b" stays
    assert first.paused
    assert runners.get("a") is None and runners.get("b") is not None and runners.get("c") is not None
