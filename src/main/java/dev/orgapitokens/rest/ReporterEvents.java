package dev.orgapitokens.rest;

import dev.orgapitokens.service.ServiceIdentities;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.light.LightweightUserAdapter;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Admin events of a leaked-key report (SPEC §5), which nobody authenticates: Keycloak's own
 * builder, store and listeners, with the reporter's address as the only author detail. The
 * builder's public constructor (the one every supported line has) wants an authenticated admin; it
 * gets an in-memory stand-in, whose details are then replaced by the reporter's.
 */
final class ReporterEvents {

    private ReporterEvents() {
    }

    static AdminEventBuilder of(KeycloakSession session, RealmModel realm) {
        ClientModel client = realm.getClientByClientId(ServiceIdentities.LOGIN_CLIENT_ID);
        if (client == null) client = realm.getMasterAdminClient();
        AdminAuth standIn = new AdminAuth(realm, null, new LightweightUserAdapter(session, realm, "leak-reporter"), client);
        AdminEventBuilder events = new AdminEventBuilder(realm, standIn, session, session.getContext().getConnection());
        AuthDetails reporter = new AuthDetails();
        reporter.setRealmId(realm.getId());
        reporter.setRealmName(realm.getName());
        reporter.setIpAddress(session.getContext().getConnection().getRemoteHost());
        events.getEvent().setAuthDetails(reporter);
        return events;
    }
}
