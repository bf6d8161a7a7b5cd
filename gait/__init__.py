"""gait-imu: shank + foot IMU gait analysis (tibial rotation, pronation, cadence) over BLE.

The package is laid out by pipeline stage (see ``docs/architecture.md``): acquisition → recording →
decode → sync → calibration → orientation → kinematics → events → metrics → findings.
"""

__version__ = "0.1.0"
