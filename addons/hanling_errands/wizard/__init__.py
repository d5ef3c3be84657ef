from . import errand_payment
