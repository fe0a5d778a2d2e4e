"""Audio: levelling clips, assembling the episode, encoding, checks."""
