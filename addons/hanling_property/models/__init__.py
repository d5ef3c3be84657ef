from . import community
from . import building
from . import unit
from . import occupancy
from . import res_partner
from . import service_category
from . import service
