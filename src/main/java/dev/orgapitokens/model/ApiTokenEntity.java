package dev.orgapitokens.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One API token. The key itself is never stored: only its SHA-256 digest (unique, indexed, so a
 * login is one indexed read) and a hint. No foreign keys: realm, organization and service
 * identity removal clean up through event listeners, so nothing blocks those deletes.
 */
@Entity
@Table(name = "ORG_API_TOKEN")
public class ApiTokenEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "ORGANIZATION_ID", length = 36)
    private String organizationId;

    /** The organization id, or the realm id for realm-wide tokens: names are unique within it. */
    @Column(name = "NAME_SCOPE", length = 36, nullable = false)
    private String nameScope;

    @Column(name = "NAME", length = 255, nullable = false)
    private String name;

    /**
     * Lower-cased name: uniqueness and search are case-insensitive the same way on every database,
     * whatever its collation.
     */
    @Column(name = "NAME_KEY", length = 255, nullable = false)
    private String nameKey;

    @Column(name = "ROLE", length = 32, nullable = false)
    private String role;

    /** Comma-separated site ids, or "*". Site ids cannot contain commas. */
    @Column(name = "SITES", nullable = false)
    private String sites;

    @Column(name = "KEY_DIGEST", length = 64, nullable = false)
    private String keyDigest;

    @Column(name = "KEY_HINT", length = 32, nullable = false)
    private String keyHint;

    @Column(name = "CREATED_BY", length = 255)
    private String createdBy;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    @Column(name = "LAST_USED_AT")
    private Long lastUsedAt;

    @Column(name = "LAST_USED_IP", length = 64)
    private String lastUsedIp;

    @Column(name = "EXPIRES_AT")
    private Long expiresAt;

    /** Comma-separated CIDRs; empty = anywhere. */
    @Column(name = "ALLOWED_CIDRS", length = 4000, nullable = false)
    private String allowedCidrs;

    @Column(name = "EXPOSED", nullable = false)
    private boolean exposed;

    @Column(name = "SERVICE_USER_ID", length = 36, nullable = false)
    private String serviceUserId;

    /** After a rotation with a grace period: the old key's digest, working until previousKeyExpiresAt. */
    @Column(name = "PREVIOUS_KEY_DIGEST", length = 64)
    private String previousKeyDigest;

    @Column(name = "PREVIOUS_KEY_HINT", length = 32)
    private String previousKeyHint;

    @Column(name = "PREVIOUS_KEY_EXPIRES_AT")
    private Long previousKeyExpiresAt;

    @Column(name = "PREVIOUS_KEY_LAST_USED_AT")
    private Long previousKeyLastUsedAt;

    /** The creator's user id, when they are a user of the token's realm (set since changeset 1.4). */
    @Column(name = "CREATED_BY_ID", length = 36)
    private String createdById;

    /*
     * Lifecycle notices (SPEC §9). Written only by ApiTokenStore's conditional updates (never from
     * entity state), so an edit of the token that loaded it earlier cannot undo a notice's record.
     */

    /** The expiresAt the expiry notices were about, and the nearest threshold told. */
    @Column(name = "EXPIRY_NOTICE_FOR", insertable = false, updatable = false)
    private Long expiryNoticeFor;

    @Column(name = "EXPIRY_NOTICE_DAYS", insertable = false, updatable = false)
    private Integer expiryNoticeDays;

    /** The last use (or creation) the unused-token notice was about, and the deletion time it announced. */
    @Column(name = "UNUSED_NOTICE_FOR", insertable = false, updatable = false)
    private Long unusedNoticeFor;

    @Column(name = "UNUSED_DELETE_AT", insertable = false, updatable = false)
    private Long unusedDeleteAt;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getOrganizationId() { return organizationId; }
    public void setOrganizationId(String organizationId) { this.organizationId = organizationId; }
    public String getNameScope() { return nameScope; }
    public void setNameScope(String nameScope) { this.nameScope = nameScope; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getNameKey() { return nameKey; }
    public void setNameKey(String nameKey) { this.nameKey = nameKey; }
    public String getRole() { return role; }
    public void setRole(String role) { this.role = role; }
    public String getSites() { return sites; }
    public void setSites(String sites) { this.sites = sites; }
    public String getKeyDigest() { return keyDigest; }
    public void setKeyDigest(String keyDigest) { this.keyDigest = keyDigest; }
    public String getKeyHint() { return keyHint; }
    public void setKeyHint(String keyHint) { this.keyHint = keyHint; }
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String createdBy) { this.createdBy = createdBy; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
    public Long getLastUsedAt() { return lastUsedAt; }
    public void setLastUsedAt(Long lastUsedAt) { this.lastUsedAt = lastUsedAt; }
    public String getLastUsedIp() { return lastUsedIp; }
    public void setLastUsedIp(String lastUsedIp) { this.lastUsedIp = lastUsedIp; }
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long expiresAt) { this.expiresAt = expiresAt; }
    public String getAllowedCidrs() { return allowedCidrs; }
    public void setAllowedCidrs(String allowedCidrs) { this.allowedCidrs = allowedCidrs; }
    public boolean isExposed() { return exposed; }
    public void setExposed(boolean exposed) { this.exposed = exposed; }
    public String getServiceUserId() { return serviceUserId; }
    public void setServiceUserId(String serviceUserId) { this.serviceUserId = serviceUserId; }
    public String getPreviousKeyDigest() { return previousKeyDigest; }
    public void setPreviousKeyDigest(String previousKeyDigest) { this.previousKeyDigest = previousKeyDigest; }
    public String getPreviousKeyHint() { return previousKeyHint; }
    public void setPreviousKeyHint(String previousKeyHint) { this.previousKeyHint = previousKeyHint; }
    public Long getPreviousKeyExpiresAt() { return previousKeyExpiresAt; }
    public void setPreviousKeyExpiresAt(Long previousKeyExpiresAt) { this.previousKeyExpiresAt = previousKeyExpiresAt; }
    public Long getPreviousKeyLastUsedAt() { return previousKeyLastUsedAt; }
    public void setPreviousKeyLastUsedAt(Long previousKeyLastUsedAt) { this.previousKeyLastUsedAt = previousKeyLastUsedAt; }

    public String getCreatedById() { return createdById; }
    public void setCreatedById(String createdById) { this.createdById = createdById; }
    public Long getExpiryNoticeFor() { return expiryNoticeFor; }
    public Integer getExpiryNoticeDays() { return expiryNoticeDays; }
    public Long getUnusedNoticeFor() { return unusedNoticeFor; }
    public Long getUnusedDeleteAt() { return unusedDeleteAt; }

    /** When the token was last used with either key, or created if never: what "unused" counts from (SPEC §9). */
    public long lastActivity() {
        long last = createdAt;
        if (lastUsedAt != null) last = Math.max(last, lastUsedAt);
        if (previousKeyLastUsedAt != null) last = Math.max(last, previousKeyLastUsedAt);
        return last;
    }

    /** Whether the previous key still works at {@code now}. */
    public boolean previousKeyWorksAt(long now) {
        return previousKeyDigest != null && previousKeyExpiresAt != null && previousKeyExpiresAt > now;
    }
}
