package dev.orgapitokens.service;

import dev.orgapitokens.model.ApiTokenEntity;
import java.io.IOException;
import java.net.URI;
import java.text.Bidi;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.keycloak.Config;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.theme.FreeMarkerException;
import org.keycloak.theme.Theme;
import org.keycloak.theme.beans.MessageFormatterMethod;
import org.keycloak.theme.freemarker.FreeMarkerProvider;

/**
 * The lifecycle notices' e-mails (SPEC §9), made with Keycloak's own machinery: the realm's e-mail
 * theme (its layout, {@code template.ftl}), the JAR's FreeMarker templates and messages (served to
 * every theme from {@code theme-resources/}), the recipient's locale, and Keycloak's e-mail sender
 * with the realm's SMTP settings. One mail per recipient, so no one sees who else was told. A mail
 * names the token, its role, its organization, when it stops and where to rotate it; never the key
 * nor its hint.
 */
final class NoticeMails {

    /** One e-mail, ready to send. */
    record Mail(String address, String subject, String text, String html) {
    }

    /** Who is told, with the user when the address is a user's (for their locale). */
    private record Recipient(String address, UserModel user) {
    }

    static final String EXPIRY_TEMPLATE = "org-api-tokens-expiry.ftl";
    static final String UNUSED_TEMPLATE = "org-api-tokens-unused.ftl";
    /** Organization members told about their organization's tokens: at most this many are read. */
    private static final int MAX_MEMBERS_READ = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final URI requestBase;

    /** @param requestBase the server's base URI when a request asked for the run, else null (a scheduled run) */
    NoticeMails(KeycloakSession session, RealmModel realm, URI requestBase) {
        this.session = session;
        this.realm = realm;
        this.requestBase = requestBase;
    }

    /** Whether the realm has SMTP settings at all: without them the realm is skipped. */
    static boolean canSend(RealmModel realm) {
        Map<String, String> smtp = realm.getSmtpConfig();
        return smtp != null && smtp.get("host") != null && !smtp.get("host").isBlank();
    }

    List<Mail> expiry(ApiTokenEntity token, TokenPolicy policy, long stopsAt) throws EmailException {
        return render(token, policy, EXPIRY_TEMPLATE, "orgApiTokensExpirySubject", stopsAt);
    }

    List<Mail> unused(ApiTokenEntity token, TokenPolicy policy, long deleteAt) throws EmailException {
        return render(token, policy, UNUSED_TEMPLATE, "orgApiTokensUnusedSubject", deleteAt);
    }

    /** Sends each mail through Keycloak's e-mail sender; returns how many went out, and throws only when none did. */
    static int send(KeycloakSession session, RealmModel realm, List<Mail> mails) throws EmailException {
        EmailSenderProvider sender = session.getProvider(EmailSenderProvider.class);
        int sent = 0;
        EmailException failure = null;
        for (Mail mail : mails) {
            try {
                sender.send(realm.getSmtpConfig(), mail.address(), mail.subject(), mail.text(), mail.html());
                sent++;
            } catch (EmailException e) {
                failure = e;
            }
        }
        if (sent == 0 && failure != null) throw failure;
        return sent;
    }

    private List<Mail> render(ApiTokenEntity token, TokenPolicy policy, String template, String subjectKey, long when) throws EmailException {
        List<Recipient> recipients = recipients(token, policy);
        if (recipients.isEmpty()) return List.of();
        OrganizationModel organization = organization(token);
        Theme theme;
        try {
            theme = session.theme().getTheme(Theme.Type.EMAIL);
        } catch (IOException e) {
            throw new EmailException("The realm's e-mail theme could not be loaded", e);
        }
        FreeMarkerProvider freeMarker = session.getProvider(FreeMarkerProvider.class);
        Map<Locale, Mail> byLocale = new HashMap<>();
        List<Mail> mails = new ArrayList<>();
        for (Recipient recipient : recipients) {
            Locale locale = locale(recipient.user());
            Mail made = byLocale.get(locale);
            if (made == null) {
                made = renderIn(locale, theme, freeMarker, token, organization, template, subjectKey, when);
                byLocale.put(locale, made);
            }
            mails.add(new Mail(recipient.address(), made.subject(), made.text(), made.html()));
        }
        return mails;
    }

