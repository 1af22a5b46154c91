#!/bin/bash
# Install one vitrine tier on an Amazon Linux 2023 instance, from a bundle unpacked into
# <release-dir>/services (the repository's services/ folder, less the other tier):
#   setup.sh <app|cache> <release-dir>
# Expects /etc/vitrine/<tier>.env (written by the user data). Builds the release's venv
# from pinned requirements, points /opt/vitrine/current at the release, runs the app tier's
# migrations (and seed, when asked), (re)starts vitrine@<tier> under systemd and waits
# until /healthz answers on localhost. Exits non-zero on any failure.
#
# VITRINE_ROOT (default /) prefixes every path it writes and VITRINE_PYTHON picks the
# interpreter, so tests can run it in a scratch directory.
set -euo pipefail

tier="${1:?usage: setup.sh <app|cache> <release-dir>}"
release="$(cd "${2:?usage: setup.sh <app|cache> <release-dir>}" && pwd)"
root="${VITRINE_ROOT:-}"
python="${VITRINE_PYTHON:-python3.11}"
health_timeout="${VITRINE_HEALTH_TIMEOUT:-120}"

case "$tier" in
  app | cache) ;;
  *) echo "setup.sh: unknown tier '$tier' (want app or cache)" >&2; exit 2 ;;
esac

env_file="$root/etc/vitrine/$tier.env"
[[ -r "$env_file" ]] || { echo "setup.sh: $env_file is missing" >&2; exit 2; }

log() { printf 'vitrine-setup[%s]: %s\n' "$tier" "$*"; }

# 1. A system user that owns nothing it could rewrite.
if ! id vitrine >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /sbin/nologin vitrine
fi

# 2. The release's own venv, from the pinned requirements shipped in the bundle.
log "building venv in $release/.venv"
"$python" -m venv "$release/.venv"
"$release/.venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
  -r "$release/services/$tier/requirements.txt"

# 3. Switch /opt/vitrine/current to this release atomically.
mkdir -p "$root/opt/vitrine"
ln -sfn "$release" "$root/opt/vitrine/current.new"
mv -T "$root/opt/vitrine/current.new" "$root/opt/vitrine/current"

# 4. The app tier migrates (a MySQL named lock keeps concurrent boots safe) and seeds an
#    empty catalog when the profile asks for it. Runs as the service user, with its env.
run_as_service() {
  systemd-run --quiet --wait --pipe --collect --uid=vitrine --gid=vitrine \
    --property="EnvironmentFile=$env_file" --working-directory="$release" \
    --setenv=PYTHONPATH="$release" "$release/.venv/bin/python" "$@"
}
if [[ "$tier" == app ]]; then
  log "migrating"
  run_as_service -m services.app migrate
  seed="$(sed -n 's/^VITRINE_SEED_PRODUCTS=//p' "$env_file")"
  if [[ "${seed:-0}" -gt 0 ]]; then
    log "seeding $seed products if the catalog is empty"
    run_as_service -m services.app seed --products "$seed" --if-empty
  fi
fi

# 5. The systemd unit, then a restart onto the new release.
install -D -m 0644 "$release/services/vitrine@.service" "$root/etc/systemd/system/vitrine@.service"
systemctl daemon-reload
systemctl enable "vitrine@$tier.service"
systemctl restart "vitrine@$tier.service"

# 6. Healthy on localhost, or fail (the caller signals CloudFormation either way).
bind="$(sed -n 's/^VITRINE_BIND=//p' "$env_file")"
port="${bind##*:}"
log "waiting for http://127.0.0.1:$port/healthz"
for _ in $(seq "$health_timeout"); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    log "healthy"
    exit 0
  fi
  sleep 1
done
echo "setup.sh: vitrine@$tier did not answer /healthz within ${health_timeout}s" >&2
systemctl status "vitrine@$tier.service" --no-pager >&2 || true
exit 1
