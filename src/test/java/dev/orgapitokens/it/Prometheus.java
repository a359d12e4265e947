package dev.orgapitokens.it;

/** Reading Keycloak's metrics endpoint (Prometheus text exposition format). */
public final class Prometheus {

    private Prometheus() {
    }

    /**
     * A counter in a Prometheus text exposition, all label sets summed, or with {@code labels} (such
     * as {@code outcome="unknown"}) the label sets that include every one of them; 0 when absent.
     */
    public static double counter(String exposition, String name, String... labels) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            boolean unlabelled = line.startsWith(name + " ");
            if (!unlabelled && !line.startsWith(name + "{")) continue;
            String labelSet = unlabelled ? "" : line.substring(name.length(), line.lastIndexOf('}') + 1);
            if (java.util.Arrays.stream(labels).allMatch(labelSet::contains)) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }
}
