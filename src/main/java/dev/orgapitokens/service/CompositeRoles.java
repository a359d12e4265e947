package dev.orgapitokens.service;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * Token roles that a realm already had as composite roles (SPEC §4): setup leaves them out of every
 * client scope it manages, tokens cannot get them, and keys of tokens that have one are refused. The
 * server log says so once per realm and boot, naming the roles and what to do.
 */
public final class CompositeRoles {

    private static final Logger LOG = Logger.getLogger(CompositeRoles.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private CompositeRoles() {
    }

    /** The token roles that are composite in this realm (usually none), after logging them once. */
    public static List<TokenRole> of(RealmModel realm) {
        List<TokenRole> composite = Arrays.stream(TokenRole.values()).filter(r -> r.isCompositeIn(realm)).toList();
        if (!composite.isEmpty()) warnOnce(realm, composite);
        return composite;
    }

    /** Whether a token with this role must be refused; a key login of one logs the realm's warning once too. */
    public static boolean refuses(RealmModel realm, TokenRole role) {
        if (!role.isCompositeIn(realm)) return false;
        of(realm);
        return true;
    }

    private static void warnOnce(RealmModel realm, List<TokenRole> composite) {
        if (!WARNED.add(realm.getId())) return;
        String names = String.join(", ", composite.stream().map(TokenRole::roleName).toList());
        LOG.warnf("org-api-tokens: in realm '%s' the realm role(s) %s hold other roles (composite). A token's key would hold"
                + " them too, so they stay out of the account-console and org-api-tokens client scopes, tokens cannot be given them"
                + " (400) and keys of tokens that have them are refused (401, reason composite_role). To use them as token roles,"
                + " remove their associated roles (Realm roles > role > Associated roles) and restart Keycloak; give admin rights"
                + " to people through roles of their own", realm.getName(), names);
    }
}
