from . import test_core_records
from . import test_core_access
from . import test_community_events
from . import test_community_rooms
from . import test_community_directory
from . import test_community_counter_sale
from . import test_community_portal
