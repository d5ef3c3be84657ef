from .access_log import is_unlogged_read, unlogged_read
from .id_number import check_cn_id_number
