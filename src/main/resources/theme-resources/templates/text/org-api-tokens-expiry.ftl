<#ftl output_format="plainText">
${msg("orgApiTokensExpiryIntro", realmName)}

${msg("orgApiTokensToken")}: ${tokenName}
${msg("orgApiTokensRole")}: ${roleName}
<#if organizationName?has_content>${msg("orgApiTokensOrganization")}: ${organizationName}
</#if>${msg("orgApiTokensStops")}: ${when}

${msg("orgApiTokensExpiryAction")}
${msg((console == "admin")?then("orgApiTokensOpenAdminConsole", "orgApiTokensOpenAccountConsole"))}<#if link?has_content>: ${link}</#if>
