#!/usr/bin/env python3
"""Round-trip latency of `ssmgate serve` through boto3 (client-side, loopback), release build.

    cargo build --release -p ssmgate-cli && python3 bench/endpoint_latency.py [N]

Times N calls of each kind as an IAM user holding a published example policy, with a fleet of
four instances, and prints the median and 95th percentile; boto3's own cost (signing,
serialising, parsing) is part of every figure. The peer in the same run is moto's server
(`python3 -m moto.server`, its own process, authorization off as it ships), on the calls it
implements.
"""
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from harness import Server  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
BINARY = os.path.join(ROOT, "target", "release", "ssmgate")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
FLEET = """account: "123456789012"
region: us-east-1
instances:
  - {id: i-1234567890EXAMPLE, tags: {CadoResponseSSMEnabled: "True"}}
  - {id: i-02573cafcfEXAMPLE, tags: {Finance: Payroll}}
  - {id: i-0untagged00000000}
  - {id: mi-0hybrid0000000000, tags: {CadoResponseSSMEnabled: "True"}}
"""


RESULTS = {}


def timed(label, call, n=N):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    RESULTS[label] = statistics.median(samples)
    print(f"{label:<45} median {statistics.median(samples):6.2f} ms   p95 {samples[int(len(samples) * 0.95)]:6.2f} ms")


def main():
    d = tempfile.mkdtemp(prefix="ssmgate-lat-")
    fleet = os.path.join(d, "fleet.yaml")
    with open(fleet, "w") as f:
        f.write(FLEET)
    server = Server(BINARY, args=["--fleet", fleet]).start()
    try:
        iam = server.client("iam")
        iam.create_user(UserName="responder")
        with open(os.path.join(ROOT, "examples", "policies", "triage-run-command-tagged.json")) as f:
            iam.put_user_policy(UserName="responder", PolicyName="p", PolicyDocument=f.read())
        iam.put_user_policy(UserName="responder", PolicyName="list", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:ListUsers", "ssm:DescribeSessions"], "Resource": "*"},
                                              {"Effect": "Allow", "Action": "ssm:TerminateSession", "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*"}]}))
        k = iam.create_access_key(UserName="responder")["AccessKey"]
        sts = server.client("sts", k["AccessKeyId"], k["SecretAccessKey"])
        ssm = server.client("ssm", k["AccessKeyId"], k["SecretAccessKey"])
        user_iam = server.client("iam", k["AccessKeyId"], k["SecretAccessKey"])
        print(f"ssmgate serve (release), {N} calls each, boto3 on loopback")
        timed("sts GetCallerIdentity", sts.get_caller_identity)
        timed("iam ListUsers (allowed)", user_iam.list_users)
        timed("ssm SendCommand (allowed, one write)", lambda: ssm.send_command(
            InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunShellScript", Parameters={"commands": ["id"]}))

        def denied():
            try:
                ssm.send_command(InstanceIds=["i-02573cafcfEXAMPLE"], DocumentName="AWS-RunShellScript", Parameters={"commands": ["id"]})
            except ssm.exceptions.ClientError:
                pass
        timed("ssm SendCommand (AccessDeniedException)", denied)
        timed("ssm StartSession + TerminateSession", lambda: ssm.terminate_session(
            SessionId=ssm.start_session(Target="i-1234567890EXAMPLE")["SessionId"]))
        timed("ssm DescribeSessions (History, paged)", lambda: ssm.describe_sessions(State="History", MaxResults=20))
    finally:
        server.stop()
    moto_peer()


def moto_peer():
    import subprocess

    import boto3

    from harness import free_port

    port = free_port()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
        deadline = time.time() + 30
        while True:
            try:
                boto3.client("sts", **kw).get_caller_identity()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        ec2 = boto3.client("ec2", **kw)
        image = ec2.describe_images()["Images"][0]["ImageId"]
        iid = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        sts, iam, ssm = boto3.client("sts", **kw), boto3.client("iam", **kw), boto3.client("ssm", **kw)
        iam.create_user(UserName="responder")
        print(f"moto server {__import__('moto').__version__} (peer, same run)")
        ours = dict(RESULTS)
        timed("sts GetCallerIdentity", sts.get_caller_identity)
        timed("iam ListUsers (allowed)", iam.list_users)
        timed("ssm SendCommand (allowed, one write)", lambda: ssm.send_command(
            InstanceIds=[iid], DocumentName="AWS-RunShellScript", Parameters={"commands": ["id"]}))
        for label in ("sts GetCallerIdentity", "iam ListUsers (allowed)", "ssm SendCommand (allowed, one write)"):
            print(f"  {label}: moto / ssmgate = {RESULTS[label] / ours[label]:.2f}")
    finally:
        moto.terminate()
        moto.wait(timeout=30)


if __name__ == "__main__":
    main()
