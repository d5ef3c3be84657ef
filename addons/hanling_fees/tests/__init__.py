from . import test_fee_billing
from . import test_fee_access
