"""Systems Manager on `ssmgate serve`, with the published example policies: what they allow
succeeds and the rest fails with AWS's exact AccessDeniedException message, for IAM users,
group members and assumed roles; tagged and untagged, EC2 and hybrid instances; own and others'
sessions; named and default session documents."""
import json
import os
import tempfile
import unittest

from botocore.exceptions import ClientError

from harness import Server

BINARY = os.environ["SSMGATE_BIN"]
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "policies")

FLEET = """account: "{account}"
region: {region}
instances:
  - {{id: i-1234567890EXAMPLE, name: web, tags: {{Finance: WebServers, CadoResponseSSMEnabled: "True", tag-key1: tag-value1, tag-key2: tag-value2}}}}
  - {{id: i-02573cafcfEXAMPLE, name: payroll, tags: {{Finance: Payroll}}}}
  - {{id: i-0untagged00000000, name: bare}}
  - {{id: mi-0hybrid0000000000, name: on-prem, platform: Windows, tags: {{CadoResponseSSMEnabled: "True"}}}}
"""


def example(name):
    with open(os.path.join(EXAMPLES, f"{name}.json")) as f:
        return f.read()


def denied(who, action, resource=None):
    on = f" on resource: {resource}" if resource else ""
    return f"User: {who} is not authorized to perform: {action}{on} because no identity-based policy allows the {action} action"


