from . import test_core_records
from . import test_core_access
from . import test_complaint_flow
from . import test_complaint_nonconformity
from . import test_complaint_access
