"""The service: the job queue and its runner, submissions, callbacks, the public episode
view."""
