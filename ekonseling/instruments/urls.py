"""/instrumen/: one URL module per part, so each part's routes sit next to its views."""

from . import urls_entry, urls_fill, urls_library, urls_manage, urls_reports

app_name = "instruments"

urlpatterns = [
    *urls_library.urlpatterns,
    *urls_manage.urlpatterns,
    *urls_fill.urlpatterns,
    *urls_entry.urlpatterns,
    *urls_reports.urlpatterns,
]
