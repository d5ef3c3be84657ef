from . import models
from . import controllers
from . import demo_history
