"""Appointments at the service halls (网上预约): slots per hall, business and half day."""
