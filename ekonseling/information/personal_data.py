"""The information service's part of the UU PDP export and erasure.

Section `articles_read`: the articles the student opened and when; `poll_answers`: the live-poll
answers they gave; `articles_addressed`: the articles addressed to them by name (the "chosen
students" audience). Erasure: reads, answers and addressings cascade with the student's row.
Articles are the school's, written by counselors; the students they are for are `ArticleRecipient`
rows, not the article's.
"""

from ekonseling.core import personal_data

from .models import Article, ArticleMedia, ArticleRead, ArticleRecipient, Poll, PollAnswer

SECTION = "articles_read"


def articles_read(student, viewer):
    rows = ArticleRead.objects.filter(student=student).select_related("article").order_by("read_at")
    return [{"article": row.article.title, "read_at": row.read_at} for row in rows]


def poll_answers(student, viewer):
    rows = PollAnswer.objects.filter(student=student).select_related("poll").order_by("answered_at")
    return [
        {
            "question": row.poll.question,
            "answer": row.poll.options[row.choice] if row.choice < len(row.poll.options) else row.choice,
            "answered_at": row.answered_at,
        }
        for row in rows
    ]


def articles_addressed(student, viewer):
    rows = ArticleRecipient.objects.filter(student=student).select_related("article").order_by("article__publish_at")
    return [{"article": row.article.title, "published": row.article.publish_at} for row in rows]


def register() -> None:
    personal_data.register_export(SECTION, articles_read, models=[ArticleRead], order=90)
    personal_data.register_export("poll_answers", poll_answers, models=[PollAnswer], order=91)
    personal_data.register_export("articles_addressed", articles_addressed, models=[ArticleRecipient], order=92)
    personal_data.register_not_exported(
        [ArticleMedia, Poll], "Article files and poll questions are the school's material; they name no student."
    )
    personal_data.register_not_erased([ArticleMedia, Poll], "The school's material, written by staff.")
    personal_data.register_not_exported(
        [Article],
        "The school's information articles, written by counselors; the students chosen as readers are "
        "ArticleRecipient rows, exported in articles_addressed.",
    )
    personal_data.register_not_erased([Article], "The school's information articles, written by staff.")
