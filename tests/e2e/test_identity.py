"""IAM and STS on `ssmgate serve`, driven by boto3 and the aws CLI exactly as against AWS."""
import os
import signal
import tempfile
import threading
import time
import unittest
import json

from botocore.exceptions import ClientError

from harness import Server

BINARY = os.environ["SSMGATE_BIN"]


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def error_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded where an error was expected")


class Endpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(BINARY).start()
        cls.iam = cls.server.client("iam")
        cls.sts = cls.server.client("sts")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def user_with_key(self, name, *statements):
        self.iam.create_user(UserName=name)
        if statements:
            self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def test_get_caller_identity_with_each_kind_of_credential(self):
        # Root, through the aws CLI reading the credentials file the server wrote.
        code, out, err = self.server.cli("sts", "get-caller-identity")
        self.assertEqual(code, 0, err)
        self.assertEqual(out["Arn"], "arn:aws:iam::123456789012:root")
        # A user, through boto3 and through the CLI with a credentials file of their own.
        key, secret = self.user_with_key("ident-user", allow("sts:AssumeRole"))
        me = self.server.client("sts", key, secret).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:iam::123456789012:user/ident-user")
        self.assertTrue(me["UserId"].startswith("AIDA"))
        creds = os.path.join(tempfile.mkdtemp(), "credentials")
        with open(creds, "w") as f:
            f.write(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
        code, out, err = self.server.cli("sts", "get-caller-identity", credentials_file=creds)
        self.assertEqual((code, out["Arn"]), (0, "arn:aws:iam::123456789012:user/ident-user"), err)
        # A role session from AssumeRole, through boto3 and the CLI's environment variables.
        self.iam.create_role(RoleName="ident-role", AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}))
        resp = self.server.client("sts", key, secret).assume_role(
            RoleArn="arn:aws:iam::123456789012:role/ident-role", RoleSessionName="e2e", DurationSeconds=900)
        c = resp["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(resp["AssumedRoleUser"]["Arn"], "arn:aws:sts::123456789012:assumed-role/ident-role/e2e")
        me = self.server.client("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:sts::123456789012:assumed-role/ident-role/e2e")
        code, out, err = self.server.cli("sts", "get-caller-identity", env={
            "AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"], "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
        self.assertEqual((code, out["Arn"]), (0, "arn:aws:sts::123456789012:assumed-role/ident-role/e2e"), err)

    def test_denials_are_parsed_by_botocore_with_aws_wording(self):
        key, secret = self.user_with_key("deny-user")
        code, message, status = error_of(self.server.client("iam", key, secret).create_user, UserName="other")
        self.assertEqual((code, status), ("AccessDenied", 403))
        self.assertEqual(message, "User: arn:aws:iam::123456789012:user/deny-user is not authorized to perform: "
                                  "iam:CreateUser on resource: arn:aws:iam::123456789012:user/other because no "
                                  "identity-based policy allows the iam:CreateUser action")
        # The CLI prints the same words.
        creds = os.path.join(tempfile.mkdtemp(), "credentials")
        with open(creds, "w") as f:
            f.write(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
        rc, _, err = self.server.cli("iam", "list-users", credentials_file=creds)
        self.assertIn(rc, (254, 255))  # aws CLI v2 exits 254 on a service error, v1 255
        self.assertIn("An error occurred (AccessDenied) when calling the ListUsers operation: User: "
                      "arn:aws:iam::123456789012:user/deny-user is not authorized to perform: iam:ListUsers", err)

    def test_every_identity_operation_round_trips_through_botocore(self):
        iam = self.iam
        iam.create_user(UserName="rt-user", Path="/rt/", Tags=[{"Key": "team", "Value": "web"}])
        self.assertEqual(iam.get_user(UserName="rt-user")["User"]["Tags"], [{"Key": "team", "Value": "web"}])
        iam.tag_user(UserName="rt-user", Tags=[{"Key": "env", "Value": "prod"}])
        self.assertEqual(len(iam.list_user_tags(UserName="rt-user")["Tags"]), 2)
        iam.untag_user(UserName="rt-user", TagKeys=["env"])
        self.assertIn("rt-user", [u["UserName"] for u in iam.list_users(PathPrefix="/rt/")["Users"]])
        k = iam.create_access_key(UserName="rt-user")["AccessKey"]
        iam.update_access_key(UserName="rt-user", AccessKeyId=k["AccessKeyId"], Status="Inactive")
        self.assertEqual(iam.list_access_keys(UserName="rt-user")["AccessKeyMetadata"][0]["Status"], "Inactive")
        iam.delete_access_key(UserName="rt-user", AccessKeyId=k["AccessKeyId"])
        iam.create_group(GroupName="rt-group")
        iam.add_user_to_group(GroupName="rt-group", UserName="rt-user")
        self.assertEqual([u["UserName"] for u in iam.get_group(GroupName="rt-group")["Users"]], ["rt-user"])
        self.assertEqual([g["GroupName"] for g in iam.list_groups_for_user(UserName="rt-user")["Groups"]], ["rt-group"])
        self.assertIn("rt-group", [g["GroupName"] for g in iam.list_groups()["Groups"]])
        doc = policy(allow("iam:GetUser"))
        for kind, name_arg, name in (("user", "UserName", "rt-user"), ("group", "GroupName", "rt-group")):
            getattr(iam, f"put_{kind}_policy")(**{name_arg: name}, PolicyName="inline", PolicyDocument=doc)
            got = getattr(iam, f"get_{kind}_policy")(**{name_arg: name}, PolicyName="inline")
            # botocore decodes the URL-encoded document into a dict, as with AWS.
            self.assertEqual(got["PolicyDocument"], json.loads(doc))
            self.assertEqual(getattr(iam, f"list_{kind}_policies")(**{name_arg: name})["PolicyNames"], ["inline"])
            getattr(iam, f"delete_{kind}_policy")(**{name_arg: name}, PolicyName="inline")
        p = iam.create_policy(PolicyName="rt-policy", PolicyDocument=doc, Description="round trip")["Policy"]
        self.assertEqual(p["DefaultVersionId"], "v1")
        iam.create_policy_version(PolicyArn=p["Arn"], PolicyDocument=policy(allow("iam:ListUsers")), SetAsDefault=True)
        self.assertEqual(iam.get_policy(PolicyArn=p["Arn"])["Policy"]["DefaultVersionId"], "v2")
        v = iam.get_policy_version(PolicyArn=p["Arn"], VersionId="v2")["PolicyVersion"]
        self.assertEqual(v["Document"]["Statement"][0]["Action"], "iam:ListUsers")
        self.assertEqual([x["VersionId"] for x in iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]], ["v2", "v1"])
        iam.set_default_policy_version(PolicyArn=p["Arn"], VersionId="v1")
        iam.delete_policy_version(PolicyArn=p["Arn"], VersionId="v2")
        for kind, name_arg, name in (("user", "UserName", "rt-user"), ("group", "GroupName", "rt-group")):
            getattr(iam, f"attach_{kind}_policy")(**{name_arg: name}, PolicyArn=p["Arn"])
            attached = getattr(iam, f"list_attached_{kind}_policies")(**{name_arg: name})["AttachedPolicies"]
            self.assertEqual(attached, [{"PolicyName": "rt-policy", "PolicyArn": p["Arn"]}])
        ents = iam.list_entities_for_policy(PolicyArn=p["Arn"])
        self.assertEqual([u["UserName"] for u in ents["PolicyUsers"]], ["rt-user"])
        self.assertIn("rt-policy", [x["PolicyName"] for x in iam.list_policies(Scope="Local")["Policies"]])
        aws = iam.list_policies(Scope="AWS", PathPrefix="/")["Policies"]
        self.assertIn("AmazonSSMManagedInstanceCore", [x["PolicyName"] for x in aws])
        iam.put_user_permissions_boundary(UserName="rt-user", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")
        self.assertEqual(iam.get_user(UserName="rt-user")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"],
                         "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")
        iam.delete_user_permissions_boundary(UserName="rt-user")
        trust = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
        r = iam.create_role(RoleName="rt-role", AssumeRolePolicyDocument=trust, MaxSessionDuration=7200,
                            Tags=[{"Key": "team", "Value": "sre"}])["Role"]
        self.assertEqual(r["AssumeRolePolicyDocument"], json.loads(trust))
        self.assertEqual(iam.get_role(RoleName="rt-role")["Role"]["MaxSessionDuration"], 7200)
        iam.update_assume_role_policy(RoleName="rt-role", PolicyDocument=trust)
        iam.tag_role(RoleName="rt-role", Tags=[{"Key": "env", "Value": "prod"}])
        self.assertEqual(len(iam.list_role_tags(RoleName="rt-role")["Tags"]), 2)
        iam.untag_role(RoleName="rt-role", TagKeys=["env"])
        iam.put_role_policy(RoleName="rt-role", PolicyName="inline", PolicyDocument=doc)
        self.assertEqual(iam.list_role_policies(RoleName="rt-role")["PolicyNames"], ["inline"])
        self.assertEqual(iam.get_role_policy(RoleName="rt-role", PolicyName="inline")["PolicyDocument"], json.loads(doc))
        iam.attach_role_policy(RoleName="rt-role", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
        self.assertEqual(len(iam.list_attached_role_policies(RoleName="rt-role")["AttachedPolicies"]), 1)
        iam.put_role_permissions_boundary(RoleName="rt-role", PermissionsBoundary=p["Arn"])
        iam.delete_role_permissions_boundary(RoleName="rt-role")
        self.assertIn("rt-role", [x["RoleName"] for x in iam.list_roles()["Roles"]])
        details = iam.get_account_authorization_details()
        users = {u["UserName"]: u for u in details["UserDetailList"]}
        self.assertEqual(users["rt-user"]["GroupList"], ["rt-group"])
        roles = {x["RoleName"]: x for x in details["RoleDetailList"]}
        self.assertEqual(roles["rt-role"]["RolePolicyList"][0]["PolicyDocument"], json.loads(doc))
        sim_doc = policy(allow("ssm:SendCommand"))
        sim = iam.simulate_custom_policy(PolicyInputList=[sim_doc], ActionNames=["ssm:SendCommand", "ssm:StartSession"])
        self.assertEqual([x["EvalDecision"] for x in sim["EvaluationResults"]], ["allowed", "implicitDeny"])
        # As IAM counts it: the column just past the statement's opening brace, 1-based.
        column = sim_doc.index('{"Effect"') + 2
        self.assertEqual(sim["EvaluationResults"][0]["MatchedStatements"][0]["StartPosition"], {"Line": 1, "Column": column})
        sim = iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::123456789012:user/rt-user",
                                            ActionNames=["iam:GetUser", "iam:DeleteUser"])
        self.assertEqual([x["EvalDecision"] for x in sim["EvaluationResults"]], ["allowed", "implicitDeny"])
        # Tear down in IAM's order; each delete before its prerequisites is a DeleteConflict.
        self.assertEqual(error_of(iam.delete_group, GroupName="rt-group")[0], "DeleteConflict")
        iam.remove_user_from_group(GroupName="rt-group", UserName="rt-user")
        iam.detach_group_policy(GroupName="rt-group", PolicyArn=p["Arn"])
        iam.delete_group(GroupName="rt-group")
        iam.detach_user_policy(UserName="rt-user", PolicyArn=p["Arn"])
        iam.delete_user(UserName="rt-user")
        self.assertEqual(error_of(iam.delete_role, RoleName="rt-role")[0], "DeleteConflict")
        iam.delete_role_policy(RoleName="rt-role", PolicyName="inline")
        iam.detach_role_policy(RoleName="rt-role", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
        iam.delete_role(RoleName="rt-role")
        iam.delete_policy(PolicyArn=p["Arn"])
        self.assertEqual(error_of(iam.get_user, UserName="rt-user")[:2], ("NoSuchEntity", "The user with name rt-user cannot be found."))

    def test_paginators_walk_every_page(self):
        for i in range(7):
            self.iam.create_user(UserName=f"page-{i}", Path="/page/")
        pages = list(self.iam.get_paginator("list_users").paginate(PathPrefix="/page/", PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 3)
        self.assertEqual([u["UserName"] for p in pages for u in p["Users"]], [f"page-{i}" for i in range(7)])

    def test_bad_requests_get_aws_errors_never_a_500(self):
        root_key, _ = self.server.root_credentials()
        cases = [
            (self.server.client("iam", root_key, "x" * 40).list_users, {}, ("SignatureDoesNotMatch", 403)),
            (self.server.client("iam", "AKIANOSUCHKEY0000000", "x" * 40).list_users, {}, ("InvalidClientTokenId", 403)),
            (self.server.client("sts", "AKIANOSUCHKEY0000000", "x" * 40).get_caller_identity, {}, ("InvalidClientTokenId", 403)),
            (self.server.client("ssm", root_key, "x" * 40).describe_instance_information, {}, ("InvalidSignatureException", 400)),
            (self.server.client("ssm", "AKIANOSUCHKEY0000000", "x" * 40).list_documents, {}, ("UnrecognizedClientException", 400)),
            (self.iam.put_user_policy, {"UserName": "nobody-here", "PolicyName": "p", "PolicyDocument": "{}"}, ("NoSuchEntity", 404)),
            (self.iam.create_policy, {"PolicyName": "bad", "PolicyDocument": policy({"Effect": "Allow", "Action": "s3:GetObject"})}, ("MalformedPolicyDocument", 400)),
            (self.iam.create_user, {"UserName": "no spaces allowed"}, ("ValidationError", 400)),
        ]
        for call, kwargs, (code, status) in cases:
            got = error_of(call, **kwargs)
            self.assertEqual((got[0], got[2]), (code, status), got[1])
        # An oversized body: a 413 with the protocol's error shape.
        import urllib.request
        req = urllib.request.Request(self.server.url + "/", data=b"Action=ListUsers&x=" + b"a" * (3 * 1024 * 1024),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            urllib.request.urlopen(req, timeout=30)
            self.fail("an oversized body was accepted")
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 413)
            self.assertIn(b"<Code>RequestEntityTooLarge</Code>", e.read())

    def test_requests_altered_after_signing_or_signed_at_the_wrong_time_are_refused(self):
        import datetime
        from unittest import mock
        import botocore.auth

        # Tampered after botocore signed it: the body, a signed header, the query string.
        def tamper(what):
            def handler(request, **_):
                if what == "body":
                    body = request.body
                    request.body = body.replace(b"victim", b"victin") if isinstance(body, bytes) else body.replace("victim", "victin")
                elif what == "header":
                    request.headers["Host"] = "evil.example"
                else:
                    request.url += "?Action=DeleteUser"
            return handler

        for what in ("body", "header", "query"):
            iam = self.server.client("iam")
            iam.meta.events.register("before-send.iam.CreateUser", tamper(what))
            code, _, status = error_of(iam.create_user, UserName="victim")
            self.assertEqual((code, status), ("SignatureDoesNotMatch", 403), what)
        self.assertEqual(error_of(self.iam.get_user, UserName="victim")[0], "NoSuchEntity")

        # Signed 20 minutes ago or 20 minutes ahead: outside the 15-minute window.
        for skew in (-20, 20):
            when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(minutes=skew)
            with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
                code, message, status = error_of(self.server.client("iam").list_users)
                self.assertEqual((code, status), ("RequestExpired", 400), message)
                code, message, _ = error_of(self.server.client("ssm").list_documents)
                self.assertEqual(code, "InvalidSignatureException", message)

        # No signature at all.
        from botocore import UNSIGNED
        import boto3, botocore.config
        anonymous = boto3.client("iam", endpoint_url=self.server.url, region_name="us-east-1",
                                 config=botocore.config.Config(signature_version=UNSIGNED))
        code, _, status = error_of(anonymous.list_users)
        self.assertEqual((code, status), ("MissingAuthenticationToken", 403))

    def test_ssm_operations_answer_in_the_json_protocol(self):
        ssm = self.server.client("ssm")
        # An operation ssmgate does not offer yet answers as AWS answers one it does not know.
        code, message, status = error_of(ssm.get_parameter, Name="/app/db-password")
        self.assertEqual((code, status), ("UnknownOperationException", 400))
        self.assertIn("GetParameter", message)
        code, _, _ = error_of(ssm.send_command, DocumentName="AWS-RunShellScript", InstanceIds=["i-0123456789abcdef0"],
                              Parameters={"commands": ["id"]})
        self.assertEqual(code, "InvalidInstanceId")


class Durability(unittest.TestCase):
    """Every acknowledged write is on disk: across a clean restart and across SIGKILL."""

    def test_restart_keeps_everything(self):
        server = Server(BINARY).start()
        try:
            iam = server.client("iam")
            iam.create_user(UserName="keep-me", Tags=[{"Key": "k", "Value": "v"}])
            key = iam.create_access_key(UserName="keep-me")["AccessKey"]
            iam.put_user_policy(UserName="keep-me", PolicyName="p", PolicyDocument=policy(allow("iam:GetUser")))
            before = iam.get_account_authorization_details()
            server.stop()
            server.start()
            after = server.client("iam").get_account_authorization_details()
            strip = lambda d: {k: v for k, v in d.items() if k != "ResponseMetadata"}
            self.assertEqual(strip(before), strip(after))
            me = server.client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
            self.assertEqual(me["Arn"], "arn:aws:iam::123456789012:user/keep-me")
        finally:
            server.stop()

    def test_sigkill_in_a_burst_of_writes_loses_no_acknowledged_write(self):
        server = Server(BINARY).start()
        acknowledged, attempted = [], []
        stop = threading.Event()

        def writer(worker):
            iam = server.client("iam")
            i = 0
            while not stop.is_set():
                name = f"burst-{worker}-{i}"
                attempted.append(name)
                try:
                    iam.create_user(UserName=name)
                    acknowledged.append(name)
                except Exception:
                    return
                i += 1

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while len(acknowledged) < 150 and time.time() < deadline:
            time.sleep(0.01)
        server.stop(signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        self.assertGreaterEqual(len(acknowledged), 150)
        server.start()
        try:
            names = {u["UserName"] for p in server.client("iam").get_paginator("list_users").paginate() for u in p["Users"]}
            missing = [n for n in acknowledged if n not in names]
            self.assertEqual(missing, [], f"{len(missing)} acknowledged writes lost")
            self.assertTrue(names <= set(attempted), "only attempted writes may appear")
            print(f"\nSIGKILL after {len(acknowledged)} acknowledged CreateUser calls: all {len(acknowledged)} present "
                  f"after restart ({len(names) - len(acknowledged)} in-flight also landed)")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
