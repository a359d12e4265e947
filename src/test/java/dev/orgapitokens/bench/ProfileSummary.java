package dev.orgapitokens.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The text summary of a JFR recording of one load (bench/run.sh --profile): which frames the
 * server's Java threads were in, by sample count, and how much of it runs under our code. A
 * sample is "ours" when its innermost frame of the extension is not an entry point that hands over
 * to Keycloak's shared token machinery (the grant's {@code process}, the gateway's resource): then
 * the extension either runs itself or asked Keycloak for something the other request does not ask
 * for. The callee tables under each entry point set the two grants side by side. JFR samples Java
 * threads only (no GC, no JIT compiler threads).
 */
public final class ProfileSummary {

    static final String OURS = "dev.orgapitokens.";
    /** Where a request enters our code and, below it, Keycloak's token machinery takes over. */
    static final Set<String> ENTRY_POINTS = Set.of(
            "dev.orgapitokens.login.ApiKeyGrantType.process",
            "dev.orgapitokens.rest.GatewayResource.get",
            "dev.orgapitokens.rest.GatewayResource.check",
            "dev.orgapitokens.rest.RealmTokensResource.authorize");
    /** Frames whose callees the summary lists (ours and Keycloak's counterparts). */
    static final List<String> BREAKDOWNS = List.of(
            "dev.orgapitokens.login.ApiKeyGrantType.process",
            "org.keycloak.protocol.oidc.grants.ClientCredentialsGrantType.process",
            "org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase.createTokenResponse",
            "org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase.createTokenResponseBuilder",
            "org.keycloak.protocol.oidc.TokenManager.createClientAccessToken",
            "org.keycloak.protocol.oidc.TokenManager.transformAccessToken",
            "org.keycloak.protocol.oidc.endpoints.TokenEndpoint.processGrantRequest",
            "dev.orgapitokens.login.GatewayCheck.answer",
            "dev.orgapitokens.login.KeyVerifier.verify",
            "dev.orgapitokens.login.KeyVerifier.decide",
            "dev.orgapitokens.login.KeyLoginSession.open",
            "org.keycloak.models.cache.infinispan.UserCacheSession.getUserById",
            "org.keycloak.events.EventBuilder.success",
            "org.keycloak.services.DefaultKeycloakSession.close");

    private ProfileSummary() {
    }

    /** {@code ProfileSummary <name> <file.jfr>...}: prints each summary. */
    public static void main(String[] args) throws IOException {
        for (int i = 0; i + 1 < args.length; i += 2) System.out.println(summarize(args[i], List.of(Path.of(args[i + 1])), Double.NaN));
    }

    /** The summary of one recording; {@code requests}: how many requests the load answered meanwhile (NaN if unknown). */
    public static String summarize(String name, List<Path> recordings, double requests) throws IOException {
        int total = 0;
        int request = 0; // samples on Quarkus' worker and event-loop threads
        int ours = 0;
        int underOurCode = 0;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> ourInnermost = new HashMap<>();
        Map<String, Map<String, Integer>> callees = new HashMap<>();
        List<RecordedEvent> events = new ArrayList<>();
        for (Path jfr : recordings) events.addAll(RecordingFile.readAllEvents(jfr));
        for (RecordedEvent event : events) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) continue;
            total++;
            String thread = event.getThread("sampledThread") == null ? "" : String.valueOf(event.getThread("sampledThread").getJavaName());
            if (thread.startsWith("executor-thread") || thread.startsWith("vert.x-eventloop")) request++;
            List<RecordedFrame> frames = stack.getFrames(); // leaf first
            List<String> names = new ArrayList<>(frames.size());
            for (RecordedFrame f : frames) names.add(name(f.getMethod()));
            self.merge(names.get(0), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            String innermostOurs = null;
            for (int d = 0; d < names.size(); d++) {
                String n = names.get(d);
                if (innermostOurs == null && n.startsWith(OURS)) innermostOurs = n;
                if (seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                    if (BREAKDOWNS.contains(n)) {
                        String callee = d == 0 ? "(self)" : names.get(d - 1);
                        callees.computeIfAbsent(n, k -> new HashMap<>()).merge(callee, 1, Integer::sum);
                    }
                }
            }
            if (innermostOurs != null) {
                underOurCode++;
                if (!ENTRY_POINTS.contains(innermostOurs)) {
                    ours++;
                    ourInnermost.merge(innermostOurs, 1, Integer::sum);
                }
            }
        }

        StringBuilder out = new StringBuilder();
        out.append("## ").append(name).append("\n\n");
        out.append(String.format(Locale.ROOT, "samples: %d (request threads %d)%s%n", total, request,
                Double.isNaN(requests) ? "" : String.format(Locale.ROOT, ", requests answered %.0f, samples per 1,000 requests %.1f",
                        requests, 1000.0 * total / requests)));
        out.append(String.format(Locale.ROOT, "under the extension's code: %d (%s); ours (innermost extension frame not an entry point): %d (%s)%n%n",
                underOurCode, pct(underOurCode, total), ours, pct(ours, total)));
        out.append("### ours, by innermost extension frame (what it runs, or asks Keycloak for)\n\n");
        table(out, ourInnermost, total, 25);
        out.append("### top frames, self (leaf)\n\n");
        table(out, self, total, 30);
        out.append("### top frames, inclusive (org.keycloak and the extension)\n\n");
        Map<String, Integer> keycloakInclusive = new LinkedHashMap<>();
        inclusive.forEach((k, v) -> {
            if (k.startsWith("org.keycloak.") || k.startsWith(OURS)) keycloakInclusive.put(k, v);
        });
        table(out, keycloakInclusive, total, 40);
        for (String frame : BREAKDOWNS) {
            Map<String, Integer> below = callees.get(frame);
            if (below == null) continue;
            out.append("### callees of ").append(frame).append(" (inclusive ").append(inclusive.get(frame)).append(", ")
                    .append(pct(inclusive.get(frame), total)).append(")\n\n");
            table(out, below, total, 15);
        }
        return out.toString();
    }

    private static void table(StringBuilder out, Map<String, Integer> counts, int total, int limit) {
        out.append("| samples | share | frame |\n| ---: | ---: | --- |\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.append(String.format(Locale.ROOT, "| %d | %s | %s%s |%n", e.getValue(), pct(e.getValue(), total),
                        e.getKey().startsWith(OURS) ? "**ours** " : "", e.getKey())));
        out.append('\n');
    }

    private static String pct(int n, int total) {
        return total == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * n / total);
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }
}
