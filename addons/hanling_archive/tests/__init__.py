from . import test_archive_dossier
from . import test_archive_resident
from . import test_archive_access
from . import test_archive_borrow
from . import test_archive_log
from . import test_archive_event
from . import test_archive_inspection
from . import test_archive_filing
