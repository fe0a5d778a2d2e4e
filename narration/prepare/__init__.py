"""From an extracted document to an article ready to be read: language, lexicon, spoken forms."""
