#!/usr/bin/env bash
# Builds the extension, starts Keycloak 26.7.3 with it on the embedded database, imports the demo
# realm (alice = super-user, olga = observer; its account console has the API tokens page), turns on
# the API tokens admin console page, and prints
# what to try. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8080}"
MGMT_PORT="${MGMT_PORT:-9000}"
VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
KC_HOME="target/keycloak-dist/keycloak-$VERSION"
BASE="http://localhost:$PORT"
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

echo "Building the extension and fetching Keycloak $VERSION from Maven Central (the first run takes a few minutes)..."
mvn -q -B pre-integration-test -DskipTests
rm -f "$KC_HOME"/providers/keycloak-org-api-tokens-*.jar
cp target/keycloak-org-api-tokens-*.jar "$KC_HOME/providers/"
mkdir -p "$KC_HOME/data/import"
cp demo/demo-realm.json "$KC_HOME/data/import/"

# The demo keeps its own embedded database under target/demo, apart from the test suite's.
# DB_CLOSE_ON_EXIT=FALSE, as in Keycloak's default dev-file URL: Keycloak, not H2's exit hook, closes it,
# so what a clean stop writes (the last minute's usage counts) reaches it.
"$KC_HOME/bin/kc.sh" start-dev --http-port="$PORT" --http-management-port="$MGMT_PORT" --metrics-enabled=true --import-realm \
    --db=dev-file --db-url="jdbc:h2:file:$PWD/target/demo/h2/keycloakdb;NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=FALSE" \
    --db-username=sa --db-password=password &
KC_PID=$!
trap 'kill $KC_PID 2>/dev/null; wait $KC_PID 2>/dev/null' INT TERM EXIT

until curl -sf -o /dev/null "$BASE/realms/master"; do
  kill -0 $KC_PID 2>/dev/null || { echo "Keycloak stopped during start-up" >&2; exit 1; }
  sleep 2
done

# The master realm's console (where admin logs in) shows the API tokens page too.
ADMIN=$(curl -s -d grant_type=password -d client_id=admin-cli -d "username=$KC_BOOTSTRAP_ADMIN_USERNAME" \
  -d "password=$KC_BOOTSTRAP_ADMIN_PASSWORD" "$BASE/realms/master/protocol/openid-connect/token" \
  | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"adminTheme":"org-api-tokens"}' "$BASE/admin/realms/master"

cat <<MSG

Keycloak is running at $BASE with the org API tokens extension.

  Admin console, API tokens page:  $BASE/admin/master/console/#/demo/org-api-tokens
                                   (user $KC_BOOTSTRAP_ADMIN_USERNAME, password $KC_BOOTSTRAP_ADMIN_PASSWORD)
  Demo realm "demo":               alice / alice (Super User), olga / olga (Observer)
  Account console, API tokens:     $BASE/realms/demo/account/   (log in as alice / alice; olga sees no such page)

Try the REST API in another terminal:

  # alice's access token (she holds super-user in realm demo)
  TOKEN=\$(curl -s -d grant_type=password -d client_id=admin-cli -d username=alice -d password=alice \\
      $BASE/realms/demo/protocol/openid-connect/token | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

  # create a token: the answer holds the key, shown only this once
  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"ci-pipeline","role":"observer","sites":["*"]}' $BASE/realms/demo/org-api-tokens

  # log in with the key: a normal access token carrying the role
  curl -s -d grant_type=urn:org-api-tokens:grant-type:api-key -d client_id=org-api-tokens -d "api_key=<key>" \\
      $BASE/realms/demo/protocol/openid-connect/token

  # list, edit, delete (use the id from the create answer)
  curl -s -H "Authorization: Bearer \$TOKEN" $BASE/realms/demo/org-api-tokens
  curl -s -X PUT -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"role":"network-admin","sites":["site-1"]}' $BASE/realms/demo/org-api-tokens/<id>
  curl -s -X DELETE -H "Authorization: Bearer \$TOKEN" $BASE/realms/demo/org-api-tokens/<id>

Ctrl-C stops Keycloak.
MSG
wait $KC_PID
