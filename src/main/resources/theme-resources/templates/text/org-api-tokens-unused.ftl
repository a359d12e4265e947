<#ftl output_format="plainText">
${msg("orgApiTokensUnusedIntro", realmName)}

${msg("orgApiTokensToken")}: ${tokenName}
${msg("orgApiTokensRole")}: ${roleName}
<#if organizationName?has_content>${msg("orgApiTokensOrganization")}: ${organizationName}
</#if>${msg("orgApiTokensDeleted")}: ${when}

${msg("orgApiTokensUnusedAction")}
${msg((console == "admin")?then("orgApiTokensOpenAdminConsole", "orgApiTokensOpenAccountConsole"))}<#if link?has_content>: ${link}</#if>
