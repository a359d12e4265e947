package dev.orgapitokens.it;

/** Reading Keycloak's metrics endpoint (Prometheus text exposition format). */
public final class Prometheus {

    private Prometheus() {
    }

    /** A counter in a Prometheus text exposition, all label sets summed; 0 when absent. */
    /** The sum of the counter's lines whose labels include every one of {@code labels} (such as {@code outcome="unknown"}). */
    public static double counter(String exposition, String name, String... labels) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{")) continue;
            String labelSet = line.substring(name.length(), line.lastIndexOf('}') + 1);
            if (java.util.Arrays.stream(labels).allMatch(labelSet::contains)) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    public static double counter(String exposition, String name) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
