package dev.orgapitokens.setup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.keycloak.theme.ClassLoaderTheme;
import org.keycloak.theme.ResourceLoader;

/**
 * Theme {@code org-api-tokens} of one type (admin or account) as Keycloak's classpath themes are,
 * from {@code theme/org-api-tokens/<type>/} in the JAR (theme.properties, messages), except that
 * its resources, the built page, come from the folder of one build:
 * {@code theme/org-api-tokens/<type>/resources-<release>/}.
 */
final class ConsoleTheme extends ClassLoaderTheme {

    private final String resourceRoot;

    ConsoleTheme(Type type, String release, ClassLoader classLoader) throws IOException {
        super(ConsoleThemeProviderFactory.THEME, type, classLoader);
        this.resourceRoot = root(type) + "resources-" + release + "/";
    }

    /** Where the theme of {@code type} lies in the JAR, as {@link ClassLoaderTheme} has it. */
    static String root(Type type) {
        return "theme/" + ConsoleThemeProviderFactory.THEME + "/" + type.toString().toLowerCase(Locale.ROOT) + "/";
    }

    @Override
    public InputStream getResourceAsStream(String path) throws IOException {
        return ResourceLoader.getResourceAsStream(resourceRoot, path);
    }
}
