package dev.orgapitokens.it;

/** Reading Keycloak's metrics endpoint (Prometheus text exposition format). */
public final class Prometheus {

    private Prometheus() {
    }

    /** A counter in a Prometheus text exposition, all label sets summed; 0 when absent. */
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
