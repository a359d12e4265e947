import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A build step (pom.xml, maven-antrun-plugin, execution {@code openapi-json}), run as a single-file
 * program: docs/openapi.yaml as the JSON the extension serves at
 * {@code /realms/{realm}/org-api-tokens/openapi.json}. Converted here rather than at run time
 * because Keycloak 26.4 has no YAML reader of Jackson's at run time.
 */
public class OpenApiJson {

    public static void main(String[] args) throws Exception {
        JsonNode document = new YAMLMapper().readTree(Path.of(args[0]).toFile());
        Path out = Path.of(args[1]);
        Files.createDirectories(out.getParent());
        Files.write(out, new ObjectMapper().writeValueAsBytes(document));
    }
}
