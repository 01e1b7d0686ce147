"""Request-scoped dependencies of the appointment endpoints and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wxbackend.appointments.schedule import AppointmentBook
from wxbackend.config_features import AppointmentSettings


def appointment_book(request: Request) -> AppointmentBook:
    """The book loaded (and validated) when the app was built."""
    book: AppointmentBook = request.app.state.appointment_book
    return book


def appointment_settings(request: Request) -> AppointmentSettings:
    settings: AppointmentSettings = request.app.state.settings.appointments
    return settings


BookDep = Annotated[AppointmentBook, Depends(appointment_book)]
AppointmentSettingsDep = Annotated[AppointmentSettings, Depends(appointment_settings)]
