"""Case notes for tests: written through the real service."""

import factory

from casenotes import services
from casenotes.models import Addendum, Note, Topic
from tests.factories import ClientFactory, UserFactory


def topic(name="Housing") -> Topic:
    """A topic of the starting list (migrations add them; transactional tests flush them)."""
    return Topic.objects.get_or_create(name=name)[0]


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Topic {n}")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    client = factory.SubFactory(ClientFactory)
    written_by = factory.SubFactory(UserFactory)
    topic = factory.LazyFunction(topic)
    text = "Met at the new flat. Keys work; the heating is off."


class AddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Addendum

    note = factory.SubFactory(NoteFactory)
    client = factory.SelfAttribute("note.client")
    written_by = factory.SelfAttribute("note.written_by")
    text = "Heating fixed the next day."


def note_for(client, *, by, text="Met at the new flat.", protected=False, **fields) -> Note:
    fields.setdefault("topic", topic())
    return services.note_write(
        note=Note(client=client, text=text, is_protected=protected, **fields), by=by
    )
