package dev.orgapitokens.setup;

import dev.orgapitokens.service.CompositeRoles;
import dev.orgapitokens.service.ManagementRoles;
import dev.orgapitokens.service.TokenRole;
import java.util.List;
import java.util.stream.Stream;
import org.keycloak.Config;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * What every realm needs, created idempotently: the four token roles and the admin roles
 * {@code view-api-tokens} / {@code manage-api-tokens} (manage includes view), and the
 * {@code super-user} role in the account console's scope. A token role the realm already had as a
 * composite role is never widened: it stays out of every client scope set up here (SPEC §4).
 */
final class RealmSetup {

    private RealmSetup() {
    }

    static void apply(RealmModel realm) {
        for (TokenRole role : TokenRole.values()) {
            tokenRole(realm, role);
        }
        adminClients(realm).forEach(RealmSetup::addAdminRoles);
        List<TokenRole> composite = CompositeRoles.of(realm);
        accountConsoleScope(realm, composite);
        LoginClientSetup.apply(realm, composite);
    }

    /** The realm role for a token role, created if missing (an admin may have deleted it). */
    private static void tokenRole(RealmModel realm, TokenRole role) {
        if (realm.getRole(role.roleName()) == null) {
            realm.addRole(role.roleName()).setDescription(role.displayName());
        }
    }

    /**
     * The account console's API tokens page calls the realm path with the console's own access token,
     * which must carry {@code super-user} (SPEC §4). The {@code account-console} client has full scope
     * off, so the role goes into its scope; a user without the role still gets no such role.
     */
    private static void accountConsoleScope(RealmModel realm, List<TokenRole> composite) {
        if (Config.getAdminRealm().equals(realm.getName())) return; // master's account console is left as Keycloak made it
        ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
        RoleModel superUser = realm.getRole(TokenRole.SUPER_USER.roleName());
        if (console == null || superUser == null) return;
        if (composite.contains(TokenRole.SUPER_USER)) {
            // a composite super-user would hand its roles to every holder's console token: out (also if an earlier version put it in)
            if (console.hasDirectScope(superUser)) console.deleteScopeMapping(superUser);
        } else if (!console.hasDirectScope(superUser)) {
            console.addScopeMapping(superUser);
        }
    }

    /**
     * Admin roles live where Keycloak looks for a realm's admin roles: the realm's own
     * realm-management client (realm admins) and the "{realm}-realm" client in master (master admins).
     */
    private static Stream<ClientModel> adminClients(RealmModel realm) {
        return Stream.of(realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID), realm.getMasterAdminClient())
                .filter(c -> c != null);
    }

    private static void addAdminRoles(ClientModel client) {
        RoleModel view = clientRole(client, ManagementRoles.VIEW_API_TOKENS, "View org API tokens");
        RoleModel manage = clientRole(client, ManagementRoles.MANAGE_API_TOKENS, "Manage org API tokens");
        if (!manage.hasRole(view)) manage.addCompositeRole(view);

        // Whoever holds every admin role of the realm (its realm-admin, or master's admin) gets these too.
        RoleModel allAdminRoles = Constants.REALM_MANAGEMENT_CLIENT_ID.equals(client.getClientId())
                ? client.getRole(AdminRoles.REALM_ADMIN)
                : client.getRealm().getRole(AdminRoles.ADMIN);
        if (allAdminRoles != null && !allAdminRoles.hasRole(manage)) allAdminRoles.addCompositeRole(manage);
    }

    private static RoleModel clientRole(ClientModel client, String name, String description) {
        RoleModel role = client.getRole(name);
        if (role == null) {
            role = client.addRole(name);
            role.setDescription(description);
        }
        return role;
    }
}
