"""The use cases the API (and, in time, the CLI and the worker) call: each a function
taking what it needs explicitly (the database, the settings, the caller) and raising
``narration.errors.Refused`` when it will not do what it is asked."""
