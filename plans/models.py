"""The client's housing-stability plan: goals in the client's own words, steps, progress.

The plan is the client's. It is voluntary: a client may choose not to have one, and that is
recorded as their choice, never shown as a problem. **Nothing here links to housing**: no
field, rule or report ties a placement to a goal or step, and housing code never imports this
app (a ``forbidden`` contract in pyproject.toml says so).

Goal areas are the case-note topics (``casenotes.Topic``), named by label: plans import no
other domain app.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.versioning import VersionedModel


def next_review(on: date) -> date:
    return on + timedelta(days=settings.PLAN_REVIEW_DAYS)


class Plan(VersionedModel):
    """One client's plan (or their recorded choice not to have one)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="plan")
    started_on = models.DateField("plan began", default=timezone.localdate)
    review_on = models.DateField("next review", null=True, blank=True)
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    chose_no_plan = models.BooleanField("the client chose not to have a plan", default=False)
    choice_words = models.TextField(
        "in the client's words", max_length=2000, blank=True, help_text="Optional."
    )
    choice_recorded_on = models.DateField(null=True, blank=True)

    history = audit_history()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__isnull=True)
                | models.Q(review_on__gte=models.F("started_on")),
                name="plan_review_not_before_start",
            )
        ]

    def __str__(self):
        return "Housing-stability plan"

    def history_label(self):
        return str(self)

    def review_is_due(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return not self.chose_no_plan and self.review_on is not None and self.review_on <= on

    def clean(self):
        if self.review_on and self.started_on and self.review_on < self.started_on:
            raise ValidationError({"review_on": "The review cannot be before the plan began."})


class Goal(VersionedModel):
    class Status(models.TextChoices):
        WORKING = "working", "Working on it"
        DONE = "done", "Done"
        SET_ASIDE = "set_aside", "Set aside by the client"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    in_their_words = models.TextField(
        "the goal, in the client's words",
        max_length=1000,
        help_text="Write it as they said it; it is shown in quotes.",
    )
    area = models.ForeignKey("casenotes.Topic", on_delete=models.PROTECT, related_name="+")
    why_it_matters = models.TextField(
        "why it matters to them", max_length=2000, blank=True, help_text="In their words too."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WORKING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()
    HISTORY_LABEL_FIELDS = ("in_their_words",)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        words = self.in_their_words
        return f"Goal: “{words[:60]}{'…' if len(words) > 60 else ''}”"

    def history_label(self):
        return str(self)

    def clean(self):
        if self.in_their_words is not None and not self.in_their_words.strip():
            raise ValidationError({"in_their_words": "Write the goal as the client said it."})


class Step(VersionedModel):
    class Who(models.TextChoices):
        CLIENT = "client", "The client"
        CASE_MANAGER = "case_manager", "Case manager"
        PROVIDER = "provider", "A provider"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    what = models.CharField("what", max_length=300)
    who = models.CharField("who", max_length=20, choices=Who.choices, default=Who.CLIENT)
    due_on = models.DateField("by when", null=True, blank=True)
    done_on = models.DateField("done on", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()
    HISTORY_LABEL_FIELDS = ("what",)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Step: {self.what}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def clean(self):
        errors = {}
        if self.what is not None and not self.what.strip():
            errors["what"] = "Say what the step is."
        started = self.goal.plan.started_on if self.goal_id else None
        if self.due_on and started and self.due_on < started:
            errors["due_on"] = f"The step cannot be due before the plan began ({started:%Y-%m-%d})."
        if errors:
            raise ValidationError(errors)


class Progress(models.Model):
    """A progress entry on a goal: what moved, in a few words."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    written_on = models.DateField("date", default=timezone.localdate)
    text = models.TextField("progress", max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = audit_history()
    HISTORY_LABEL_FIELDS = ("written_on",)

    class Meta:
        ordering = ["written_on", "pk"]
        verbose_name_plural = "progress entries"

    def __str__(self):
        return f"Progress, {self.written_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.text is not None and not self.text.strip():
            errors["text"] = "Write what moved."
        if self.written_on and self.written_on > timezone.localdate():
            errors["written_on"] = "Progress cannot be dated in the future."
        if errors:
            raise ValidationError(errors)
