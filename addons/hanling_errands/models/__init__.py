from . import account_payment
from . import duty_log
from . import errand
from . import errand_delivery
from . import errand_line
from . import product_category
from . import product_template
