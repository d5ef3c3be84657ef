from . import test_errand_flow
from . import test_errand_accounting
from . import test_errand_access
from . import test_errand_delivery
from . import test_errand_portal
from . import test_errand_workflow_guard
from . import test_errand_payment_link
