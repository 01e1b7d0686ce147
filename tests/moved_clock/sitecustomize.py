"""Puts a `wxbackend` subprocess on the test run's moved clock (tests/processes.py).

Python imports this module at start-up in every process whose PYTHONPATH names this
directory; tests/processes.py adds it only when the run's clock is moved (WXB_TEST_NOW,
tests/conftest.py) and passes the test process's current moment, so the processes under
test and the test (and its sandbox, which checks signed timestamps) agree on the time.
uvicorn's worker processes start through here too. Never used outside tests.
"""

import os

_moment = os.environ.get("WXB_TEST_NOW")
if _moment:
    from datetime import datetime

    import time_machine

    time_machine.travel(datetime.fromisoformat(_moment), tick=True).start()
