package dev.orgapitokens.rest;

import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Admin events of a leaked-key report (SPEC §5), which nobody authenticates: Keycloak's own
 * builder, store and listeners, with the reporter's address as the only author detail.
 */
final class ReporterEvents extends AdminEventBuilder {

    private ReporterEvents(RealmModel realm, KeycloakSession session, AdminEvent prefilled) {
        super(realm, null, session, prefilled.getAuthDetails().getIpAddress(), prefilled);
    }

    static AdminEventBuilder of(KeycloakSession session, RealmModel realm) {
        AuthDetails reporter = new AuthDetails();
        reporter.setRealmId(realm.getId());
        reporter.setRealmName(realm.getName());
        reporter.setIpAddress(session.getContext().getConnection().getRemoteHost());
        AdminEvent event = new AdminEvent();
        event.setRealmId(realm.getId());
        event.setRealmName(realm.getName());
        event.setAuthDetails(reporter);
        return new ReporterEvents(realm, session, event);
    }
}
