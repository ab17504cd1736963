"""Receipt marks: many at once (the socket's batch writer) and one at a time (HTTP), one rule."""

import uuid

from ekonseling.counseling import services
from ekonseling.counseling.models import Participant
from ekonseling.counseling.services import Mark


def conversation_with(world, messages):
    conversation = services.start_conversation(world.student)
    for i in range(messages):
        services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), f"pesan {i}")])
    conversation.refresh_from_db()
    return conversation


def marks_of(conversation, user):
    return (
        Participant.objects.filter(conversation=conversation, user=user).values_list("delivered_seq", "read_seq").get()
    )


def test_a_batch_of_marks_is_coalesced_per_participant_and_answered_per_mark(world):
    first, second = conversation_with(world, 3), conversation_with(world, 5)

    receipts = services.mark_many(
        [
            Mark(first.pk, world.gurubk, delivered=2),
            Mark(second.pk, world.siswa, read=4),
            Mark(first.pk, world.gurubk, read=1),
            Mark(first.pk, world.gurubk, delivered=3),
        ]
    )

    assert marks_of(first, world.gurubk) == (3, 1)
    assert marks_of(second, world.siswa) == (4, 4)  # read implies delivered
    # Every mark of the same participant is answered with where the batch left them.
    assert [(r["conversation"], r["role"], r["delivered_seq"], r["read_seq"]) for r in receipts] == [
        (first.pk, "counselor", 3, 1),
        (second.pk, "student", 4, 4),
        (first.pk, "counselor", 3, 1),
        (first.pk, "counselor", 3, 1),
    ]


def test_marks_never_move_back_nor_past_the_last_message(world):
    conversation = conversation_with(world, 4)
    services.mark_many([Mark(conversation.pk, world.gurubk, read=3)])

    (back,) = services.mark_many([Mark(conversation.pk, world.gurubk, delivered=1, read=2)])
    (ahead,) = services.mark_many([Mark(conversation.pk, world.gurubk, read=2**40)])
    (negative,) = services.mark_many([Mark(conversation.pk, world.siswa, delivered=-5, read=-1)])

    assert (back["delivered_seq"], back["read_seq"]) == (3, 3)
    assert (ahead["delivered_seq"], ahead["read_seq"]) == (4, 4)
    assert (negative["delivered_seq"], negative["read_seq"]) == (0, 0)
    assert marks_of(conversation, world.gurubk) == (4, 4)


def test_a_mark_for_a_conversation_that_is_gone_is_answered_with_none(world):
    conversation = conversation_with(world, 1)
    gone = services.start_conversation(world.student)
    gone_pk = gone.pk
    gone.delete()

    receipts = services.mark_many([Mark(gone_pk, world.gurubk, read=1), Mark(conversation.pk, world.gurubk, read=1)])

    assert receipts[0] is None
    assert receipts[1]["read_seq"] == 1
    assert not Participant.objects.filter(conversation_id=gone_pk).exists()


def test_mark_seen_is_one_mark(world):
    conversation = conversation_with(world, 2)

    receipt = services.mark_seen(conversation, world.gurubk, delivered="2")
    unchanged = services.mark_seen(conversation, world.gurubk)

    assert receipt == {
        "type": "receipt",
        "conversation": conversation.pk,
        "role": "counselor",
        "delivered_seq": 2,
        "read_seq": 0,
    }
    assert unchanged == receipt
