from . import test_fee_billing
from . import test_fee_access
from . import test_fee_prepaid
from . import test_fee_receipt
from . import test_fee_portal
from . import test_fee_reports
from . import test_fee_demo_history
from . import test_fee_bank
