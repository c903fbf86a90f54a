"""`python -m learngrid_worker` runs the example lesson-plan worker."""

import sys

from .lesson_plan import main

sys.exit(main())
