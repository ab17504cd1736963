"""The school's risk lexicon extension: the koordinator BK writes it, checks it on the labelled
messages and on a sentence of their own, and saves it (lexicons.py does the work)."""

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ekonseling.core import audit, policy

from . import lexicons, risk

EXAMPLE = {
    "_note": "Contoh: bahasa gaul daerah kami",
    "normalisation": {"koit": "mati"},
    "categories": {"suicide": {"phrases": ["pengen pupus", "mau pupus aja"]}},
}


@policy.require("risk_lexicon.manage")
@require_http_methods(["GET", "POST"])
def risk_lexicon(request):
    school = request.user.school
    saved = lexicons.extension_of(school)
    text = json.dumps(saved, indent=2, ensure_ascii=False) if saved else ""
    sample = ""
    error = None
    extension = saved
    if request.method == "POST":
        text = request.POST.get("extension", "")
        sample = request.POST.get("sample", "").strip()[:1000]
        try:
            extension = lexicons.parse(text)
        except lexicons.ExtensionError as exc:
            error = str(exc)
        else:
            if request.POST.get("action") == "save":
                lexicons.save(school, extension, request.user, **audit.request_origin(request))
                messages.success(
                    request, _("The risk lexicon of the school was saved. It screens new messages within a minute.")
                )
                return redirect("counseling:risk_lexicon")
    context = {
        "text": text,
        "sample": sample,
        "error": error,
        "draft": request.method == "POST" and error is None,
        "example": json.dumps(EXAMPLE, indent=2, ensure_ascii=False),
    }
    if error is None:
        context["summary"] = lexicons.summary(extension)
        context["changes"] = lexicons.changes(extension)
        if sample:
            context["screening"] = lexicons.compile_extension(extension).screen(sample)
    context["categories"] = risk.default_lexicon().categories
    return render(request, "counseling/lexicon.html", context)
