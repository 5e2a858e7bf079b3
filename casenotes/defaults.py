"""The starting list of note topics (issue 15); administrators extend it in the admin.

Made after ``migrate`` when there is none (``housingfirst.defaults``).
"""

from housingfirst.defaults import defaults_after_migrate

TOPICS = ["Housing", "Health", "Income", "Benefits", "Employment", "Community", "Legal", "Other"]

ensure_default_topics = defaults_after_migrate(
    "casenotes.Topic",
    [{"name": name, "position": index * 10} for index, name in enumerate(TOPICS, start=1)],
    "Default note topics",
)