    private Mail renderIn(Locale locale, Theme theme, FreeMarkerProvider freeMarker, ApiTokenEntity token, OrganizationModel organization,
            String template, String subjectKey, long when) throws EmailException {
        try {
            Properties messages = theme.getEnhancedMessages(realm, locale);
            TokenRole role = TokenRole.byName(token.getRole()).orElse(null);
            String whenText = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochMilli(when)) + " UTC";
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("locale", locale);
            attributes.put("ltr", new Bidi(messages.getProperty("locale_" + locale.getLanguage(), locale.getLanguage()),
                    Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT).isLeftToRight());
            attributes.put("msg", new MessageFormatterMethod(locale, messages));
            attributes.put("properties", theme.getProperties());
            attributes.put("realmName", realm.getDisplayName() != null && !realm.getDisplayName().isBlank() ? realm.getDisplayName() : realm.getName());
            attributes.put("tokenName", token.getName());
            attributes.put("roleName", role == null ? token.getRole() : role.displayName());
            attributes.put("organizationName", organization == null ? "" : organization.getName());
            attributes.put("when", whenText);
            String link = link(token);
            attributes.put("link", link == null ? "" : link);
            attributes.put("console", organization == null ? "admin" : "account");
            attributes.put("kind", template.equals(EXPIRY_TEMPLATE) ? "expiry" : "unused");
            String subject = new MessageFormat(messages.getProperty(subjectKey, subjectKey), locale).format(new Object[] {token.getName(), whenText});
            String text = freeMarker.processTemplate(attributes, "text/" + template, theme);
            String html = freeMarker.processTemplate(attributes, "html/" + template, theme);
            return new Mail(null, subject, text, html);
        } catch (IOException | FreeMarkerException e) {
            throw new EmailException("Failed to make the lifecycle notice from " + template, e);
        }
    }

    /**
     * The creator, while a user of the realm with an address; the policy's noticeEmails; for an
     * organization's token, its members who hold super-user. Each address once; service identities never.
     */
    private List<Recipient> recipients(ApiTokenEntity token, TokenPolicy policy) {
        Map<String, Recipient> byAddress = new LinkedHashMap<>();
        if (token.getCreatedById() != null) {
            add(byAddress, session.users().getUserById(realm, token.getCreatedById()));
        }
        for (String address : policy.noticeEmails()) {
            byAddress.putIfAbsent(address.toLowerCase(Locale.ROOT), new Recipient(address, null));
        }
        OrganizationModel organization = organization(token);
        RoleModel superUser = realm.getRole(TokenRole.SUPER_USER.roleName());
        if (organization != null && superUser != null) {
            session.getProvider(OrganizationProvider.class)
                    .getMembersStream(organization, Map.of(), null, 0, MAX_MEMBERS_READ)
                    .filter(member -> member.hasRole(superUser))
                    .forEach(member -> add(byAddress, member));
        }
        return List.copyOf(byAddress.values());
    }

    private static void add(Map<String, Recipient> byAddress, UserModel user) {
        if (user == null || !user.isEnabled() || ServiceIdentities.isServiceIdentity(user)) return;
        String address = user.getEmail();
        if (address == null || address.isBlank() || address.toLowerCase(Locale.ROOT).endsWith(".invalid")) return;
        Recipient existing = byAddress.get(address.toLowerCase(Locale.ROOT));
        if (existing == null || existing.user() == null) byAddress.put(address.toLowerCase(Locale.ROOT), new Recipient(address, user));
    }

    private OrganizationModel organization(ApiTokenEntity token) {
        if (token.getOrganizationId() == null) return null;
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        return organizations == null ? null : organizations.getById(token.getOrganizationId());
    }

    /**
     * The recipient's locale as Keycloak picks it for mails outside a login: their chosen locale when
     * the realm supports it, else the realm's default, else English; plain addresses get the default.
     * Not the request's headers: a run an administrator starts must not mail everyone in theirs.
     */
    private Locale locale(UserModel user) {
        if (!realm.isInternationalizationEnabled()) return Locale.ENGLISH;
        List<String> supported = realm.getSupportedLocalesStream().toList();
        String chosen = user == null ? null : user.getFirstAttribute(UserModel.LOCALE);
        if (chosen != null) {
            for (String tag : supported) {
                if (tag.equalsIgnoreCase(chosen)) return Locale.forLanguageTag(tag);
            }
            String language = Locale.forLanguageTag(chosen).getLanguage();
            for (String tag : supported) {
                if (Locale.forLanguageTag(tag).getLanguage().equals(language)) return Locale.forLanguageTag(tag);
            }
        }
        return realm.getDefaultLocale() != null ? Locale.forLanguageTag(realm.getDefaultLocale()) : Locale.ENGLISH;
    }

    /**
     * Where the token can be rotated: the admin console's page for realm tokens, the account console's
     * for organization tokens. The server's address: the realm's frontend URL if set, else the base of
     * the request that started the run, else Keycloak's {@code hostname} option; none known, no link.
     */
    private String link(ApiTokenEntity token) {
        String realmName = realm.getName();
        String encoded = java.net.URLEncoder.encode(realmName, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        if (token.getOrganizationId() != null) {
            String base = base(false);
            return base == null ? null : base + "/realms/" + encoded + "/account/org-api-tokens";
        }
        String base = base(true);
        return base == null ? null : base + "/admin/" + encoded + "/console/#/" + encoded + "/org-api-tokens";
    }

    private String base(boolean admin) {
        String frontend = realm.getAttribute("frontendUrl");
        if (!admin && frontend != null && !frontend.isBlank()) return trim(frontend);
        if (requestBase != null) return trim(requestBase.toString());
        Config.Scope hostname = Config.scope("hostname", "v2");
        String configured = admin ? hostname.get("hostname-admin") : null;
        if (configured == null || configured.isBlank()) configured = hostname.get("hostname");
        if (configured == null || configured.isBlank()) return admin && frontend != null && !frontend.isBlank() ? trim(frontend) : null;
        return trim(configured.contains("://") ? configured : "https://" + configured);
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
