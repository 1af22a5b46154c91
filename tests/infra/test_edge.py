"""CloudFront, the site bucket and the assets upload, asserted on the synthesized edge stack."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template

from stacks.constructs.site_bucket import CACHE_CLASSES
from stacks.headers import CONTENT_SECURITY_POLICY


@pytest.fixture(scope="module")
def edge(dev) -> Template:
    return Template.from_json(dev.templates()["vitrine-dev-edge"])


def _distribution(edge: Template) -> dict:
    (dist,) = edge.find_resources("AWS::CloudFront::Distribution").values()
    return dist["Properties"]["DistributionConfig"]


def test_site_bucket_is_private_tls_only_versioned_encrypted(edge):
    edge.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "BucketEncryption": Match.any_value(),
            "LoggingConfiguration": Match.any_value(),
        },
    )
    edge.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                ),
            }
        },
    )


def test_default_behavior_reads_s3_through_oac_and_the_origin_router(edge):
    config = _distribution(edge)
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    (assoc,) = default["LambdaFunctionAssociations"]
    assert assoc["EventType"] == "origin-request"
    s3_origin = next(o for o in config["Origins"] if o["Id"] == default["TargetOriginId"])
    assert "OriginAccessControlId" in s3_origin
    assert s3_origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    edge.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Handler": "handler.handler",
        },
    )


def test_api_behavior_goes_to_the_cache_tier_alb_over_a_vpc_origin(edge):
    config = _distribution(edge)
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*"
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert set(api["AllowedMethods"]) >= {"GET", "HEAD", "PATCH", "OPTIONS"}
    origin = next(o for o in config["Origins"] if o["Id"] == api["TargetOriginId"])
    assert "VpcOriginConfig" in origin
    edge.has_resource_properties(
        "AWS::CloudFront::VpcOrigin",
        {
            "VpcOriginEndpointConfig": Match.object_like({"OriginProtocolPolicy": "http-only"}),
        },
    )
    # The API's own Cache-Control decides: CloudFront's default TTL for it is zero.
    edge.has_resource_properties(
        "AWS::CloudFront::CachePolicy",
        {
            "CachePolicyConfig": Match.object_like(
                {
                    "DefaultTTL": 0,
                    "MinTTL": 0,
                    "ParametersInCacheKeyAndForwardedToOrigin": Match.object_like(
                        {
                            "QueryStringsConfig": {"QueryStringBehavior": "all"},
                        }
                    ),
                }
            )
        },
    )


def test_viewers_get_security_headers(edge):
    edge.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": Match.object_like(
                {
                    "SecurityHeadersConfig": Match.object_like(
                        {
                            "ContentSecurityPolicy": {
                                "ContentSecurityPolicy": CONTENT_SECURITY_POLICY,
                                "Override": True,
                            },
                            "StrictTransportSecurity": Match.object_like(
                                {"IncludeSubdomains": True}
                            ),
                            "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        }
                    )
                }
            ),
        },
    )


def test_assets_upload_in_cache_classes_and_invalidate_last(edge):
    deployments = edge.find_resources("Custom::CDKBucketDeployment")
    assert len(deployments) == len(CACHE_CLASSES)
    by_control = {}
    for logical_id, d in deployments.items():
        props = d["Properties"]
        (control,) = [m for m in props["SystemMetadata"].values()]
        by_control[control] = (logical_id, props, d.get("DependsOn", []))
    assert set(by_control) == {c[3] for c in CACHE_CLASSES}
    pages_id, pages, pages_deps = by_control["public, max-age=60, must-revalidate"]
    assert pages["DistributionPaths"] == ["/*"]
    assert pages["Prune"] is False
    # Pages go up only after the files they name.
    others = [v[0] for k, v in by_control.items() if k != "public, max-age=60, must-revalidate"]
    assert all(any(o in dep for dep in pages_deps) for o in others)
    static = by_control["public, max-age=31536000, immutable"][1]
    assert static["Include"] == ["static/*"]


def test_missing_pages_get_the_not_found_page_but_api_errors_pass(edge):
    config = _distribution(edge)
    assert config["CustomErrorResponses"] == [
        {
            "ErrorCode": 403,
            "ResponseCode": 404,
            "ResponsePagePath": "/404.html",
            "ErrorCachingMinTTL": 60,
        }
    ]
