package dev.orgapitokens.service;

import org.keycloak.common.ClientConnection;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Admin events of what the realm's policy does by itself (SPEC §9: an unused token deleted), outside
 * any request: Keycloak's own builder, store and listeners. The builder's public constructor (the one
 * every supported line has) wants an authenticated admin and a connection; it gets in-memory
 * stand-ins, and the event names the realm and the extension's login client as its author, no user
 * and no address.
 */
final class LifecycleEvents {

    private static final ClientConnection NO_CONNECTION = new ClientConnection() {
        @Override
        public String getRemoteAddr() {
            return null;
        }

        @Override
        public String getRemoteHost() {
            return null;
        }

        @Override
        public int getRemotePort() {
            return 0;
        }

        @Override
        public String getLocalAddr() {
            return null;
        }

        @Override
        public int getLocalPort() {
            return 0;
        }
    };

    private LifecycleEvents() {
    }

    static AdminEventBuilder of(KeycloakSession session, RealmModel realm) {
        ClientModel client = realm.getClientByClientId(ServiceIdentities.LOGIN_CLIENT_ID);
        if (client == null) client = realm.getMasterAdminClient();
        AdminAuth standIn = new AdminAuth(realm, null, new LightweightUserAdapter(session, realm, "org-api-tokens-lifecycle"), client);
        AdminEventBuilder events = new AdminEventBuilder(realm, standIn, session, NO_CONNECTION);
        AuthDetails author = new AuthDetails();
        author.setRealmId(realm.getId());
        author.setRealmName(realm.getName());
        if (client != null) author.setClientId(client.getId());
        events.getEvent().setAuthDetails(author);
        return events;
    }
}
