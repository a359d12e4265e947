package dev.orgapitokens.model;

import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Registers the token entity and its Liquibase changelog with Keycloak's JPA connection. */
public class ApiTokenJpaEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(ApiTokenEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/org-api-tokens-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ApiTokenJpaEntityProviderFactory.ID;
    }

    @Override
    public void close() {
    }
}
