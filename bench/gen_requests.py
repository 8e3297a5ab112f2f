"""Generate the fixed W1 request mix (bench/data/w1-requests.json); seeded, so reruns are identical."""
import json, random

rng = random.Random(20261125)
accounts = ["987654321098", "123456789012", "111122223333"]
regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
instances = ["i-1234567890EXAMPLE", "i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE", "i-0abc1234567890def", "i-0e9d8c7b6aEXAMPLE"]
users = ["alice", "bob", "carol"]
docs_aws = ["AWS-RunShellScript", "AWS-RunPowerShellScript", "AWS-StartSSHSession", "AWS-RunPatchBaseline"]
docs_own = ["SSM-SessionManagerRunShell", "SSM-document-name", "MyDocument-1", "UpdateSSMAgent"]

def instance():
    return f"arn:aws:ec2:{rng.choice(regions)}:{rng.choice(accounts)}:instance/{rng.choice(instances)}"

def document():
    if rng.random() < 0.5:
        return f"arn:aws:ssm:{rng.choice(regions)}::document/{rng.choice(docs_aws)}"
    return f"arn:aws:ssm:{rng.choice(regions)}:{rng.choice(accounts)}:document/{rng.choice(docs_own)}"

def session(owner):
    return f"arn:aws:ssm:{rng.choice(regions)}:{rng.choice(accounts)}:session/{owner}-0a1b2c3d4e5f6a7b8"

def context(user_kind):
    c = {"aws:RequestedRegion": rng.choice(regions + ["us-east-1", "us-east-2"]), "aws:SecureTransport": "true"}
    if user_kind == "user":
        u = rng.choice(users)
        c["aws:username"] = u
        c["aws:userid"] = "AIDAEXAMPLE" + u.upper()
    else:
        c["aws:userid"] = "AROAEXAMPLERESPONDER1:ir-1"
    return c

requests = []
for n in range(1200):
    kind = rng.choice(["user", "user", "role"])
    ctx = context(kind)
    pick = rng.random()
    if pick < 0.25:
        action, resource = "ssm:StartSession", instance() if rng.random() < 0.7 else document()
        if rng.random() < 0.7:
            ctx["ssm:resourceTag/Finance"] = rng.choice(["WebServers", "Payroll"])
        if rng.random() < 0.4:
            ctx["ssm:resourceTag/CadoResponseSSMEnabled"] = rng.choice(["True", "true"])
        if rng.random() < 0.3:
            ctx["ssm:resourceTag/tag-key1"] = "tag-value1"
            ctx["ssm:resourceTag/tag-key2"] = rng.choice(["tag-value2", "other"])
        if rng.random() < 0.5:
            ctx["ssm:SessionDocumentAccessCheck"] = rng.choice(["true", "false"])
    elif pick < 0.5:
        action, resource = "ssm:SendCommand", instance() if rng.random() < 0.5 else document()
        if rng.random() < 0.5:
            ctx["ssm:resourceTag/CadoResponseSSMEnabled"] = rng.choice(["True", "False"])
    elif pick < 0.7:
        action = rng.choice(["ssm:TerminateSession", "ssm:ResumeSession"])
        owner = rng.choice(users + ["ir-1"])
        resource = session(owner)
        ctx["ssm:resourceTag/aws:ssmmessages:target-id"] = rng.choice(instances)
        ctx["ssm:resourceTag/aws:ssmmessages:session-id"] = rng.choice(["AIDAEXAMPLEALICE", "AIDIODR4TAW7CSEXAMPLE", "AROAEXAMPLERESPONDER1:ir-1", owner + "-0a1b"])
    elif pick < 0.8:
        action = rng.choice(["ssm:GetDocument", "ssm:DeleteDocument", "ssm:DescribeDocument", "ssm:ListDocumentVersions"])
        resource = document()
    elif pick < 0.9:
        action = rng.choice(["ssm:DescribeSessions", "ssm:ListDocuments", "ssm:DescribeInstanceInformation", "ssm:ListCommands", "ssm:DescribeAutomationExecutions", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus"])
        resource = "*"
    else:
        action = rng.choice(["iam:PassRole", "iam:CreateUser", "s3:GetObject", "ssm:GetParameter", "ssm:StartAutomationExecution"])
        resource = rng.choice(["*", "arn:aws:iam::987654321098:role/SSMServiceRole", "arn:aws:s3:::bucket/key", "arn:aws:ssm:us-east-1:987654321098:parameter/db"])
    requests.append({"action": action, "resource": resource, "context": ctx})

json.dump(requests, open("data/w1-requests.json", "w"), indent=0)
print(len(requests), "requests")
