"""All public types, split per capability into small modules and re-exported here.

Each submodule's ``__all__`` says what it defines; this package's ``__all__`` is their union, so a new type is
listed once, where it is defined.
"""

from ratatoskr.types import capability, chat, generate, inference, model, parameter, preset
from ratatoskr.types.capability import *
from ratatoskr.types.chat import *
from ratatoskr.types.generate import *
from ratatoskr.types.inference import *
from ratatoskr.types.model import *
from ratatoskr.types.parameter import *
from ratatoskr.types.preset import *

__all__ = []
__all__ += capability.__all__
__all__ += chat.__all__
__all__ += generate.__all__
__all__ += inference.__all__
__all__ += model.__all__
__all__ += parameter.__all__
__all__ += preset.__all__
