from . import test_core_access, test_core_records, test_duty_log, test_mixins
