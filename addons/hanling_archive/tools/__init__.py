from .id_number import check_cn_id_number
