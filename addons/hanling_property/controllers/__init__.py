from . import directory_portal
