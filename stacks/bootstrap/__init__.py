"""Render a tier's EC2 user data from user-data.sh, its variables and its env file."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).with_name("user-data.sh")
MARKER = "#@VITRINE_VARIABLES@"
USER_DATA_LIMIT = 16 * 1024


def render_user_data(*, variables: dict[str, str], tier: str, env: dict[str, str]) -> str:
    """Return the body of the user data script (it may hold CDK tokens) for one tier.

    The template's shebang line is dropped: `UserData.for_linux()` writes its own.

    Values must not contain single quotes or newlines: they are endpoints, ARNs and names.
    The env file carries no secret values, only where to find them.
    """
    lines = [f"{name}='{value}'" for name, value in variables.items()]
    lines += [
        "install -d -m 0755 /etc/vitrine",
        f"cat > /etc/vitrine/{tier}.env <<'VITRINE_ENV'",
        *(f"{name}={value}" for name, value in sorted(env.items())),
        "VITRINE_ENV",
        f"chmod 0600 /etc/vitrine/{tier}.env",
    ]
    template = TEMPLATE.read_text()
    if MARKER not in template:
        raise ValueError(f"{TEMPLATE} lost its {MARKER} line")
    shebang, _, body = template.partition("\n")
    if shebang != "#!/bin/bash":
        raise ValueError(f"{TEMPLATE} must start with #!/bin/bash")
    return body.replace(MARKER, "\n".join(lines))
