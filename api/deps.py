"""Typed dependencies the routes declare: the settings and the published site.

They are coroutines on purpose: FastAPI runs a plain function dependency in a worker
thread, which costs more than the whole feed answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.site import Site
from narration.config import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


SettingsDep = Annotated[Settings, Depends(get_settings)]
SiteDep = Annotated[Site, Depends(get_site)]


def site_of(request: Request) -> Site:
    """The site, for the plain Starlette routes that serve files without FastAPI's
    dependency solving."""
    site: Site = request.app.state.site
    return site
