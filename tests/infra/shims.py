"""Stand-ins for the few host commands setup.sh calls that a test machine must not run for
real (systemctl, systemd-run, useradd). Each records its arguments; `systemctl restart`
starts the unit's ExecStart the way systemd would, with the unit's environment, so the
test exercises the exact command line the unit file holds.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

SHIM = r"""#!{python}
import json, os, re, shlex, subprocess, sys
from pathlib import Path
root = os.environ["VITRINE_ROOT"]
log = Path(os.environ["SHIM_LOG"])
name = Path(sys.argv[0]).name
with log.open("a") as f:
    f.write(json.dumps([name, *sys.argv[1:]]) + "\n")

def rooted(path):
    return re.sub(r"(?<![\w/])/(opt|etc)/vitrine", root + r"/\1/vitrine", path)

def env_file(path):
    env = {{}}
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, v = line.partition("=")
            env[k] = v
    return env

if name == "systemctl" and sys.argv[1] == "restart":
    tier = re.match(r"vitrine@(\w+)\.service", sys.argv[2]).group(1)
    unit = Path(root, "etc/systemd/system/vitrine@.service").read_text().replace("%i", tier)
    service = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
    env = dict(os.environ)
    env.update(env_file(rooted(service["EnvironmentFile"])))
    for pair in shlex.split(rooted(service["Environment"])):
        k, _, v = pair.partition("=")
        env[k] = v
    argv = shlex.split(rooted(service["ExecStart"]))
    out = open(Path(root, f"{{tier}}.log"), "ab")
    proc = subprocess.Popen(argv, cwd=rooted(service["WorkingDirectory"]), env=env,
                            stdout=out, stderr=out, start_new_session=True)
    Path(root, f"{{tier}}.pid").write_text(str(proc.pid))
elif name == "systemd-run":
    args, env, cwd = sys.argv[1:], dict(os.environ), None
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt.startswith("--property=EnvironmentFile="):
            env.update(env_file(opt.split("=", 2)[2]))
        elif opt.startswith("--working-directory="):
            cwd = opt.split("=", 1)[1]
        elif opt.startswith("--setenv="):
            k, _, v = opt.split("=", 1)[1].partition("=")
            env[k] = v
    sys.exit(subprocess.run(args, cwd=cwd, env=env).returncode)
"""


def install(bin_dir: Path) -> None:
    """Write systemctl, systemd-run and useradd shims into bin_dir."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    body = SHIM.format(python=sys.executable)
    for name in ("systemctl", "systemd-run", "useradd"):
        path = bin_dir / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
