<#-- Lifecycle notice (SPEC §9): an API token expires soon. Laid out by the realm's e-mail theme (template.ftl). Never the key nor its hint. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("orgApiTokensExpiryIntro", realmName)}</p>
<#include "org-api-tokens-details.ftl">
<p>${msg("orgApiTokensExpiryAction")}</p>
<#assign where = msg((console == "admin")?then("orgApiTokensOpenAdminConsole", "orgApiTokensOpenAccountConsole"))>
<p><#if link?has_content><a href="${link}">${where}</a><#else>${where}</#if></p>
</@layout.emailLayout>
