"""Where the live page's data comes from: BLE sensors found by a scan, or virtual sensors (demo walker).

Each start replaces the hub's current runner (stopping it first, which closes a running recording
cleanly). Scans use bleak through ``gait.acquisition.scan`` with the app's BLE backend (the OS stack,
or a virtual air in tests); without Bluetooth the scan reports the stack's own error.
"""

from __future__ import annotations

import asyncio
import threading

from dashboard.live_runner import AcquisitionRunner
from gait.conventions import PLACEMENTS

VIRTUAL_DURATION_S = 300.0  # seconds of synthetic walking the virtual sensors can stream


class LiveSources:
    """Starts and stops the acquisition runner behind the live page (one at a time)."""

    def __init__(self, ctx, ble_backend=None) -> None:
        self.ctx, self.ble_backend = ctx, ble_backend
        self.runner: AcquisitionRunner | None = None
        self.status = ""
        self._lock = threading.Lock()

    def stop(self) -> str:
        with self._lock:
            runner, self.runner = self.runner, None
        if runner is None:
            return "No sensors were connected."
        runner.stop()
        return "Sensors disconnected."

    def _start(self, specs, backend, source: str, description: str, calibration_s: float = 5.0) -> None:
        self.stop()
        runner = AcquisitionRunner(
            self.ctx.live,
            specs,
            backend,
            self.ctx.recordings_dir,
            source=source,
            description=description,
            calibration_s=calibration_s,
        )
        runner.start()
        with self._lock:
            self.runner = runner

    def start_virtual(self, scenario: str = "normal") -> str:
        """Prepare virtual sensors in the background (simulating takes a few seconds) and stream them."""

        def work():
            from gait.virtual import simulated_rig  # noqa: PLC0415 - heavy

            try:
                rig = simulated_rig(scenario, duration_s=VIRTUAL_DURATION_S, seed=0)
                self._start(
                    rig.specs,
                    rig.backend,
                    "virtual",
                    f"four virtual sensors (synthetic walker, '{scenario}', {VIRTUAL_DURATION_S:.0f} s)",
                )
                self.status = "Virtual sensors streaming: the virtual person stands for 10 s, then walks."
            except Exception as exc:  # noqa: BLE001 - shown on the page
                self.status = f"Virtual sensors could not start: {exc}"

        self.status = "Preparing virtual sensors (a few seconds)…"
        threading.Thread(target=work, name="virtual-sensors", daemon=True).start()
        return self.status

    def scan(self, timeout_s: float = 5.0) -> list[dict]:
        """Devices in range that match a firmware profile (raises GaitError without Bluetooth)."""
        from gait.acquisition import scan  # noqa: PLC0415

        found = asyncio.run(scan(timeout_s, self.ble_backend))
        return [
            {"address": r.address, "name": r.name or "", "rssi_dbm": r.rssi_dbm, "profile": r.profiles[0]}
            for r in found
            if r.known
        ]

    def start_ble(self, devices: list[dict], placements: list[str | None]) -> str:
        """Connect the scanned devices the therapist gave a placement to."""
        from gait.acquisition import SensorSpec  # noqa: PLC0415

        chosen = [(d, p) for d, p in zip(devices, placements, strict=False) if p]
        if not chosen:
            raise ValueError("give at least one sensor a placement")
        taken = [p for _, p in chosen]
        if len(set(taken)) != len(taken) or not set(taken) <= set(PLACEMENTS):
            raise ValueError("each placement takes one sensor")
        specs = [SensorSpec(p, d["address"], d["profile"]) for d, p in chosen]
        self._start(specs, self.ble_backend, "ble", f"{len(specs)} BLE sensors")
        pairs = [f"{p.replace('_', ' ')} = {d['name'] or d['address']}" for d, p in chosen]
        return "Connected: " + ", ".join(pairs) + "."
