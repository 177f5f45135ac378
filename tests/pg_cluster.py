"""A PostgreSQL cluster of a test's own (initdb + pg_ctl on a free port in a temporary folder), which the
test may stop and start at will: never the shared server the suite's other tests use.

PostgreSQL refuses to run as root: when the tests run as root, its programs run as the `postgres` user
(`runuser`), and the folder is given to that user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

OS_USER = "postgres"


def server_programs() -> Path | None:
    """Debian's PostgreSQL programs (the newest installed version), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    programs: Path
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str) -> None:
        as_postgres = ["runuser", "-u", OS_USER, "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*as_postgres, str(self.programs / program), *args], capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        output = f"{done.stdout}\n{done.stderr}\n{self.log()}"
        assert done.returncode == 0, f"{program} {' '.join(args)}:\n{output}"

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        """Start the server and wait until it accepts connections (only on 127.0.0.1 and in its folder)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                 "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session and shuts down cleanly; `immediate` is a crash (recovery at start)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> str:
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url(name)


@contextmanager
def own_cluster(programs: Path) -> Iterator[Cluster]:
    """A new cluster (trust authentication, user postgres), started; stopped and removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="badges-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, OS_USER, OS_USER)
    cluster = Cluster(programs, folder, free_port())
    try:
        cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--no-sync", "--no-instructions")  # fmt: skip
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
