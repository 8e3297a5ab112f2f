"""Start `ssmgate serve` on a free loopback port and hand out boto3 clients and aws CLI runs."""
import configparser
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import boto3
import botocore.config

REGION = "us-east-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `ssmgate serve` process over a data directory that outlives restarts."""

    def __init__(self, binary, data_dir=None, args=(), region=None):
        self.binary = binary
        self.args = list(args)
        self.region = region or REGION
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="ssmgate-e2e-")
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}", *self.args],
                stdout=log, stderr=log,
                env={k: v for k, v in os.environ.items() if not k.startswith("SSMGATE_ROOT")},
            )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ssmgate serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("ssmgate serve did not start listening in 30 s")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def root_credentials(self):
        c = configparser.ConfigParser()
        c.read(os.path.join(self.data_dir, "root-credentials"))
        return c["default"]["aws_access_key_id"], c["default"]["aws_secret_access_key"]

    def client(self, service, key=None, secret=None, token=None):
        if key is None:
            key, secret = self.root_credentials()
        return boto3.client(
            service, endpoint_url=self.url, region_name=self.region,
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
            config=botocore.config.Config(retries={"max_attempts": 1}),
        )

    def cli(self, *args, credentials_file=None, env=None):
        """Run the aws CLI against the server; returns (exit code, parsed JSON or None, stderr)."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update({
            "AWS_SHARED_CREDENTIALS_FILE": credentials_file or os.path.join(self.data_dir, "root-credentials"),
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_MAX_ATTEMPTS": "1",
        })
        e.update(env or {})
        p = subprocess.run(["aws", "--endpoint-url", self.url, "--output", "json", *args],
                           capture_output=True, text=True, env=e, timeout=60)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def hook(self, name, body):
        """Call one of ssmgate's test hooks (`X-Amz-Target: Ssmgate.<name>`) as the root user."""
        import urllib.request
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        key, secret = self.root_credentials()
        req = AWSRequest(method="POST", url=self.url + "/", data=json.dumps(body),
                         headers={"X-Amz-Target": f"Ssmgate.{name}", "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials(key, secret), "ssm", self.region).add_auth(req)
        r = urllib.request.Request(self.url + "/", data=req.body.encode() if isinstance(req.body, str) else req.body,
                                   headers=dict(req.headers.items()), method="POST")
        with urllib.request.urlopen(r, timeout=30) as resp:
            return json.loads(resp.read())
