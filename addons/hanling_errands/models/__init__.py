from . import account_payment
from . import duty_log
from . import errand
from . import errand_portal
from . import community_dashboard
