package dev.orgapitokens.service;

import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Who is calling, already authorized by the front door: the username recorded as createdBy and
 * the admin event builder that records every change.
 */
public record Caller(String username, AdminEventBuilder events) {
}
