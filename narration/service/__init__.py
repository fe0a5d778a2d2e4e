"""The service: the queue and its worker, submissions, callbacks, the public episode view."""
