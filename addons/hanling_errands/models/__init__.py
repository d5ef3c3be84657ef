from . import account_payment
from . import duty_log
from . import errand
