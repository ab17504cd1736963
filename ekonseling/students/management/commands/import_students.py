"""`manage.py import_students FILE --school SLUG [--dry-run]`: the web import, for a server shell.

It prints the same preview the operator sees (counts, rows to create and update, each bad row with
its number and reason, the ignored columns) and then applies it, as confirming in the web UI does:
bad rows are reported and skipped, valid rows are written. A file that cannot be used at all, an
unknown school or a refused apply exit non-zero, so a script notices.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ekonseling.core.models import School
from ekonseling.students import imports


class Command(BaseCommand):
    help = (
        "Import students from a Dapodik export or a CSV/XLSX file with a header row. Prints the preview, "
        "then applies it unless --dry-run is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--school", required=True, help="The school's short name (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Only print the preview; write nothing.")

    def handle(self, *args, file, school, dry_run, **options):
        try:
            school_obj = School.objects.get(slug=school)
        except School.DoesNotExist:
            raise CommandError(f"No school with the short name (slug) {school!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            imports.check_size(path.stat().st_size)  # before reading a huge file into memory
            data = path.read_bytes()
            if dry_run:
                batch = imports.build_preview(school_obj, data, path.name)
            else:
                batch = imports.preview(school_obj, data, path.name, None)
        except imports.ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        self._print_preview(school_obj, batch)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
            return
        try:
            applied = imports.apply(batch, None)
        except imports.ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied: {applied['created']} created, {applied['updated']} updated, "
                f"{applied['unchanged']} unchanged, {applied['rombels_created']} rombel created, "
                f"{applied['error_rows']} rows with errors skipped."
            )
        )

    def _print_preview(self, school, batch):
        shown = imports.describe(batch)
        counts = shown["summary"]
        write = self.stdout.write
        write(f"{school.name}: {batch.filename} (header on row {shown['header_row']})")
        write(
            f"  {counts['rows']} data rows: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['error_rows']} with errors"
        )
        if shown["academic_year"]:
            write(f"  Academic year: {shown['academic_year']}")
        elif shown["needs_year"]:
            write(self.style.ERROR("  No current academic year: rombel cannot be recorded until one is set."))
        for rombel in shown["new_rombels"]:
            write(f"  New rombel: {rombel['name']} (grade {rombel['grade']})")
        if shown["creates"]:
            write("To create:")
            for row in shown["creates"]:
                write(f"  row {row['row']:>5}  {row['nisn']}  {row['sex']}  {row['name']}  [{row['rombel'] or '-'}]")
        if shown["updates"]:
            write("To update:")
            for row in shown["updates"]:
                write(f"  row {row['row']:>5}  {row['nisn']}  {row['name']}: {', '.join(row['change_labels'])}")
        if shown["errors"]:
            write(self.style.WARNING("Rows with errors (skipped):"))
            for error in shown["errors"]:
                write(f"  row {error['row']:>5}  {error['field']}: {error['message']}")
        if shown["dropped_columns"]:
            write(
                "Ignored, as BK does not need them (bank accounts, parents' NIK, KIP/KKS/KPS numbers, "
                f"coordinates): {', '.join(shown['dropped_columns'])}"
            )
        if shown["unknown_columns"]:
            write(f"Columns not recognised (ignored): {', '.join(shown['unknown_columns'])}")
