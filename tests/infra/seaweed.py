"""A throwaway SeaweedFS server for the tests: a real S3-compatible endpoint on 127.0.0.1.

`SeaweedServer` starts `weed server` (master, volume, filer and S3 gateway in one
process) in its own folder on free ports, waits until the S3 endpoint really stores
things (the gateway answers before its filer is ready), creates buckets, and at the end
stops the process and deletes the folder. It runs with one identity and checks
signatures, so a wrong secret is refused and a presigned URL expires, as on AWS.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REGION = "us-east-1"
START_TIMEOUT_S = 60.0
STOP_GRACE_S = 2.0


def weed_binary() -> str | None:
    """`weed` on PATH, or beside this Python (a virtual environment's bin folder)."""
    found = shutil.which("weed")
    if found:
        return found
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def _free_ports(count: int) -> list[int]:
    # Held open together so the same port is never handed out twice; each is also below
    # 55536, as SeaweedFS would otherwise derive a gRPC port (port + 10000) past 65535.
    sockets, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            sockets.append(s)
            if port < 55536 and port not in ports:
                ports.append(port)
    finally:
        for s in sockets:
            s.close()
    return ports


class SeaweedServer:
    """One `weed server` with an S3 gateway; `start()` returns once it stores objects."""

    def __init__(self, weed: str | None = None) -> None:
        self.weed = weed or weed_binary()
        if self.weed is None:
            raise FileNotFoundError("SeaweedFS's `weed` program is not installed")
        self.access_key = f"key{secrets.token_hex(6)}"
        self.secret_key = secrets.token_hex(16)
        self.folder = Path(tempfile.mkdtemp(prefix="seaweed-"))
        self.process: subprocess.Popen[bytes] | None = None
        (self.s3_port, self.master_port, self.volume_port, self.filer_port,
         self.s3_grpc, self.master_grpc, self.volume_grpc, self.filer_grpc) = _free_ports(8)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def store_args(self) -> dict[str, str]:
        """The keyword arguments of `storymaker.files.s3.S3Store` that reach this server."""
        return {"endpoint": self.endpoint, "region": REGION, "access_key_id": self.access_key,
                "secret_access_key": self.secret_key}

    def environment(self) -> dict[str, str]:
        """The standard AWS settings that reach this server."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_REGION": REGION, "AWS_ENDPOINT_URL": self.endpoint}

    def start(self) -> "SeaweedServer":
        config = self.folder / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "storymaker", "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        data = self.folder / "data"
        data.mkdir()
        command = [
            self.weed, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-s3", f"-s3.port={self.s3_port}", f"-s3.port.grpc={self.s3_grpc}", f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-master.port={self.master_port}", f"-master.port.grpc={self.master_grpc}",
            f"-volume.port={self.volume_port}", f"-volume.port.grpc={self.volume_grpc}",
            f"-filer.port={self.filer_port}", f"-filer.port.grpc={self.filer_grpc}",
            "-master.volumeSizeLimitMB=64", "-volume.max=0",
        ]
        log = open(self.folder / "weed.log", "wb")
        try:
            # TMPDIR: SeaweedFS puts its gRPC sockets there, and a killed server leaves them behind.
            self.process = subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "TMPDIR": str(self.folder)}, start_new_session=True)
        finally:
            log.close()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        # Ready means a bucket can be made: the S3 port opens seconds before the filer behind it.
        deadline = time.monotonic() + START_TIMEOUT_S
        probe = f"ready-{secrets.token_hex(4)}"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited with {self.process.returncode}: {self.log_tail()}")
            try:
                self.create_bucket(probe)
                return
            except urllib.error.HTTPError as error:
                if error.code < 500:  # a refusal will not go away by waiting
                    raise RuntimeError(f"SeaweedFS refused to make a bucket: {error}") from None
            except OSError:  # not listening yet
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start in {START_TIMEOUT_S:g} s: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, size: int = 2000) -> str:
        try:
            return (self.folder / "weed.log").read_text(errors="replace")[-size:]
        except OSError:
            return ""

    def create_bucket(self, name: str) -> str:
        """Create bucket `name` (a signed PUT on the bucket's address); returns the name."""
        import obstore
        from obstore.store import S3Store

        bucket = S3Store(name, endpoint=self.endpoint, access_key_id=self.access_key,
                         secret_access_key=self.secret_key, region=REGION, client_options={"allow_http": True})
        url = obstore.sign(bucket, "PUT", "", datetime.timedelta(seconds=60))
        with urllib.request.urlopen(urllib.request.Request(url, method="PUT"), timeout=10) as answer:
            answer.read()
        return name

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:  # its graceful shutdown can take minutes; the data is thrown away anyway
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
        # Its gRPC sockets go to /tmp whatever TMPDIR says; they are named by our ports.
        for port in (self.s3_port, self.s3_grpc, self.master_grpc, self.volume_grpc, self.filer_grpc):
            for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                path.unlink(missing_ok=True)

    def __enter__(self) -> "SeaweedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
