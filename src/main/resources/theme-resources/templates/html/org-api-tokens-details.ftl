<table role="presentation">
<tr><th align="left">${msg("orgApiTokensToken")}</th><td>${tokenName}</td></tr>
<tr><th align="left">${msg("orgApiTokensRole")}</th><td>${roleName}</td></tr>
<#if organizationName?has_content><tr><th align="left">${msg("orgApiTokensOrganization")}</th><td>${organizationName}</td></tr></#if>
<tr><th align="left">${msg((kind == "expiry")?then("orgApiTokensStops", "orgApiTokensDeleted"))}</th><td>${when}</td></tr>
</table>
