#!/usr/bin/env bash
# CI's production leg: a real install on this machine, by the commands docs/deployment.md gives,
# with the services started by the very command lines of deploy/systemd/*.service. It proves:
# reference data without the demo (and the demo refused), check --deploy clean, static files
# served by the app server, the worker and the scheduler alive, health endpoints green, the broker
# configuration valid, and a backup restored into an empty database that verifies itself.
set -euo pipefail
cd "$(dirname "$0")/.."
APP="$PWD"
VENV="$APP/.venv"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tongyou-prod-XXXXXX")"
DB="tongyou_smoke_$$"
RESTORED="tongyou_smoke_restored_$$"
PORT="${SMOKE_PORT:-18765}"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $RESTORED" || true
    rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n---- %s\n' "$*"; }
fail() { echo "SMOKE FAILED: $*" >&2; for f in "$WORK"/*.log; do echo "== $f"; tail -n 20 "$f"; done >&2; exit 1; }

step "The environment file, from deploy/tongyou.env.example"
sed -e "s#^DJANGO_SECRET_KEY=.*#DJANGO_SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(64))')#" \
    -e "s#^DATABASE_URL=.*#DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB#" \
    -e "s#^TONGYOU_CACHE_URL=.*#TONGYOU_CACHE_URL=redis://127.0.0.1:6379/7#" \
    -e "s#^TONGYOU_VAR_DIR=.*#TONGYOU_VAR_DIR=$WORK/var#" \
    -e "s#^TONGYOU_KEY_FILE=.*#TONGYOU_KEY_FILE=$WORK/keys/keys.json#" \
    -e "s#^TONGYOU_AUDIT_ANCHOR_FILE=.*#TONGYOU_AUDIT_ANCHOR_FILE=$WORK/anchors/audit-anchors.jsonl#" \
    -e "s#^TONGYOU_BIND=.*#TONGYOU_BIND=127.0.0.1:$PORT#" \
    -e "s#^TONGYOU_BACKUP_PASSPHRASE=.*#TONGYOU_BACKUP_PASSPHRASE=smoke-test-passphrase-2026#" \
    -e "s#^TONGYOU_BACKUP_DIR=.*#TONGYOU_BACKUP_DIR=$WORK/backups#" \
    deploy/tongyou.env.example > "$WORK/tongyou.env"
set -a; . "$WORK/tongyou.env"; set +a
export TONGYOU_WEB_WORKERS=2
manage() { "$VENV/bin/python" manage.py "$@"; }

step "Install: database, keys, migrations, reference data, the first security administrator"
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB"
manage init_keys
manage check --deploy --fail-level WARNING
manage migrate --noinput -v 0
manage load_reference
TONGYOU_ADMIN_PASSWORD="Smoke-test-admin-2026" manage create_security_admin --username anquan --no-input
manage collectstatic --noinput -v 0
if manage setup_demo --children 10 > "$WORK/demo.log" 2>&1; then fail "setup_demo ran under production settings"; fi
grep -q "生产环境不能装入演示数据" "$WORK/demo.log" || fail "setup_demo's refusal does not say why"
[ "$(manage shell --no-imports -c 'from tongyou.accounts.models import User; print(User.objects.count())')" = 1 ] \
    || fail "accounts other than the security administrator exist"

step "Services, started by the systemd units' own command lines"
for unit in web worker scheduler; do
    line="$(sed -n 's/^ExecStart=//p' "deploy/systemd/tongyou-$unit.service")"
    line="${line//\/opt\/tongyou\/venv/$VENV}"
    # shellcheck disable=SC2086 # the unit's command line, split as systemd splits it
    $line > "$WORK/$unit.log" 2>&1 &
    PIDS+=("$!")
done
for _ in $(seq 1 60); do
    ready="$(curl -sf "http://127.0.0.1:$PORT/readyz" || true)"
    echo "$ready" | grep -q '"worker": "ok"' && echo "$ready" | grep -q '"scheduler": "ok"' && break
    sleep 1
done
echo "readyz: $ready"
echo "$ready" | grep -q '"database": "ok"' || fail "readyz: database"
echo "$ready" | grep -q '"worker": "ok"' || fail "readyz: worker"
echo "$ready" | grep -q '"scheduler": "ok"' || fail "readyz: scheduler"
[ "$(curl -sf "http://127.0.0.1:$PORT/healthz")" = ok ] || fail "healthz"
manage health worker && manage health scheduler
curl -sf -H "X-Forwarded-Proto: https" -o /dev/null "http://127.0.0.1:$PORT/static/vendor/leaflet/leaflet.js" \
    || fail "static files are not served by the app server"
curl -sf -H "X-Forwarded-Proto: https" -H "Host: tongyou.yuquan.example.gov.cn" \
    "http://127.0.0.1:$PORT/accounts/login/" | grep -q "登录" || fail "the login page"
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q "tongyou_heartbeat_age_seconds" || fail "metrics"
grep -q '"status": 200' "$WORK/web.log" || fail "the access log is not JSON"

step "The broker configuration (deploy/mosquitto) parses and listens, on spare ports"
if command -v mosquitto >/dev/null 2>&1; then
    sed -e "s/^listener 1883 /listener 18883 /" -e "s/^listener 9001 /listener 19001 /" \
        -e "s#/etc/mosquitto/tongyou.acl#$APP/deploy/mosquitto/tongyou.acl#" \
        deploy/mosquitto/tongyou.conf > "$WORK/mosquitto.conf"
    mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 1 20); do (exec 3<>/dev/tcp/127.0.0.1/19001) 2>/dev/null && break; sleep 0.5; done
    (exec 3<>/dev/tcp/127.0.0.1/18883) 2>/dev/null || fail "mosquitto MQTT listener"
    (exec 3<>/dev/tcp/127.0.0.1/19001) 2>/dev/null || fail "mosquitto WebSocket listener"
fi

step "Backup, then the restore drill into an empty database"
manage backup "$TONGYOU_BACKUP_DIR"
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $RESTORED"
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$RESTORED" TONGYOU_KEY_FILE="$WORK/restored/keys.json" \
    TONGYOU_AUDIT_ANCHOR_FILE="$WORK/restored/anchors.jsonl" \
    manage restore "$TONGYOU_BACKUP_DIR"/*.data.tar.gpg "$TONGYOU_BACKUP_DIR"/*.keys.gpg | tee "$WORK/restore.log"
grep -q "审计链完整" "$WORK/restore.log" || fail "the restored audit chain"

echo "Production smoke test passed."
