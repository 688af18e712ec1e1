"""Hostile files under the size limit are refused quickly and cheaply by the web upload and by
`import_values` alike: within 10 seconds and 300 MB, measured (tracemalloc for the web upload in
this process; the peak resident size of a separate `import_values` process)."""

import os
import subprocess
import sys
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import StagedUpload
from tests.conftest import REPO, client_for
from tests.hostile import HOSTILE

pytestmark = pytest.mark.django_db

SECONDS = 10
MEMORY = 300 * 1024 * 1024
#: What each refusal says (the limit it hit), so none passes by failing for another reason.
REFUSAL = {
    "sheet declaring a million rows": "something in row 1,048,576",
    "zip bomb (600 MB of sheet)": "unpacks to 600.0\xa0MB",
    "zip bomb with a lying directory": "could not be read as an Excel workbook",
    "300 MB shared string": "unpacks to 300.0\xa0MB",
    "40 MB shared string, under the unpacked limit": "a cell may hold at most 32,767",
    "long shared string in every cell": "more than 10.0\xa0MB of text",
    "three million empty cells": "more cells than 20,000 rows of 30 columns",
    "entity expansion (billion laughs)": "could not be read as an Excel workbook",
    "5,000 zip parts": "has 5,005 parts",
    "CSV of 900,000 rows": "something in row 20,002",
    "CSV with a 9 MB cell": "more than 32,767 characters",
    "CSV a million columns wide": "at most 30 columns",
}
_made: dict[str, bytes] = {}


def hostile_file(name: str) -> tuple[str, bytes]:
    filename, make = HOSTILE[name]
    if name not in _made:
        _made[name] = make()
    return filename, _made[name]


def test_every_hostile_file_has_its_expected_refusal():
    assert set(REFUSAL) == set(HOSTILE)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_web_upload_refuses_a_hostile_file_in_bounded_time_and_memory(imported, lead, name):
    filename, content = hostile_file(name)
    assert len(content) < 10 * 1024 * 1024  # under the size limit: the file itself is the attack
    client = client_for(lead)

    def post():
        return client.post("/submissions/upload/", {"file": SimpleUploadedFile(filename, content)})

    started = time.monotonic()
    response = post()
    elapsed = time.monotonic() - started
    # Again, tracing memory: tracemalloc slows allocation-heavy work several times over, so the
    # time is the untraced run's.
    tracemalloc.start()
    try:
        post()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert REFUSAL[name] in response.content.decode()
    assert not StagedUpload.objects.exists()
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    assert peak < MEMORY, f"{name}: {peak / 2**20:.0f} MB"


# Linux gives an exec'd process the peak size of the process it was forked from, so the command
# is started by a small launcher (a fresh Python) and measured there: a fork of the pytest worker
# would report the worker's few hundred MB as the command's. The launcher caps the address space
# so that a regression fails the test rather than exhausting the machine.
_LAUNCHER = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("name", list(HOSTILE))
def test_import_values_refuses_a_hostile_file_in_bounded_time_and_memory(tmp_path, name):
    filename, content = hostile_file(name)
    path = tmp_path / filename
    path.write_bytes(content)
    # The command judges the file before it looks anything up: an empty database will do.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}

    command = ["manage.py", "import_values", str(path), "--user", "lead.police"]
    process = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], cwd=REPO, env=env, capture_output=True
    )
    said, measured = (process.stdout + process.stderr).decode().rsplit("\n", 2)[:2]
    peak_kb, cpu_seconds = measured.split()

    assert process.returncode == 1, said
    assert REFUSAL[name] in said
    assert "nothing was saved" in said
    # CPU time, not wall time: what the file costs the machine, whatever else it is doing.
    assert float(cpu_seconds) < SECONDS, f"{name}: {float(cpu_seconds):.1f} s of CPU"
    assert int(peak_kb) * 1024 < MEMORY, f"{name}: {int(peak_kb) / 1024:.0f} MB"
