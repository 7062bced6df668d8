#!/usr/bin/env bash
# A realistic administrator's script, run with the AWS CLI against Warden's Query front: users and a
# group, a managed policy from a file, attachments, an access key, a role assumed with
# `aws sts assume-role` whose credentials are used through the environment, paging with
# --max-items/--starting-token, then everything deleted in dependency order.
#
# Needs WARDEN_ENDPOINT (http://host:port) and an administrator's AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment. Fails (non-zero) at the first step that goes wrong.
set -euo pipefail

: "${WARDEN_ENDPOINT:?set WARDEN_ENDPOINT to the Warden server, e.g. http://127.0.0.1:4000}"
# IAM is signed for us-east-1, as AWS signs it; nothing of the caller's own CLI configuration applies.
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
unset AWS_SESSION_TOKEN AWS_PROFILE

warden() { aws --endpoint-url "$WARDEN_ENDPOINT" "$@"; }
fail() {
  echo "admin-script: $*" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

account=$(warden sts get-caller-identity --query Account --output text)
path=/cli-admin/

cat >"$work/developer-policy.json" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "ReadIam", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*" },
    { "Sid": "AssumeDeployer", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::${account}:role${path}deployer" }
  ]
}
JSON
cat >"$work/trust-policy.json" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::${account}:user${path}dev-1" }, "Action": "sts:AssumeRole" }]
}
JSON
cat >"$work/deployer-policy.json" <<'JSON'
{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser"], "Resource": "*" }] }
JSON

echo "admin-script: a group with a managed policy from a file"
warden iam create-group --group-name developers --path "$path" >/dev/null
policy_arn=$(warden iam create-policy --policy-name developer --path "$path" --policy-document "file://$work/developer-policy.json" --query Policy.Arn --output text)
warden iam attach-group-policy --group-name developers --policy-arn "$policy_arn"

echo "admin-script: five users in the group"
for n in 1 2 3 4 5; do
  warden iam create-user --user-name "dev-$n" --path "$path" --tags Key=team,Value=platform >/dev/null
  warden iam add-user-to-group --group-name developers --user-name "dev-$n"
done
members=$(warden iam get-group --group-name developers --query 'length(Users)' --output text)
[ "$members" = 5 ] || fail "the group has $members members, not 5"

echo "admin-script: an access key for dev-1"
read -r dev_key dev_secret < <(warden iam create-access-key --user-name dev-1 --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)

echo "admin-script: a role dev-1 may assume"
role_arn=$(warden iam create-role --role-name deployer --path "$path" --assume-role-policy-document "file://$work/trust-policy.json" --query Role.Arn --output text)
warden iam put-role-policy --role-name deployer --policy-name deploy --policy-document "file://$work/deployer-policy.json"
trust=$(warden iam get-role --role-name deployer --query Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS --output text)
[ "$trust" = "arn:aws:iam::${account}:user${path}dev-1" ] || fail "the trust policy reads back as $trust"

echo "admin-script: dev-1 assumes it, and the session's credentials are used through the environment"
read -r role_key role_secret role_token < <(
  AWS_ACCESS_KEY_ID=$dev_key AWS_SECRET_ACCESS_KEY=$dev_secret \
    warden sts assume-role --role-arn "$role_arn" --role-session-name nightly --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text
)
(
  export AWS_ACCESS_KEY_ID=$role_key AWS_SECRET_ACCESS_KEY=$role_secret AWS_SESSION_TOKEN=$role_token
  arn=$(warden sts get-caller-identity --query Arn --output text)
  [ "$arn" = "arn:aws:sts::${account}:assumed-role/deployer/nightly" ] || fail "the session is $arn"
  warden iam get-user --user-name dev-3 --query User.UserName --output text | grep -qx dev-3 || fail "the session cannot read dev-3"
  if denied=$(warden iam create-user --user-name intruder 2>&1); then fail "the session created a user"; fi
  grep -q AccessDenied <<<"$denied" || fail "the denial was not AccessDenied: $denied"
)

echo "admin-script: paging with --max-items and --starting-token"
seen=()
token=""
pages=0
while :; do
  if [ -z "$token" ]; then page=$(warden iam list-users --path-prefix "$path" --max-items 2 --output json); else page=$(warden iam list-users --path-prefix "$path" --max-items 2 --starting-token "$token" --output json); fi
  pages=$((pages + 1))
  mapfile -t names < <(python3 -c 'import json,sys; [print(u["UserName"]) for u in json.load(sys.stdin)["Users"]]' <<<"$page")
  seen+=("${names[@]}")
  token=$(python3 -c 'import json,sys; print(json.load(sys.stdin).get("NextToken", ""))' <<<"$page")
  [ -n "$token" ] || break
done
[ "$pages" = 3 ] || fail "paging took $pages pages, not 3"
[ "${seen[*]}" = "dev-1 dev-2 dev-3 dev-4 dev-5" ] || fail "paging saw: ${seen[*]}"

echo "admin-script: everything deleted in dependency order"
warden iam delete-role-policy --role-name deployer --policy-name deploy
warden iam delete-role --role-name deployer
warden iam delete-access-key --user-name dev-1 --access-key-id "$dev_key"
for n in 1 2 3 4 5; do
  warden iam remove-user-from-group --group-name developers --user-name "dev-$n"
  warden iam delete-user --user-name "dev-$n"
done
warden iam detach-group-policy --group-name developers --policy-arn "$policy_arn"
warden iam delete-policy --policy-arn "$policy_arn"
warden iam delete-group --group-name developers
left=$(warden iam list-users --path-prefix "$path" --query 'length(Users)' --output text)
[ "$left" = 0 ] || fail "$left users are left"
if missing=$(warden iam get-group --group-name developers 2>&1); then fail "the group is still there"; fi
grep -q NoSuchEntity <<<"$missing" || fail "a deleted group is not NoSuchEntity: $missing"

echo "admin-script: ok"
