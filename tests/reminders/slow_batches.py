"""Loaded only by the worker the kill test starts (``celery worker --include``): each batch of
the sweep pauses after it committed and before it is acknowledged, the worst moment to die."""

import os
import time

from celery.signals import task_postrun


@task_postrun.connect
def _pause_before_acknowledging(sender=None, **kwargs):
    if sender is not None and sender.name == "reminders.tasks.generate_reminders_batch":
        time.sleep(float(os.environ.get("SWEEP_BATCH_PAUSE", "3")))
