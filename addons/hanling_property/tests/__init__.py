from . import test_core_records
from . import test_core_access
