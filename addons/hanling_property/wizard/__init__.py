from . import decoration_deposit_register
from . import decoration_deposit_settle
