#!/usr/bin/env bash
# Builds the extension, starts Keycloak 26.7.3 with it on the embedded database, imports the demo
# realm (alice = super-user, olga = observer) and prints what to try. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8080}"
MGMT_PORT="${MGMT_PORT:-9000}"
VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
KC_HOME="target/keycloak-dist/keycloak-$VERSION"

echo "Building the extension and fetching Keycloak $VERSION from Maven Central (first run takes a minute)..."
mvn -q -B pre-integration-test -DskipTests
cp target/keycloak-org-api-tokens-*.jar "$KC_HOME/providers/"
mkdir -p "$KC_HOME/data/import"
cp demo/demo-realm.json "$KC_HOME/data/import/"

BASE="http://localhost:$PORT"
cat <<MSG

Starting Keycloak at $BASE  (admin console: $BASE/admin, user admin / password admin)
Demo realm "demo": alice / alice (super-user), olga / olga (observer).

When it says "Listening on", try in another terminal:

  # alice's access token (she holds super-user in realm demo)
  TOKEN=\$(curl -s -d grant_type=password -d client_id=admin-cli -d username=alice -d password=alice \\
      $BASE/realms/demo/protocol/openid-connect/token | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

  # create a token: the answer holds the key, shown only this once
  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"ci-pipeline","role":"observer","sites":["*"]}' $BASE/realms/demo/org-api-tokens

  # list, edit, delete (use the id from the answer above)
  curl -s -H "Authorization: Bearer \$TOKEN" $BASE/realms/demo/org-api-tokens
  curl -s -X PUT -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"role":"network-admin","sites":["site-1"]}' $BASE/realms/demo/org-api-tokens/<id>
  curl -s -X DELETE -H "Authorization: Bearer \$TOKEN" $BASE/realms/demo/org-api-tokens/<id>

MSG
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"
# The demo keeps its own embedded database under target/demo, apart from the test suite's.
exec "$KC_HOME/bin/kc.sh" start-dev --http-port="$PORT" --http-management-port="$MGMT_PORT" --import-realm \
    --db=dev-file --db-url="jdbc:h2:file:$PWD/target/demo/h2/keycloakdb;NON_KEYWORDS=VALUE" \
    --db-username=sa --db-password=password
