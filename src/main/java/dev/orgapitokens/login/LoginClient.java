package dev.orgapitokens.login;

import dev.orgapitokens.service.ServiceIdentities;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * Whether keys may be used through the extension's own doors, {@code /authorize} and {@code /self}
 * (SPEC §5): not while the realm or the {@code org-api-tokens} client is disabled, as Keycloak's
 * token endpoint refuses both login forms then. Both models come from Keycloak's realm cache, so the
 * check costs two map lookups and no database read.
 */
public final class LoginClient {

    private LoginClient() {
    }

    /** Null when keys may be used; else why not, as a login event error. */
    public static String refusal(RealmModel realm) {
        if (!realm.isEnabled()) return org.keycloak.events.Errors.REALM_DISABLED;
        ClientModel client = realm.getClientByClientId(ServiceIdentities.LOGIN_CLIENT_ID);
        if (client == null || !client.isEnabled()) return org.keycloak.events.Errors.CLIENT_DISABLED;
        return null;
    }
}
