"""make smoke: passes against a healthy site, fails (by name) against a broken one."""

from __future__ import annotations

import json

from tools import smoke


def run(url: str, capsys) -> tuple[int, str]:
    code = smoke.main(["--url", url])
    return code, capsys.readouterr().out


def test_passes_against_a_healthy_site(edge, capsys):
    code, out = run(edge.url, capsys)

    assert code == 0, out
    assert out.count("PASS") == 5 and "FAIL" not in out
    assert "MISS, then HIT" in out


def test_loads_every_asset_including_imported_modules(edge, fake_tier):
    results = {r.name: r for r in smoke.Smoke(edge.url).run(out=lambda line: None)}
    detail = results["catalog page and its assets"].detail
    # index.html: 1 stylesheet; catalog + api modules (api via preload and import); favicon+banner
    assert "1 css, 2 js, 2 img" in detail


def test_fails_when_the_cache_never_hits(edge, fake_tier, capsys):
    fake_tier.caches = False
    code, out = run(edge.url, capsys)
    assert code == 1
    assert "FAIL  api cache MISS then HIT" in out and "then 200 X-Cache 'MISS'" in out


def test_finds_an_uncached_product_when_most_are_cached(edge, fake_tier):
    # A busy site: the first product tried is probably cached already. Smoke keeps looking.
    fake_tier.products = 40
    fake_tier.cached.update(set(range(1, 41)) - {7})
    ok, detail = smoke.Smoke(edge.url).check_cache()
    assert ok, detail
    assert detail.startswith("/api/products/7: MISS, then HIT")


def test_understands_cloudfronts_own_x_cache(edge, fake_tier):
    # Behind CloudFront the viewer sees "Miss from cloudfront", then "Hit from cloudfront".
    fake_tier.cloudfront = True
    ok, detail = smoke.Smoke(edge.url).check_cache()
    assert ok, detail
    assert "MISS, then HIT" in detail


def test_says_so_when_everything_is_already_cached(edge, fake_tier):
    fake_tier.products = 40
    fake_tier.cached.update(range(1, 41))
    ok, detail = smoke.Smoke(edge.url).check_cache()
    assert not ok
    assert "no uncached product among 40 tried" in detail


def test_fails_when_a_tier_is_down(edge, fake_tier, capsys):
    fake_tier.healthy = False
    code, out = run(edge.url, capsys)
    assert code == 1
    assert "FAIL  api health: /api/healthz answered 503" in out


def test_fails_when_nothing_listens(capsys):
    from tests.servers import free_port

    code, out = run(f"http://127.0.0.1:{free_port()}", capsys)
    assert code == 1
    assert out.count("FAIL") == 5


def create_stack(name: str, region: str, outputs: dict[str, str]) -> None:
    import boto3

    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation", region_name=region).create_stack(
        StackName=name, TemplateBody=json.dumps(template)
    )


def test_reads_site_url_from_the_stack_output(mocked_aws):
    create_stack("vitrine-dev-edge", "eu-west-1", {"SiteUrl": "https://d111.cloudfront.net"})
    assert (
        smoke.site_url_from_stack("vitrine-dev-edge", "eu-west-1") == "https://d111.cloudfront.net"
    )


def test_stack_option_checks_the_url_from_outputs(mocked_aws, edge, capsys):
    create_stack("vitrine-dev-edge", "eu-west-1", {"SiteUrl": edge.url})
    code = smoke.main(["--stack", "vitrine-dev-edge", "--region", "eu-west-1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"checking {edge.url}" in out


def test_missing_stack_or_output_is_a_clear_error(mocked_aws, capsys):
    create_stack("vitrine-dev-data", "eu-west-1", {"DatabaseEndpoint": "db.example"})

    assert smoke.main(["--stack", "vitrine-dev-edge", "--region", "eu-west-1"]) == 2
    assert "cannot read stack 'vitrine-dev-edge' in eu-west-1" in capsys.readouterr().err

    assert smoke.main(["--stack", "vitrine-dev-data", "--region", "eu-west-1"]) == 2
    err = capsys.readouterr().err
    assert "has no SiteUrl output (outputs: DatabaseEndpoint)" in err
