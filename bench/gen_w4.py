"""Generate the W4 account (1,000 principals) and fleet (10,000 instances) into a directory."""
import json, os, random, sys

out = sys.argv[1] if len(sys.argv) > 1 else "target/w4"
os.makedirs(out, exist_ok=True)
rng = random.Random(4)
A = "210987654321"
teams = [f"team-{n:02d}" for n in range(50)]

def policy(statements):
    return {"Version": "2012-10-17", "Statement": statements}

def team_sessions(team):
    return policy([
        {"Effect": "Allow", "Action": ["ssm:StartSession", "ssm:SendCommand"], "Resource": ["arn:aws:ec2:*:*:instance/*"],
         "Condition": {"StringEquals": {"ssm:resourceTag/Team": team}}},
        {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": ["arn:aws:ssm:*::document/AWS-RunShellScript", "arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell"]},
        {"Effect": "Allow", "Action": ["ssm:TerminateSession", "ssm:ResumeSession"], "Resource": "*",
         "Condition": {"StringLike": {"ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}"}}},
        {"Effect": "Allow", "Action": ["ssm:DescribeSessions", "ssm:DescribeInstanceInformation"], "Resource": "*"},
    ])

def specific(instances):
    return policy([{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": [f"arn:aws:ec2:us-east-1:{A}:instance/{i}" for i in instances]}])

responder = policy([
    {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "arn:aws:ec2:*:*:instance/*",
     "Condition": {"StringLike": {"ssm:resourceTag/IncidentResponse": "enabled"}}},
    {"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": "arn:aws:ssm:*::document/AWS-RunShellScript"},
    {"Effect": "Deny", "Action": "ssm:*", "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"StringEquals": {"ssm:resourceTag/Env": "pci"}}},
])

instances = []
for n in range(10_000):
    tags = {"Team": teams[n % 50], "Env": rng.choice(["dev", "staging", "prod", "pci"])}
    if n % 10 == 0:
        tags["IncidentResponse"] = "enabled"
    instances.append({"id": f"i-{n:017x}", "name": f"node-{n}", "tags": tags})

users, roles, groups = [], [], []
for t in teams:
    groups.append({"GroupName": f"ops-{t}", "GroupId": f"AGPA{t.upper().replace('-', '')}", "Arn": f"arn:aws:iam::{A}:group/ops-{t}",
                   "GroupPolicyList": [{"PolicyName": "team", "PolicyDocument": team_sessions(t)}], "AttachedManagedPolicies": []})
for n in range(900):
    kind = n % 10
    u = {"UserName": f"user{n:04d}", "UserId": f"AIDAUSER{n:012d}", "Arn": f"arn:aws:iam::{A}:user/user{n:04d}", "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": []}
    if kind < 7:
        u["GroupList"] = [f"ops-{teams[n % 50]}"]
    elif kind < 9:
        u["UserPolicyList"] = [{"PolicyName": "three", "PolicyDocument": specific([instances[(n * 7 + k) % 10_000]["id"] for k in range(3)])}]
    else:
        u["AttachedManagedPolicies"] = [{"PolicyName": "AmazonSSMReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"}]
    users.append(u)
for n in range(100):
    roles.append({"RoleName": f"Responder{n:03d}", "RoleId": f"AROAROLE{n:012d}", "Arn": f"arn:aws:iam::{A}:role/Responder{n:03d}",
                  "RolePolicyList": [{"PolicyName": "ir", "PolicyDocument": responder if n % 2 == 0 else team_sessions(teams[n % 50])}], "AttachedManagedPolicies": []})

json.dump({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": []}, open(f"{out}/auth.json", "w"))
json.dump({"account": A, "region": "us-east-1", "instances": instances,
           "documents": [{"name": "AWS-RunShellScript", "owner": "Amazon"}, {"name": "SSM-SessionManagerRunShell"}], "sessions": []},
          open(f"{out}/fleet.yaml", "w"))
print(f"{len(users) + len(roles)} principals, {len(instances)} instances in {out}")
