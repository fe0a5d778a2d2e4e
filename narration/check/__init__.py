"""The listening check: an episode heard back by a speech recogniser and compared,
sentence by sentence, with the article it reads (the ``check`` extra)."""
