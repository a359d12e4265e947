package dev.orgapitokens.service;

import java.util.Arrays;
import java.util.Optional;

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

    public static Optional<TokenRole> byName(String roleName) {
        return Arrays.stream(values()).filter(r -> r.roleName.equals(roleName)).findFirst();
    }

    public static String allNames() {
        return String.join(", ", Arrays.stream(values()).map(TokenRole::roleName).toList());
    }
}
