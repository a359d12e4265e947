package dev.orgapitokens.service;

import java.util.Arrays;
import java.util.Optional;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/** The four realm roles a token can carry (SPEC §2). */
public enum TokenRole {
    SUPER_USER("super-user", "Super User"),
    NETWORK_ADMIN("network-admin", "Network Admin"),
    OBSERVER("observer", "Observer"),
    HELPDESK("helpdesk", "Helpdesk");

    private final String roleName;
    private final String displayName;

    TokenRole(String roleName, String displayName) {
        this.roleName = roleName;
        this.displayName = displayName;
    }

    public String roleName() {
        return roleName;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Whether the realm's role of this name holds other roles. Setup never widens such a role (it
     * stays out of every client scope the extension manages), and tokens cannot have it (SPEC §4):
     * a key would hold whatever the composite holds. Read from Keycloak's realm cache.
     */
    public boolean isCompositeIn(RealmModel realm) {
        RoleModel model = realm.getRole(roleName);
        return model != null && model.isComposite();
    }

    /** Refuses (400 {@code role}) a role that tokens of this realm cannot have: a composite one. */
    public void requireAssignableIn(RealmModel realm) {
        if (isCompositeIn(realm)) {
            throw TokenRefusal.invalid("role", "The realm role '" + roleName + "' of this realm is composite (it holds other roles),"
                    + " so a token cannot have it: an administrator must remove its composite roles first");
        }
    }

    public static Optional<TokenRole> byName(String roleName) {
        for (TokenRole role : values()) { // a plain loop: key uses call this
            if (role.roleName.equals(roleName)) return Optional.of(role);
        }
        return Optional.empty();
    }

    public static String allNames() {
        return String.join(", ", Arrays.stream(values()).map(TokenRole::roleName).toList());
    }
}
