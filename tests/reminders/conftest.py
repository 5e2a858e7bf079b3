"""Reminder tests: a frozen clock, eager Celery, a broker that is down, and builders."""

from datetime import date, timedelta

import pytest

from housingfirst.celery import app as celery_app

TODAY = date(2025, 3, 15)


def days(n: int) -> date:
    """TODAY plus (or minus) n days."""
    return TODAY + timedelta(days=n)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def eager_tasks():
    """Run enqueued tasks at once, in-process (with on-commit callbacks captured by the test)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def _reset_broker_pools():
    # Producers and connections are pooled per app: drop them so the next send connects to
    # whatever broker_url says now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point the app at a Redis port where nothing listens: every send fails for real."""
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = original
        _reset_broker_pools()
