"""The information service's part of the UU PDP export and erasure.

Section `articles_read`: the articles the student opened and when. Erasure: the reads cascade with
the student's row. Articles are the school's, written by counselors, naming no student.
"""

from ekonseling.core import personal_data

from .models import Article, ArticleRead

SECTION = "articles_read"


def articles_read(student, viewer):
    rows = ArticleRead.objects.filter(student=student).select_related("article").order_by("read_at")
    return [{"article": row.article.title, "read_at": row.read_at} for row in rows]


def register() -> None:
    personal_data.register_export(SECTION, articles_read, models=[ArticleRead], order=90)
    personal_data.register_not_exported(
        [Article], "The school's information articles, written by counselors; they name no student."
    )
    personal_data.register_not_erased([Article], "The school's information articles, written by staff.")
