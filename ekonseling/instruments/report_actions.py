"""Reading and downloading reports, audited: one READ event for a page, one EXPORT for a file.

The report pages ask the policy and build the report (`reports`); showing it or carrying it out of
the system goes through here, so every way a student's figures leave the server is in the log with
its viewer, whether a view, a command or a test asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from ekonseling.accounts.models import User
from ekonseling.core import audit
from ekonseling.core.models import School

from . import exports
from .models import Administration, Assignment
from .reports import Comparison, GroupReport, IndividualReport

XLSX, PDF = "xlsx", "pdf"
FORMATS = (XLSX, PDF)


def _check_format(kind: str) -> None:
    if kind not in FORMATS:
        raise ValueError(f"unknown report format {kind!r}")


def group_detail(report: GroupReport) -> str:
    rombel = f", rombel {','.join(str(i) for i in report.rombel_ids)}" if report.rombel_ids else ""
    return f"group report N={report.n}{rombel}"


def show_group(
    viewer: User, administration: Administration, report: GroupReport, *, ip: str | None = None, user_agent: str = ""
) -> None:
    audit.record_for(viewer, audit.Action.READ, administration, group_detail(report), ip, user_agent)


def export_group(
    viewer: User,
    administration: Administration,
    report: GroupReport,
    kind: str,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> bytes:
    """The class profile as a spreadsheet or a PDF (with the viewer as its author)."""
    _check_format(kind)
    data = exports.group_xlsx(report) if kind == XLSX else exports.group_pdf(report, viewer)
    audit.record_for(viewer, audit.Action.EXPORT, administration, f"{group_detail(report)} ({kind})", ip, user_agent)
    return data


def show_individual(viewer: User, assignment: Assignment, *, ip: str | None = None, user_agent: str = "") -> None:
    audit.record_for(viewer, audit.Action.READ, assignment, "individual report", ip, user_agent)


def export_individual(
    viewer: User,
    assignment: Assignment,
    report: IndividualReport,
    kind: str,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> bytes:
    """One student's profile as a spreadsheet or a PDF."""
    _check_format(kind)
    data = exports.individual_xlsx(report) if kind == XLSX else exports.individual_pdf(report, viewer)
    audit.record_for(viewer, audit.Action.EXPORT, assignment, f"individual report ({kind})", ip, user_agent)
    return data


def _comparison_detail(comparison: Comparison, suffix: str = "") -> str:
    return f"comparison of {comparison.series}{suffix}"[:500]


def show_comparison(
    viewer: User,
    administrations: Sequence[Administration],
    comparison: Comparison,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    """One READ event on each administration compared."""
    for administration in administrations:
        audit.record_for(viewer, audit.Action.READ, administration, _comparison_detail(comparison), ip, user_agent)


def export_comparison(
    viewer: User,
    administrations: Sequence[Administration],
    comparison: Comparison,
    school: School,
    kind: str,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> bytes:
    """A comparison as a spreadsheet or a PDF; one EXPORT event on each administration compared."""
    _check_format(kind)
    for administration in administrations:
        detail = _comparison_detail(comparison, f" ({kind})")
        audit.record_for(viewer, audit.Action.EXPORT, administration, detail, ip, user_agent)
    if kind == XLSX:
        return exports.comparison_xlsx(comparison, school)
    return exports.comparison_pdf(comparison, school, viewer)


def show_cohort(
    viewer: User, administrations: Sequence[Administration], detail: str, *, ip: str | None = None, user_agent: str = ""
) -> None:
    """One READ event on each administration a cohort comparison shows."""
    for administration in administrations:
        audit.record_for(viewer, audit.Action.READ, administration, detail[:500], ip, user_agent)
