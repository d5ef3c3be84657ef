from . import portal
from . import portal_requests
from . import directory_portal
from . import activity_portal
