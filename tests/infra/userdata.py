"""Render the user data CloudFormation will hand an instance, with tokens as placeholders."""

from __future__ import annotations

# Stand-ins as long as or longer than what CloudFormation substitutes (ARNs, DNS names).
PLACEHOLDER = "x" * 200


def resolve(value) -> str:
    """Flatten Fn::Base64 / Fn::Join; any Ref, GetAtt, ImportValue becomes PLACEHOLDER."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Fn::Base64":
            return resolve(arg)
        if fn == "Fn::Join":
            sep, parts = arg
            return sep.join(resolve(p) for p in parts)
        return PLACEHOLDER
    raise TypeError(f"cannot render {value!r}")


def rendered_user_data(synth) -> dict[str, str]:
    """Launch template logical id → the user data script it boots with."""
    return {
        logical_id: resolve(resource["Properties"]["LaunchTemplateData"]["UserData"])
        for _, logical_id, resource in synth.resources("AWS::EC2::LaunchTemplate")
    }
