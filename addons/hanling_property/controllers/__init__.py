from . import portal
from . import directory_portal
from . import activity_portal
