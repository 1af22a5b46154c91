#!/bin/bash
# EC2 user data of a vitrine tier. It stays small (user data is capped at 16 KB): install the
# bootstrap tools, fetch the tier's bundle, hand over to the bundle's setup.sh, signal
# CloudFormation. The CDK puts the variables and the env file in place of the marker below.
set -euo pipefail
#@VITRINE_VARIABLES@
: "${TIER:?}" "${BUNDLE_S3_URL:?}" "${STACK_NAME:?}" "${ASG_RESOURCE:?}" "${REGION:?}"

signal() {
  /opt/aws/bin/cfn-signal --exit-code "$1" --stack "$STACK_NAME" \
    --resource "$ASG_RESOURCE" --region "$REGION" || true
}
# Any failing command signals failure at once, so CloudFormation rolls back instead of
# waiting out the signal timeout.
on_error() {
  echo "vitrine bootstrap failed (exit $1, line $2)" >&2
  signal 1
  exit "$1"
}
trap 'on_error $? $LINENO' ERR

dnf install -y -q aws-cfn-bootstrap python3.11 python3.11-pip unzip

# The bundle's object key is its content hash: a new bundle is a new release directory.
release="/opt/vitrine/releases/$(basename "$BUNDLE_S3_URL" .zip)"
mkdir -p "$release/services"
aws s3 cp --only-show-errors --region "$REGION" "$BUNDLE_S3_URL" /tmp/vitrine-bundle.zip
unzip -q -o /tmp/vitrine-bundle.zip -d "$release/services"
rm -f /tmp/vitrine-bundle.zip

bash "$release/services/setup.sh" "$TIER" "$release"
signal 0
