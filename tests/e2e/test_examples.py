"""The rest of the published example policies on `ssmgate serve`, one test each: the calls each
allows succeed, the others fail with AWS's exact words, and the two that IAM would refuse are
refused at PutUserPolicy with MalformedPolicyDocument."""
import json
import os
import unittest

from botocore.exceptions import ClientError

from test_ssm import Account, denied, example

ADMIN = example("session-admin")
START_ANYWHERE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"}]})
ROLE = "arn:aws:sts::123456789012:assumed-role/Responder/ir-1"


class Examples(unittest.TestCase):
    def refused(self, message, call, **kwargs):
        with self.assertRaises(ClientError, msg=f"{call.__name__}({kwargs}) was allowed") as e:
            call(**kwargs)
        self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]),
                         ("AccessDeniedException", message))

    def session_arn(self, a, sid):
        return f"arn:aws:ssm:{a.region}:{a.account}:session/{sid}"

    def test_session_two_tags(self):
        with Account("123456789012", "us-east-1") as a:
            role = a.ssm(a.role_session("Responder", "ir-1", example("session-two-tags")))
            role.start_session(Target="i-1234567890EXAMPLE")
            self.refused(denied(ROLE, "ssm:StartSession", a.instance_arn("i-02573cafcfEXAMPLE")),
                         role.start_session, Target="i-02573cafcfEXAMPLE")

    def test_session_admin(self):
        with Account("123456789012", "us-east-1") as a:
            alice = a.ssm(a.user("alice", ADMIN))
            bob = a.ssm(a.user("bob", ADMIN))
            alice.start_session(Target="mi-0hybrid0000000000")
            theirs = bob.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            self.assertEqual(alice.resume_session(SessionId=theirs)["SessionId"], theirs)
            alice.terminate_session(SessionId=theirs)
            self.assertEqual(len(alice.describe_sessions(State="Active")["Sessions"]), 1)
            self.assertEqual(alice.get_connection_status(Target="i-0untagged00000000")["Status"], "connected")
            self.refused(denied(a.arn("user/alice"), "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"),
                         alice.send_command, InstanceIds=["i-1234567890EXAMPLE"], DocumentName="AWS-RunShellScript",
                         Parameters={"commands": ["id"]})

    def test_terminate_by_target_id_tag(self):
        with Account("123456789012", "us-east-1") as a:
            starter = a.ssm(a.user("starter", ADMIN))
            on_payroll = starter.start_session(Target="i-02573cafcfEXAMPLE")["SessionId"]
            on_web = starter.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            alice = a.ssm(a.user("alice", example("terminate-by-target-id-tag")))
            alice.terminate_session(SessionId=on_payroll)
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", self.session_arn(a, on_web)),
                         alice.terminate_session, SessionId=on_web)

    def test_terminate_by_session_id_tag_of_another_user_id(self):
        with Account("123456789012", "us-east-1") as a:
            alice = a.ssm(a.user("alice", example("terminate-by-session-id-tag-user"), START_ANYWHERE))
            own = alice.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            # Only AIDIODR4TAW7CSEXAMPLE's sessions: alice's user id is another.
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", self.session_arn(a, own)),
                         alice.terminate_session, SessionId=own)

    def test_terminate_by_both_tags(self):
        with Account("123456789012", "us-east-1") as a:
            alice = a.ssm(a.user("alice", example("terminate-by-both-tags"), START_ANYWHERE))
            own = alice.start_session(Target="i-02573cafcfEXAMPLE")["SessionId"]
            # The session-id tag holds the user id (AIDA...), never alice-*.
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", self.session_arn(a, own)),
                         alice.terminate_session, SessionId=own)

    def test_terminate_own_sessions_by_user_name(self):
        with Account("123456789012", "us-east-1") as a:
            alice = a.ssm(a.user("alice", example("terminate-own-sessions-username"), START_ANYWHERE))
            bob = a.ssm(a.user("bob", START_ANYWHERE))
            own = alice.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            theirs = bob.start_session(Target="i-1234567890EXAMPLE")["SessionId"]
            alice.terminate_session(SessionId=own)
            self.refused(denied(a.arn("user/alice"), "ssm:TerminateSession", self.session_arn(a, theirs)),
                         alice.terminate_session, SessionId=theirs)
            self.assertEqual([s["SessionId"] for s in alice.describe_sessions(State="History")["Sessions"]], [own])

    def test_triage_run_command_default(self):
        with Account("123456789012", "us-east-1") as a:
            role = a.ssm(a.role_session("Responder", "ir-1", example("triage-run-command-default")))
            role.send_command(InstanceIds=["i-0untagged00000000", "i-02573cafcfEXAMPLE"], DocumentName="AWS-RunShellScript",
                              Parameters={"commands": ["id"]})
            self.refused(denied(ROLE, "ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunPatchBaseline"),
                         role.send_command, InstanceIds=["i-0untagged00000000"], DocumentName="AWS-RunPatchBaseline")
            self.refused(denied(ROLE, "ssm:SendCommand", a.instance_arn("mi-0hybrid0000000000")),
                         role.send_command, InstanceIds=["mi-0hybrid0000000000"], DocumentName="AWS-RunShellScript",
                         Parameters={"commands": ["id"]})
            self.refused(denied(ROLE, "ssm:DescribeInstanceInformation"), role.describe_instance_information)

    def test_start_session_with_document_placeholders(self):
        with Account("123456789012", "us-east-1") as a:
            alice = a.ssm(a.user("alice", example("start-session-with-document")))
            self.refused(denied(a.arn("user/alice"), "ssm:StartSession", a.instance_arn("i-1234567890EXAMPLE")),
                         alice.start_session, Target="i-1234567890EXAMPLE")

    def test_list_documents_update_prefix(self):
        with Account("111222333444", "us-west-2") as a:
            alice = a.ssm(a.user("alice", example("list-documents-update-prefix")))
            # ListDocuments takes no resource: a document ARN in the policy never matches.
            self.refused(denied(a.arn("user/alice"), "ssm:ListDocuments"), alice.list_documents)

    def test_console_minimum(self):
        with Account("123456789012", "us-east-1") as a:
            a.iam.create_role(RoleName="SSMServiceRole", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
            alice = a.ssm(a.user("alice", example("console-minimum")))
            cmd = alice.send_command(Targets=[{"Key": "tag:Finance", "Values": ["WebServers"]}], DocumentName="AWS-RunShellScript",
                                     Parameters={"commands": ["id"]})["Command"]
            self.assertEqual(cmd["TargetCount"], 1)
            alice.start_automation_execution(DocumentName="AWS-RestartEC2Instance", Parameters={"InstanceId": ["i-1234567890EXAMPLE"]})
            self.assertTrue(alice.create_activation(IamRole="SSMServiceRole")["ActivationCode"])

    def test_the_malformed_examples_are_refused_as_iam_refuses_them(self):
        with Account("111222333444", "us-west-2") as a:
            a.iam.create_user(UserName="alice")
            for name, message in (
                ("single-region-malformed-arn", "Resource vendor must be fully qualified and cannot contain regexes."),
                ("terminate-by-target-id-tag-empty-resource", 'Resource  must be in ARN format or "*".'),
            ):
                with self.assertRaises(ClientError) as e:
                    a.iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=example(name))
                self.assertEqual((e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]),
                                 ("MalformedPolicyDocument", message), name)


if __name__ == "__main__":
    unittest.main()
