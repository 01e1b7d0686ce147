"""Imports every model module so Base.metadata is complete (migrations, schema checks)."""

from wxbackend.appointments import models as appointments_models
from wxbackend.audit import models as audit_models
from wxbackend.bind import models as bind_models
from wxbackend.cards import models as cards_models
from wxbackend.certificates import models as certificates_models
from wxbackend.db import Base
from wxbackend.fund import models as fund_models
from wxbackend.notify import models as notify_models
from wxbackend.points import models as points_models
from wxbackend.staff import models as staff_models
from wxbackend.withdraw import models as withdraw_models

__all__ = [
    "Base",
    "appointments_models",
    "audit_models",
    "bind_models",
    "cards_models",
    "certificates_models",
    "fund_models",
    "notify_models",
    "points_models",
    "staff_models",
    "withdraw_models",
]
