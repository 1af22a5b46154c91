"""CloudFront: assets from S3 through OAC and lambda_origin; /api/* to the cache tier's ALB."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from stacks.headers import CONTENT_SECURITY_POLICY, HSTS_SECONDS
from stacks.nag import LAMBDA_BASIC_EXECUTION, acknowledge

LAMBDA_ORIGIN_DIR = Path(__file__).resolve().parents[2] / "lambda_origin"


class Cdn(Construct):
    """`distribution`, `origin_router` (the Lambda@Edge function) and the two behaviors."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env_name: str,
        site_bucket: s3.IBucket,
        api_alb: elbv2.IApplicationLoadBalancer,
        logs_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, id)
        self.origin_router = cloudfront.experimental.EdgeFunction(
            self,
            "OriginRouter",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="handler.handler",
            code=lambda_.Code.from_asset(str(LAMBDA_ORIGIN_DIR), exclude=["**/__pycache__"]),
            memory_size=128,
            timeout=Duration.seconds(5),
            description="vitrine: pretty storefront URLs to S3 objects",
            stack_id=f"vitrine-{env_name}-edge-function",
        )
        acknowledge(
            # Outside us-east-1 the function itself lives in its own us-east-1 stack.
            self.origin_router.lambda_,
            (LAMBDA_BASIC_EXECUTION, "The origin router only writes its own logs."),
            (
                "AwsSolutions-L1",
                "Pinned to python3.13 (standard support to 2029-06), the newest "
                "runtime the handler is tested on; move to 3.14 once Lambda@Edge is verified.",
            ),
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(HSTS_SECONDS),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )
        # The API decides how long its answers live (Cache-Control); CloudFront only obeys.
        api_cache = cloudfront.CachePolicy(
            self,
            "ApiCache",
            comment="vitrine API: honor the origin's Cache-Control",
            min_ttl=Duration.seconds(0),
            default_ttl=Duration.seconds(0),
            max_ttl=Duration.days(1),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            # Authorization must reach the origin for admin writes; keyed, so never shared.
            header_behavior=cloudfront.CacheHeaderBehavior.allow_list("Authorization"),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        api_request = cloudfront.OriginRequestPolicy(
            self,
            "ApiRequest",
            comment="vitrine API: request id and body type reach the cache tier",
            header_behavior=cloudfront.OriginRequestHeaderBehavior.allow_list(
                "X-Request-Id", "Content-Type"
            ),
            query_string_behavior=cloudfront.OriginRequestQueryStringBehavior.all(),
            cookie_behavior=cloudfront.OriginRequestCookieBehavior.none(),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"vitrine {env_name} storefront",
            default_root_object="index.html",
            # S3 behind OAC answers 403 for a missing key: show the storefront's not-found page.
            # (Not 404: error responses cover /api/* too, whose JSON 404s must reach clients;
            # no vitrine tier answers 403.)
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=403,
                    response_http_status=404,
                    response_page_path="/404.html",
                    ttl=Duration.seconds(60),
                )
            ],
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=logs_bucket,
            log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
                edge_lambdas=[
                    cloudfront.EdgeLambda(
                        function_version=self.origin_router.current_version,
                        event_type=cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST,
                    )
                ],
            ),
            additional_behaviors={
                "/api/*": cloudfront.BehaviorOptions(
                    origin=origins.VpcOrigin.with_application_load_balancer(
                        api_alb,
                        http_port=80,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
                        read_timeout=Duration.seconds(10),
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
                    cache_policy=api_cache,
                    origin_request_policy=api_request,
                    response_headers_policy=headers,
                    compress=True,
                )
            },
        )
        acknowledge(
            self.distribution,
            (
                "AwsSolutions-CFR1",
                "A storefront sells wherever its owner does; add geo "
                "restrictions per business, not in the reference.",
            ),
            (
                "AwsSolutions-CFR2",
                "WAF web ACLs for CloudFront live in us-east-1 and are an "
                "account-wide choice; attach one with the distribution's web_acl_id.",
            ),
            (
                "AwsSolutions-CFR4",
                "Without a custom domain CloudFront serves *.cloudfront.net "
                "with its default certificate, whose minimum protocol CloudFront fixes.",
            ),
        )
