"""Decoding of raw BLE packets into SI sample blocks (and the inverse, for fixtures and virtual sensors).

``PacketDecoder`` is stateful per sensor (live); ``decode_packets`` decodes a whole recording at once with
the same code and the same results; ``PacketEncoder`` builds byte-exact packets from samples.
"""

from gait.decode.decoder import BatchResult, DecodeStats, PacketDecoder, decode_packets
from gait.decode.encoder import PacketEncoder

__all__ = ["BatchResult", "DecodeStats", "PacketDecoder", "PacketEncoder", "decode_packets"]
