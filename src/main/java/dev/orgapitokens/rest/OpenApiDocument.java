package dev.orgapitokens.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI description: docs/openapi.yaml, converted to JSON by the build (pom.xml,
 * execution {@code openapi-json}) and read from the JAR once.
 */
final class OpenApiDocument {

    static final String RESOURCE = "openapi.json";

    private OpenApiDocument() {
    }

    static byte[] json() {
        return Holder.JSON;
    }

    private static final class Holder {
        static final byte[] JSON = read();

        private static byte[] read() {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the JAR");
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
