package dev.orgapitokens.rest;

import dev.orgapitokens.service.ServiceIdentities;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;

/** SPEC §4: an access token obtained with an API key can never manage API tokens, on either door. */
final class KeyDerivedTokens {

    private KeyDerivedTokens() {
    }

    static void refuse(AccessToken token, UserModel user) {
        if (ServiceIdentities.isKeyDerived(token, user)) {
            throw ApiTokenErrors.forbidden("An access token obtained with an API key cannot manage API tokens");
        }
    }
}
