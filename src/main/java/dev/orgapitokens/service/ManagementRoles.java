package dev.orgapitokens.service;

/**
 * The {@code realm-management} client roles the extension adds (SPEC §4): who may read and who may
 * change API tokens on the admin path without holding view-realm or manage-realm.
 */
public final class ManagementRoles {

    public static final String VIEW_API_TOKENS = "view-api-tokens";
    public static final String MANAGE_API_TOKENS = "manage-api-tokens";

    private ManagementRoles() {
    }
}
