"""Imports every model module so Base.metadata is complete (migrations, schema checks)."""

from wxbackend.db import Base
from wxbackend.fund import models as fund_models
from wxbackend.points import models as points_models

__all__ = ["Base", "fund_models", "points_models"]
