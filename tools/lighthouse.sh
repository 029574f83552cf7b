#!/bin/sh
# Lighthouse (mobile) accessibility, best practices and SEO on the main pages of a served demo.
#
#   make run PORT=5000                      # in another shell: the demo, password demo1234
#   npm install -g lighthouse@12.8.2
#   CHROME_PATH=/usr/bin/chromium tools/lighthouse.sh http://127.0.0.1:5000
#
# Logged-in pages are fetched with the session cookie of a demo login (curl posts the login
# form), given to Lighthouse as --extra-headers. Prints one line per page: the three scores
# and the audits that failed. The JSON reports stay in $OUT (default /tmp/fieldlog-lighthouse).
set -eu
BASE=${1:-http://127.0.0.1:5000}
OUT=${OUT:-/tmp/fieldlog-lighthouse}
PASSWORD=${PASSWORD:-demo1234}
mkdir -p "$OUT"

cookie() {  # the session cookie of a demo login: "fieldlog_session=..."
    jar=$(mktemp)
    token=$(curl -s -c "$jar" "$BASE/auth/login" \
        | grep -o 'name="csrf_token" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
        --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" "$BASE/auth/login"
    awk '$6 == "fieldlog_session" { print $6 "=" $7 }' "$jar"
    rm -f "$jar"
}

audit() {  # audit NAME LOGIN PATH  (LOGIN "-" for no login)
    name=$1 login=$2 path=$3
    set -- --only-categories=accessibility,best-practices,seo --form-factor=mobile \
        --chrome-flags="--headless=new --no-sandbox" --output=json \
        --output-path="$OUT/$name.json" --quiet
    if [ "$login" != "-" ]; then
        set -- "$@" --extra-headers="{\"Cookie\": \"$(cookie "$login")\"}"
    fi
    lighthouse "$BASE$path" "$@"
    python3 - "$OUT/$name.json" "$name" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
scores = " ".join(f"{key}={round(cat['score'] * 100)}" for key, cat in report["categories"].items())
failed = [key for key, a in report["audits"].items()
          if a.get("scoreDisplayMode") in ("binary", "numeric") and (a.get("score") or 0) < 1
          and a.get("score") is not None]
print(f"{sys.argv[2]:<16} {report['finalDisplayedUrl'][len('http://'):]:<48} {scores}"
      + (f"  failed: {', '.join(failed)}" if failed else ""))
EOF
}

# The demo's logins: 13900000011 a member of 桃源村, 13900000022 the chair of 石桥村,
# 13900000001 the chair of 青山镇, admin the administrator.
audit login - /auth/login
audit member-home 13900000011 /
audit log-form 13900000011 /logs/new/contact
audit my-logs 13900000011 /logs/
audit record-book 13900000011 /books/mine
audit meetings 13900000011 /meetings/mine
audit account 13900000011 /auth/account
audit chair-grid 13900000022 /tracker/committee/4
audit committee 13900000022 /committee/4
audit review 13900000022 /review/
audit township-grid 13900000001 /tracker/committee/2
audit ledgers admin /ledgers/area
audit admin admin /admin/
audit rollup admin /tracker/rollup
