"""Outbound HTTP: the rules on where requests may go (:mod:`.address`) and the one client
that sends them (:mod:`.client`), pages, images, feeds, callbacks and WebSub alike.

Nothing is imported here, so that naming the package does not load httpx.
"""
