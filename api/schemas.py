"""Response models of the JSON routes."""

from __future__ import annotations

from pydantic import BaseModel


class Health(BaseModel):
    status: str


class Problem(BaseModel):
    """The body of an error answer."""

    detail: str
