package dev.orgapitokens.setup;

import dev.orgapitokens.service.KeycloakLine;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.theme.Theme;
import org.keycloak.theme.ThemeProvider;
import org.keycloak.theme.ThemeProviderFactory;

/**
 * Serves the console themes {@code org-api-tokens} (admin and account): the stock console of the
 * running Keycloak line plus the API tokens page. The JAR carries one build of each page per release
 * of Keycloak's console package ({@link ConsoleBuilds}); which one serves is decided once, here, at
 * start-up, from Keycloak's version ({@link KeycloakLine#running()}), and logged. On a line no build
 * was made for, the theme is not offered, so a realm set to it gets Keycloak's own console rather
 * than one that may not run there.
 */
public class ConsoleThemeProviderFactory implements ThemeProviderFactory {

    public static final String THEME = "org-api-tokens";

    private static final Logger LOG = Logger.getLogger(ConsoleThemeProviderFactory.class);

    private Map<Theme.Type, Theme> themes = Map.of();

    @Override
    public ThemeProvider create(KeycloakSession session) {
        return new Provider(themes);
    }

    @Override
    public void init(Config.Scope config) {
        Map<Theme.Type, Theme> chosen = new EnumMap<>(Theme.Type.class);
        choose(chosen, Theme.Type.ADMIN, ConsoleBuilds.ADMIN, "@keycloak/keycloak-admin-ui");
        choose(chosen, Theme.Type.ACCOUNT, ConsoleBuilds.ACCOUNT, "@keycloak/keycloak-account-ui");
        themes = Collections.unmodifiableMap(chosen);
    }

    private void choose(Map<Theme.Type, Theme> chosen, Theme.Type type, Map<KeycloakLine, String> builds, String uiPackage) {
        KeycloakLine line = KeycloakLine.running();
        String kind = type.toString().toLowerCase();
        Optional<String> release = ConsoleBuilds.forLine(builds, line);
        if (release.isEmpty()) {
            // INFO: on a line outside the supported ones, RealmLifecycleFactory logs the one ERROR.
            LOG.infof("org-api-tokens: the %s console theme %s has no build for Keycloak %s (it has builds for %s); "
                    + "realms set to it get Keycloak's own %s console", kind, THEME, line, new TreeSet<>(builds.keySet()), kind);
            return;
        }
        ClassLoader loader = getClass().getClassLoader();
        String manifest = ConsoleTheme.root(type) + "resources-" + release.get() + "/.vite/manifest.json";
        if (loader.getResource(manifest) == null) {
            LOG.infof("org-api-tokens: the %s console theme %s is not in this JAR (built with -Dskip.ui=true)", kind, THEME);
            return;
        }
        try {
            chosen.put(type, new ConsoleTheme(type, release.get(), loader));
            LOG.infof("org-api-tokens: Keycloak %s; the %s console theme %s serves its build on %s %s", line, kind, THEME, uiPackage, release.get());
        } catch (IOException e) {
            LOG.errorf(e, "org-api-tokens: the %s console theme %s could not be read from the JAR", kind, THEME);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return THEME;
    }

    /** The themes chosen at start-up, by type. */
    private record Provider(Map<Theme.Type, Theme> themes) implements ThemeProvider {

        /**
         * Above Keycloak's classpath themes (0), below the server's themes/ folder (100): a theme of
         * this name declared in some JAR's keycloak-themes.json (as a stale build of this one may still
         * carry) never shadows ours, and an operator's own folder theme still can. At equal priority
         * the order of providers is arbitrary and differs between lines.
         */
        @Override
        public int getProviderPriority() {
            return 50;
        }

        @Override
        public Theme getTheme(String name, Theme.Type type) {
            return hasTheme(name, type) ? themes.get(type) : null;
        }

        @Override
        public Set<String> nameSet(Theme.Type type) {
            return themes.containsKey(type) ? Set.of(THEME) : Set.of();
        }

        @Override
        public boolean hasTheme(String name, Theme.Type type) {
            return THEME.equals(name) && themes.containsKey(type);
        }

        @Override
        public void close() {
        }
    }
}
