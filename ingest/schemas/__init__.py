"""One module per dataset: its fields (Russian titles, aliases, types) beside its pandera checks.

``DATASETS`` maps the dataset name used on the command line and in the app to its :class:`Dataset`.
"""

from ingest.schemas.base import Context, Dataset, Field
from ingest.schemas.events import EVENTS
from ingest.schemas.mentors import MENTORS
from ingest.schemas.mentorships import MENTORSHIPS
from ingest.schemas.organizations import ORGANIZATIONS
from ingest.schemas.partners import PARTNERS
from ingest.schemas.roadmap import ROADMAP
from ingest.schemas.staff import STAFF
from ingest.schemas.students import STUDENTS

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (ORGANIZATIONS, ROADMAP, STAFF, MENTORS, MENTORSHIPS, PARTNERS, EVENTS, STUDENTS)
}

__all__ = ["DATASETS", "Context", "Dataset", "Field"]
