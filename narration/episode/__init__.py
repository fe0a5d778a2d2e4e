"""Making an episode's files: audio with its tags and chapters, transcript, chapters,
peaks, artwork."""
