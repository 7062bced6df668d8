"""The administrator's script of admin-script.sh, with boto3 against Warden's Query front.

Needs WARDEN_ENDPOINT and an administrator's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the
environment (the end-to-end test aws-cli.e2e.test.ts runs it with a fresh account's root key).
"""

import json
import os

import boto3
import pytest
from botocore.config import Config

ENDPOINT = os.environ["WARDEN_ENDPOINT"]
PATH = "/boto3-admin/"
# One attempt: a retried call would hide the first answer.
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service, **credentials):
    # IAM is signed for us-east-1, as AWS signs it.
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", config=CONFIG, **credentials)


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture(scope="module")
def iam():
    return client("iam")


@pytest.fixture(scope="module")
def account():
    return client("sts").get_caller_identity()["Account"]


def test_users_groups_policies_keys_and_an_assumed_role_then_everything_deleted(iam, account):
    iam.create_group(GroupName="operators", Path=PATH)
    policy_arn = iam.create_policy(PolicyName="operator", Path=PATH, PolicyDocument=document({"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "sts:AssumeRole"], "Resource": "*"}))["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="operators", PolicyArn=policy_arn)
    names = [f"op-{n}" for n in range(1, 8)]
    for name in names:
        iam.create_user(UserName=name, Path=PATH, Tags=[{"Key": "team", "Value": "ops"}])
        iam.add_user_to_group(GroupName="operators", UserName=name)
    iam.get_waiter("user_exists").wait(UserName="op-7", WaiterConfig={"Delay": 1, "MaxAttempts": 5})

    paged = [user["UserName"] for page in iam.get_paginator("list_users").paginate(PathPrefix=PATH, PaginationConfig={"PageSize": 3}) for user in page["Users"]]
    assert paged == names

    key = iam.create_access_key(UserName="op-1")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40

    trust = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user{PATH}op-1"}, "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName="auditor", Path=PATH, AssumeRolePolicyDocument=trust)["Role"]
    # botocore decodes IAM's URL-encoded policy documents into objects.
    assert role["AssumeRolePolicyDocument"] == json.loads(trust)
    iam.put_role_policy(RoleName="auditor", PolicyName="read", PolicyDocument=document({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}))

    op1_sts = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    credentials = op1_sts.assume_role(RoleArn=role["Arn"], RoleSessionName="audit")["Credentials"]
    session = dict(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])
    assert client("sts", **session).get_caller_identity()["Arn"] == f"arn:aws:sts::{account}:assumed-role/auditor/audit"
    as_role = client("iam", **session)
    assert len(as_role.list_users(PathPrefix=PATH)["Users"]) == 7
    with pytest.raises(as_role.exceptions.ClientError) as denied:
        as_role.create_user(UserName="intruder")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    iam.delete_role_policy(RoleName="auditor", PolicyName="read")
    iam.delete_role(RoleName="auditor")
    iam.delete_access_key(UserName="op-1", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_policy(PolicyArn=policy_arn)
    for name in names:
        iam.remove_user_from_group(GroupName="operators", UserName=name)
        iam.delete_user(UserName=name)
    iam.detach_group_policy(GroupName="operators", PolicyArn=policy_arn)
    iam.delete_policy(PolicyArn=policy_arn)
    iam.delete_group(GroupName="operators")
    assert iam.list_users(PathPrefix=PATH)["Users"] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_group(GroupName="operators")


def test_errors_come_through_as_botocore_exception_classes(iam):
    iam.create_user(UserName="twice", Path=PATH)
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException) as duplicate:
        iam.create_user(UserName="twice")
    assert duplicate.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
        iam.create_policy(PolicyName="broken", PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Perhaps"}]}')
    with pytest.raises(iam.exceptions.ClientError) as unknown:
        iam.list_instance_profiles()
    assert unknown.value.response["Error"] == {"Type": "Sender", "Code": "InvalidAction", "Message": "Could not find operation ListInstanceProfiles for version 2010-05-08"}
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] >= 1 and summary["UsersQuota"] == 5000 and summary["AccountAccessKeysPresent"] == 1
    iam.delete_user(UserName="twice")


def test_a_managed_policy_version_document_is_the_one_sent(iam):
    sent = document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/a b&c/*"})
    arn = iam.create_policy(PolicyName="exact", Path=PATH, PolicyDocument=sent)["Policy"]["Arn"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(sent)
    iam.delete_policy(PolicyArn=arn)


def test_list_policies_with_the_default_scope_lists_aws_managed_and_local_policies_through_the_paginator(iam):
    arn = iam.create_policy(PolicyName="listed", Path=PATH, PolicyDocument=document({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}))["Policy"]["Arn"]
    listed = [policy["Arn"] for page in iam.get_paginator("list_policies").paginate(PaginationConfig={"PageSize": 2}) for policy in page["Policies"]]
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in listed and arn in listed
    assert len(listed) == len(set(listed))
    assert [policy["Arn"] for policy in iam.list_policies(Scope="Local", PathPrefix=PATH)["Policies"]] == [arn]
    assert all(policy["Arn"].startswith("arn:aws:iam::aws:policy/") for policy in iam.list_policies(Scope="AWS")["Policies"])
    iam.create_group(GroupName="by-path", Path=PATH)
    assert [group["GroupName"] for group in iam.list_groups(PathPrefix=PATH)["Groups"]] == ["by-path"]
    with pytest.raises(iam.exceptions.ClientError) as invalid:
        iam.list_groups(PathPrefix="no-slash")
    assert invalid.value.response["Error"]["Code"] == "ValidationError"
    iam.delete_group(GroupName="by-path")
    iam.delete_policy(PolicyArn=arn)


def test_a_virtual_mfa_device_comes_with_its_seed_and_its_qr_code_as_png_bytes(iam, account):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="boto3-phone", Path=PATH)["VirtualMFADevice"]
    # Blobs in AWS's model: botocore decodes both from base64 to bytes.
    assert device["QRCodePNG"][:8] == b"\x89PNG\r\n\x1a\n"
    assert device["Base32StringSeed"].decode("ascii").rstrip("=").isalnum()
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
