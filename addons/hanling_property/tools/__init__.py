from .validation import normalize_cn_phone
