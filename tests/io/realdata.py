"""Shared facts about the real recordings used by the import/export tests."""

#: OpenSense example sensor ids per placement (from OpenSim's IMU mapping, see the data README).
OPENSENSE_IDS = {
    "left_shank": "00B421ED",
    "left_foot": "00B421E6",
    "right_shank": "00B4227D",
    "right_foot": "00B421EF",
}


def opensense_files(folder):
    """Placement → file of the OpenSense example in ``folder``."""
    return {name: folder / f"MT_012005D6_009-001_{sid}.txt" for name, sid in OPENSENSE_IDS.items()}
