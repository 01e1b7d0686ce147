"""Notices to users: the outbox, its delivery (template, subscribe message, SMS) and consents.

Producers call `wxbackend.notify.service.enqueue_notice` in their own transaction; the
worker delivers (docs/notifications.md).
"""
