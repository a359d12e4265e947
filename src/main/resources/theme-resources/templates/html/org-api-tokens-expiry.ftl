<#-- Lifecycle notice (SPEC §9): an API token expires soon. Laid out by the realm's e-mail theme (template.ftl). Never the key nor its hint. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("orgApiTokensExpiryIntro", realmName)}</p>
<#include "org-api-tokens-details.ftl">
<p>${msg("orgApiTokensExpiryAction")}</p>
<#if link?has_content><p><a href="${link}">${msg(console == "admin"?then("orgApiTokensOpenAdminConsole", "orgApiTokensOpenAccountConsole"))}</a></p></#if>
</@layout.emailLayout>
