"""Listening figures: podcast downloads counted by the IAB Podcast Measurement Technical
Guidelines 2.2 from the audio requests served, and the web player's events.

- ``agents``: podcast apps (the OPAWG list, vendored), bots, the Apple Watch;
- ``listeners``: client addresses, IPv6 /64s, salted listener hashes;
- ``counter``: the buffer on the serving path, raw hits, roll-ups and the 48-hour purge;
- ``events``: the player's events, validated and rate-limited per listener hash;
- ``figures``: the figures read back, up to the last minute.
"""
