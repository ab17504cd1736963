"""The BK program's part of the UU PDP export and erasure (registered in ProgramConfig.ready()).

The program holds no student's data: its items name a topic, a bidang, a grade or a rombel and a
month. A realisation link points at a service record, which records exports (the services the
student took part in) and erases (a service the student received alone goes whole, and its links
with it by CASCADE); the link itself says only "this record carried out this plan item".
"""

from ekonseling.core import personal_data

PLAN = ["program.Program", "program.ProgramVersion", "program.ProgramItem"]


def register() -> None:
    personal_data.register_not_exported(
        PLAN,
        "The school's BK plan, made and saved by counselors (their account is its author); it names "
        "no student, only topics, bidang, grades, rombel and months.",
    )
    personal_data.register_not_erased(
        PLAN, "The school's BK plan, made by staff; it names no student and outlives any one of them."
    )
    personal_data.register_not_exported(
        ["program.Realisation"],
        "A link from a plan item to a service record; the record is in the student's export (records).",
    )
    personal_data.register_not_erased(
        ["program.Realisation"],
        "A link from a plan item to a service record: it goes with the record when records erases it, "
        "and names no student.",
    )
