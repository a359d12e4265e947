<#-- Lifecycle notice (SPEC §9): an unused API token is about to be deleted. Never the key nor its hint. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("orgApiTokensUnusedIntro", realmName)}</p>
<#include "org-api-tokens-details.ftl">
<p>${msg("orgApiTokensUnusedAction")}</p>
<#assign where = msg((console == "admin")?then("orgApiTokensOpenAdminConsole", "orgApiTokensOpenAccountConsole"))>
<p><#if link?has_content><a href="${link}">${where}</a><#else>${where}</#if></p>
</@layout.emailLayout>
