from . import test_core_records
from . import test_core_access
from . import test_duty_log
from . import test_mixins
from . import test_work_order_flow
from . import test_work_order_billing
from . import test_work_order_access
from . import test_work_order_review