class Account:
    """A server playing one account and region, with the fleet above."""

    def __init__(self, account, region):
        self.account, self.region = account, region
        d = tempfile.mkdtemp(prefix="ssmgate-ssm-")
        fleet = os.path.join(d, "fleet.yaml")
        with open(fleet, "w") as f:
            f.write(FLEET.format(account=account, region=region))
        self.server = Server(BINARY, args=["--fleet", fleet, "--account-id", account, "--region", region], region=region)

    def __enter__(self):
        self.server.start()
        self.iam = self.server.client("iam")
        self.root_ssm = self.server.client("ssm")
        return self

    def __exit__(self, *exc):
        self.server.stop()

    def arn(self, rest):
        return f"arn:aws:iam::{self.account}:{rest}"

    def user(self, name, *policies, group=None):
        self.iam.create_user(UserName=name)
        for i, p in enumerate(policies):
            self.iam.put_user_policy(UserName=name, PolicyName=f"p{i}", PolicyDocument=p)
        if group:
            self.iam.add_user_to_group(GroupName=group, UserName=name)
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"], None

    def role_session(self, role, session_name, *policies):
        """Create `role` with `policies` and assume it as `session_name`; the session's credentials."""
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                            "Principal": {"AWS": self.arn("root")}, "Action": "sts:AssumeRole"}]})
        self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        for i, p in enumerate(policies):
            self.iam.put_role_policy(RoleName=role, PolicyName=f"p{i}", PolicyDocument=p)
        assumer = self.user(f"assumer-{session_name}", json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        c = self.server.client("sts", *assumer[:2]).assume_role(
            RoleArn=self.arn(f"role/{role}"), RoleSessionName=session_name)["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    def ssm(self, creds):
        return self.server.client("ssm", *creds)

    def instance_arn(self, iid):
        if iid.startswith("mi-"):
            return f"arn:aws:ssm:{self.region}:{self.account}:managed-instance/{iid}"
        return f"arn:aws:ec2:{self.region}:{self.account}:instance/{iid}"


class Case(unittest.TestCase):
    def refused(self, message, call, **kwargs):
        try:
            call(**kwargs)
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "AccessDeniedException")
            self.assertEqual(e.response["Error"]["Message"], message)
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            return
        self.fail(f"{call.__name__}({kwargs}) was allowed; expected: {message}")

    def test_session_finance_webservers_for_a_user_and_a_group_member(self):
        with Account("987654321098", "us-east-2") as a:
            alice = a.user("alice", example("session-finance-webservers"))
            a.iam.create_group(GroupName="finance")
            a.iam.put_group_policy(GroupName="finance", PolicyName="p", PolicyDocument=example("session-finance-webservers"))
            carol = a.user("carol", group="finance")
            for who, creds in (("alice", alice), ("carol", carol)):
                ssm = a.ssm(creds)
                s = ssm.start_session(Target="i-1234567890EXAMPLE")
                self.assertTrue(s["SessionId"].startswith(f"{who}-"), s["SessionId"])
                self.assertTrue(s["TokenValue"] and s["StreamUrl"].startswith("wss://"))
                self.refused(denied(a.arn(f"user/{who}"), "ssm:StartSession", a.instance_arn("i-02573cafcfEXAMPLE")),
                             ssm.start_session, Target="i-02573cafcfEXAMPLE")
                self.refused(denied(a.arn(f"user/{who}"), "ssm:StartSession", a.instance_arn("i-0untagged00000000")),
                             ssm.start_session, Target="i-0untagged00000000")
                self.assertEqual(ssm.terminate_session(SessionId=s["SessionId"])["SessionId"], s["SessionId"])
            history = a.root_ssm.describe_sessions(State="History")["Sessions"]
            self.assertEqual(sorted(x["Owner"] for x in history), [a.arn("user/alice"), a.arn("user/carol")])
            self.assertTrue(all(x["Status"] == "Terminated" and x["DocumentName"] == "SSM-SessionManagerRunShell" for x in history))

    def test_the_session_document_access_check_refuses_the_default_document(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.ssm(a.user("alice", example("start-session-document-access-check")))
            alice = a.arn("user/alice")
            self.refused(denied(alice, "ssm:StartSession", a.instance_arn("i-1234567890EXAMPLE")),
                         ssm.start_session, Target="i-1234567890EXAMPLE")
            s = ssm.start_session(Target="i-1234567890EXAMPLE", DocumentName="SSM-SessionManagerRunShell")
            self.assertTrue(s["SessionId"].startswith("alice-"))
            self.refused(denied(alice, "ssm:StartSession", "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession"),
                         ssm.start_session, Target="i-1234567890EXAMPLE", DocumentName="AWS-StartSSHSession")
            # A hybrid node is a managed-instance, not an EC2 instance.
            self.refused(denied(alice, "ssm:StartSession", a.instance_arn("mi-0hybrid0000000000")),
                         ssm.start_session, Target="mi-0hybrid0000000000", DocumentName="SSM-SessionManagerRunShell")

    def test_users_end_their_own_sessions_and_not_a_colleagues(self):
        with Account("123456789012", "us-east-2") as a:
            alice = a.ssm(a.user("alice", example("session-three-instances-own-sessions")))
            bob = a.ssm(a.user("bob", example("session-three-instances-own-sessions")))
            mine = alice.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            theirs = bob.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", f"arn:aws:ssm:us-east-2:123456789012:session/{theirs}"),
                         alice.terminate_session, SessionId=theirs)
            alice.terminate_session(SessionId=mine)
            active = a.root_ssm.describe_sessions(State="Active")["Sessions"]
            self.assertEqual([x["SessionId"] for x in active], [theirs])

    def test_assumed_roles_end_sessions_by_their_user_id_tag(self):
        with Account("123456789012", "us-east-1") as a:
            start = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]})
            role = a.ssm(a.role_session("Responder", "ir-1", example("terminate-by-session-id-tag-userid"), start))
            alice = a.ssm(a.user("alice", example("terminate-by-session-id-tag-userid"), start))
            role_session = role.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            self.assertTrue(role_session.startswith("ir-1-"), role_session)
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", f"arn:aws:ssm:us-east-1:123456789012:session/{role_session}"),
                         alice.terminate_session, SessionId=role_session)
            role.terminate_session(SessionId=role_session)
            own = alice.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            alice.terminate_session(SessionId=own)

    def test_a_responder_role_runs_commands_only_on_tagged_instances(self):
        with Account("123456789012", "us-east-1") as a:
            role = a.ssm(a.role_session("Responder", "ir-1", example("triage-run-command-tagged")))
            who = "arn:aws:sts::123456789012:assumed-role/Responder/ir-1"
            cmd = role.send_command(InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunShellScript",
                                    Parameters={"commands": ["uptime"]})["Command"]
            self.assertEqual((cmd["Status"], cmd["TargetCount"]), ("Pending", 1))
            self.refused(denied(who, "ssm:SendCommand", a.instance_arn("i-02573cafcfEXAMPLE")),
                         role.send_command, InstanceIds=["i-1234567890EXAMPLE", "i-02573cafcfEXAMPLE"],
                         DocumentName="AWS-RunShellScript", Parameters={"commands": ["uptime"]})
            self.refused(denied(who, "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunPatchBaseline"),
                         role.send_command, InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunPatchBaseline")
            # By tags, each instance is authorized on its own: the refused one fails, the call goes on.
            cmd = role.send_command(Targets=[{"Key": "tag:Finance", "Values": ["WebServers", "Payroll"]}],
                                    DocumentName="AWS-RunShellScript", Parameters={"commands": ["id"]})["Command"]
            inv = a.root_ssm.list_command_invocations(CommandId=cmd["CommandId"])["CommandInvocations"]
            self.assertEqual(sorted((i["InstanceId"], i["Status"], i["StatusDetails"]) for i in inv),
                             [("i-02573cafcfEXAMPLE", "Failed", "AccessDenied"), ("i-1234567890EXAMPLE", "Pending", "Pending")])
            s = role.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            self.assertTrue(s.startswith("ir-1-"))
            self.refused(denied(who, "ssm:StartSession", a.instance_arn("i-0untagged00000000")),
                         role.start_session, Target="i-0untagged00000000")

    def test_run_document_on_three_instances_through_the_aws_cli(self):
        with Account("123456789012", "us-east-2") as a:
            a.root_ssm.create_document(Name="SSM-document-name", DocumentType="Command", Content=json.dumps({
                "schemaVersion": "2.2", "description": "example",
                "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["date"]}}]}))
            key, secret, _ = a.user("alice", example("run-document-on-three-instances"))
            creds = os.path.join(tempfile.mkdtemp(), "credentials")
            with open(creds, "w") as f:
                f.write(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
            rc, out, err = a.server.cli("ssm", "send-command", "--instance-ids", "i-02573cafcfEXAMPLE",
                                        "--document-name", "SSM-document-name", credentials_file=creds)
            self.assertEqual(rc, 0, err)
            command_id = out["Command"]["CommandId"]
            rc, out, err = a.server.cli("ssm", "send-command", "--instance-ids", "i-1234567890EXAMPLE",
                                        "--document-name", "SSM-document-name", credentials_file=creds)
            self.assertIn(rc, (254, 255))
            self.assertIn("An error occurred (AccessDeniedException) when calling the SendCommand operation: "
                          + denied(a.arn("user/alice"), "ssm:SendCommand", a.instance_arn("i-1234567890EXAMPLE")), err)
            rc, out, err = a.server.cli("ssm", "list-commands", credentials_file=creds)
            self.assertEqual([c["CommandId"] for c in out["Commands"]], [command_id], err)
            rc, _, err = a.server.cli("ssm", "cancel-command", "--command-id", command_id, credentials_file=creds)
            self.assertEqual(rc, 0, err)
            rc, out, err = a.server.cli("ssm", "list-command-invocations", "--command-id", command_id, "--details", credentials_file=creds)
            self.assertEqual(out["CommandInvocations"][0]["Status"], "Cancelled", err)
            rc, _, err = a.server.cli("ssm", "describe-automation-executions", credentials_file=creds)
            self.assertIn(denied(a.arn("user/alice"), "ssm:DescribeAutomationExecutions"), err)

    def test_console_minimum_covers_ec2_describe_instances(self):
        with Account("123456789012", "us-east-1") as a:
            ec2 = a.server.client("ec2", *a.user("console", example("console-minimum"))[:2])
            found = ec2.describe_instances(Filters=[{"Name": "tag:Finance", "Values": ["WebServers"]}])
            instances = [i for r in found["Reservations"] for i in r["Instances"]]
            self.assertEqual([(i["InstanceId"], i["State"]["Name"]) for i in instances], [("i-1234567890EXAMPLE", "running")])
            every = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
            self.assertEqual(len(every), 3, "the fleet's EC2 instances, not its hybrid node")
            nobody = a.server.client("ec2", *a.user("nobody")[:2])
            with self.assertRaises(ClientError) as e:
                nobody.describe_instances()
            self.assertEqual(e.exception.response["Error"]["Code"], "UnauthorizedOperation")
            self.assertIn(denied(a.arn("user/nobody"), "ec2:DescribeInstances"), e.exception.response["Error"]["Message"])

    def test_documents_by_name_prefix(self):
        with Account("123456789012", "us-west-2") as a:
            content = json.dumps({"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "a", "inputs": {"runCommand": ["true"]}}]})
            for name in ("MyDocument-2", "Other"):
                a.root_ssm.create_document(Name=name, Content=content)
            ssm = a.ssm(a.user("alice", example("delete-mydocument-us-west-2")))
            ssm.delete_document(Name="MyDocument-2")
            self.refused(denied(a.arn("user/alice"), "ssm:DeleteDocument", "arn:aws:ssm:us-west-2:123456789012:document/Other"),
                         ssm.delete_document, Name="Other")
            names = [d["Name"] for d in a.root_ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]]
            self.assertEqual(names, ["Other", "SSM-SessionManagerRunShell"])


class Lifecycle(unittest.TestCase):
    """Statuses, pagination, filters, activations, tags and restarts, as botocore's model shapes them."""

    def test_command_status_follows_its_invocations(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            cmd = ssm.send_command(InstanceIds=["i-1234567890EXAMPLE", "i-02573cafcfEXAMPLE"], DocumentName="AWS-RunShellScript",
                                   Parameters={"commands": ["echo hi"]}, Comment="two")["Command"]
            cid = cmd["CommandId"]
            status = lambda: ssm.list_commands(CommandId=cid)["Commands"][0]
            self.assertEqual(status()["Status"], "Pending")
            inv = ssm.get_command_invocation(CommandId=cid, InstanceId="i-1234567890EXAMPLE")
            self.assertEqual((inv["Status"], inv["ResponseCode"]), ("Pending", -1))
            a.server.hook("CompleteCommandInvocation", {"CommandId": cid, "InstanceId": "i-1234567890EXAMPLE",
                                                        "Status": "Success", "StandardOutputContent": "hi\n"})
            self.assertEqual((status()["Status"], status()["CompletedCount"]), ("InProgress", 1))
            inv = ssm.get_command_invocation(CommandId=cid, InstanceId="i-1234567890EXAMPLE")
            self.assertEqual((inv["Status"], inv["StandardOutputContent"], inv["ResponseCode"]), ("Success", "hi\n", 0))
            a.server.hook("CompleteCommandInvocation", {"CommandId": cid, "InstanceId": "i-02573cafcfEXAMPLE", "Status": "Failed"})
            self.assertEqual((status()["Status"], status()["ErrorCount"]), ("Failed", 1))
            # Unknown parameters and missing required ones are refused as the document defines them.
            for params, needle in (({"nope": ["x"]}, '"nope" is not defined'), ({}, '"commands" is required')):
                with self.assertRaises(ClientError) as e:
                    ssm.send_command(InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunShellScript", Parameters=params)
                self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameters")
                self.assertIn(needle, e.exception.response["Error"]["Message"])
            with self.assertRaises(ClientError) as e:
                ssm.send_command(InstanceIds=["i-0000000000nothere"], DocumentName="AWS-RunShellScript", Parameters={"commands": ["x"]})
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidInstanceId")

    def test_pagination_and_filters(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            pages = list(ssm.get_paginator("list_documents").paginate(PaginationConfig={"PageSize": 2}))
            self.assertEqual(len(pages), 4)
            self.assertEqual(len([d for p in pages for d in p["DocumentIdentifiers"]]), 7)
            info = ssm.describe_instance_information(Filters=[{"Key": "tag:Finance", "Values": ["WebServers", "Payroll"]}])
            self.assertEqual(sorted(i["InstanceId"] for i in info["InstanceInformationList"]), ["i-02573cafcfEXAMPLE", "i-1234567890EXAMPLE"])
            info = ssm.describe_instance_information(InstanceInformationFilterList=[{"key": "ResourceType", "valueSet": ["ManagedInstance"]}])
            self.assertEqual([(i["InstanceId"], i["PlatformType"]) for i in info["InstanceInformationList"]], [("mi-0hybrid0000000000", "Windows")])
            pages = list(ssm.get_paginator("describe_instance_information").paginate(PaginationConfig={"PageSize": 5}))
            self.assertEqual(sum(len(p["InstanceInformationList"]) for p in pages), 4)
            for i in range(3):
                ssm.start_session(Target="i-1234567890EXAMPLE", Reason=f"r{i}")
            pages = list(ssm.get_paginator("describe_sessions").paginate(State="Active", PaginationConfig={"PageSize": 2}))
            self.assertEqual([len(p["Sessions"]) for p in pages], [2, 1])
            only = ssm.describe_sessions(State="Active", Filters=[{"key": "Target", "value": "i-02573cafcfEXAMPLE"}])
            self.assertEqual(only["Sessions"], [])
            self.assertEqual(ssm.get_connection_status(Target="i-1234567890EXAMPLE")["Status"], "connected")
            self.assertEqual(ssm.get_connection_status(Target="i-0000000000nothere")["Status"], "notconnected")

    def test_documents_have_versions_and_validated_content(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            v1 = {"schemaVersion": "2.2", "parameters": {"msg": {"type": "String", "default": "hi"}},
                  "mainSteps": [{"action": "aws:runShellScript", "name": "a", "inputs": {"runCommand": ["echo {{ msg }}"]}}]}
            d = ssm.create_document(Name="Greet", Content=json.dumps(v1), Tags=[{"Key": "team", "Value": "sre"}])["DocumentDescription"]
            self.assertEqual((d["DocumentVersion"], d["Parameters"][0]["Name"], d["Status"]), ("1", "msg", "Active"))
            v2 = dict(v1, description="second")
            self.assertEqual(ssm.update_document(Name="Greet", Content=json.dumps(v2), DocumentVersion="$LATEST")["DocumentDescription"]["LatestVersion"], "2")
            self.assertEqual(ssm.describe_document(Name="Greet")["Document"]["DefaultVersion"], "1")
            ssm.update_document_default_version(Name="Greet", DocumentVersion="2")
            self.assertEqual(json.loads(ssm.get_document(Name="Greet")["Content"])["description"], "second")
            self.assertEqual([v["IsDefaultVersion"] for v in ssm.list_document_versions(Name="Greet")["DocumentVersions"]], [False, True])
            self.assertEqual(ssm.list_tags_for_resource(ResourceType="Document", ResourceId="Greet")["TagList"], [{"Key": "team", "Value": "sre"}])
            for content, code in (({"mainSteps": []}, "InvalidDocumentContent"), ({"schemaVersion": "0.3", "mainSteps": [{"action": "x", "name": "y"}]}, "InvalidDocumentSchemaVersion"),
                                  ({"schemaVersion": "2.2", "parameters": {"p": {"type": "Float"}}, "mainSteps": [{"action": "x", "name": "y"}]}, "InvalidDocumentContent")):
                with self.assertRaises(ClientError) as e:
                    ssm.create_document(Name="Bad", Content=json.dumps(content))
                self.assertEqual(e.exception.response["Error"]["Code"], code)
            with self.assertRaises(ClientError) as e:
                ssm.delete_document(Name="AWS-RunShellScript")
            self.assertEqual(e.exception.response["Error"]["Code"], "InvalidDocumentOperation")

    def test_activations_register_hybrid_nodes_that_take_tags(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            a.iam.create_role(RoleName="SSMServiceRole", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
            act = ssm.create_activation(IamRole="SSMServiceRole", RegistrationLimit=1, DefaultInstanceName="edge",
                                        Tags=[{"Key": "site", "Value": "lab"}])
            node = a.server.hook("RegisterManagedInstance", {"ActivationId": act["ActivationId"], "ActivationCode": act["ActivationCode"]})["InstanceId"]
            self.assertTrue(node.startswith("mi-"))
            info = ssm.describe_instance_information(Filters=[{"Key": "ActivationIds", "Values": [act["ActivationId"]]}])["InstanceInformationList"]
            self.assertEqual([(i["InstanceId"], i["Name"], i["IamRole"], i["PingStatus"]) for i in info], [(node, "edge", "SSMServiceRole", "Online")])
            listed = ssm.describe_activations()["ActivationList"][0]
            self.assertEqual((listed["RegistrationsCount"], listed["Expired"]), (1, False))
            with self.assertRaises(Exception):
                a.server.hook("RegisterManagedInstance", {"ActivationId": act["ActivationId"], "ActivationCode": act["ActivationCode"]})
            ssm.add_tags_to_resource(ResourceType="ManagedInstance", ResourceId=node, Tags=[{"Key": "env", "Value": "prod"}])
            tags = ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=node)["TagList"]
            self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("env", "prod"), ("site", "lab")])
            ssm.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=node, TagKeys=["env"])
            ssm.delete_activation(ActivationId=act["ActivationId"])
            self.assertEqual(ssm.describe_activations()["ActivationList"], [])

    def test_automation_executions_stay_in_progress_until_stopped(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            eid = ssm.start_automation_execution(DocumentName="AWS-RestartEC2Instance",
                                                 Parameters={"InstanceId": ["i-1234567890EXAMPLE"]})["AutomationExecutionId"]
            self.assertEqual(ssm.get_automation_execution(AutomationExecutionId=eid)["AutomationExecution"]["AutomationExecutionStatus"], "InProgress")
            ssm.stop_automation_execution(AutomationExecutionId=eid)
            listed = ssm.describe_automation_executions(Filters=[{"Key": "ExecutionStatus", "Values": ["Cancelled"]}])["AutomationExecutionMetadataList"]
            self.assertEqual([x["AutomationExecutionId"] for x in listed], [eid])
            with self.assertRaises(ClientError) as e:
                ssm.start_automation_execution(DocumentName="AWS-NoSuchRunbook")
            self.assertEqual(e.exception.response["Error"]["Code"], "AutomationDefinitionNotFoundException")

    def test_everything_survives_a_restart(self):
        with Account("123456789012", "us-east-1") as a:
            ssm = a.root_ssm
            cid = ssm.send_command(InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunShellScript", Parameters={"commands": ["x"]})["Command"]["CommandId"]
            sid = ssm.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            ssm.add_tags_to_resource(ResourceType="ManagedInstance", ResourceId="mi-0hybrid0000000000", Tags=[{"Key": "k", "Value": "v"}])
            a.server.stop()
            a.server.start()
            ssm = a.server.client("ssm")
            self.assertEqual(ssm.list_commands()["Commands"][0]["CommandId"], cid)
            self.assertEqual(ssm.describe_sessions(State="Active")["Sessions"][0]["SessionId"], sid)
            # The fleet file is read again at start-up: its tags are the truth for its instances.
            self.assertEqual(ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId="mi-0hybrid0000000000")["TagList"],
                             [{"Key": "CadoResponseSSMEnabled", "Value": "True"}])


if __name__ == "__main__":
    unittest.main()
