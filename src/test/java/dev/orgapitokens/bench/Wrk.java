package dev.orgapitokens.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk}, a load generator in C, for the gateway rounds. On two cores shared by the
 * server and the load, what the load generator spends per request is taken from the server: Java's
 * HttpClient spent about as much CPU per request as a 404 costs the server, which pulled every
 * ratio between a cheap answer and a dear one towards 1 (the unknown-path 404 reached only 3.8
 * times introspection's throughput). wrk spends a fraction of that, so the ratios come closer to
 * what the server spends. Its Lua hooks count answers with another status than the expected one,
 * and, for the unknown-keys load, make a fresh well-formed key (CRC32 checksum, as
 * {@code ApiKeys}) for every request. A benchmark key sits in the script, a temporary file only its
 * owner may read (POSIX default of {@code createTempFile}), for the window and no longer.
 */
final class Wrk {

    /**
     * One request, sent back to back on every connection (by wrk, or by the benchmark's HttpClient);
     * {@code freshKeyHeader}, when not null, carries a new well-formed key no token has in each request.
     */
    record Request(String method, String url, Map<String, String> headers, String body, String freshKeyHeader) {
        static Request get(String url, Map<String, String> headers) {
            return new Request("GET", url, headers, null, null);
        }

        static Request form(String url, String body) {
            return new Request("POST", url, Map.of("Content-Type", "application/x-www-form-urlencoded"), body, null);
        }

        static Request freshKeys(String url, String header) {
            return new Request("GET", url, Map.of(), null, header);
        }
    }

    record Result(long requests, double seconds, double p50Millis, double p99Millis, long unexpected) {
    }

    private static final Pattern RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) unexpected=(\\d+) errors=(\\d+)");

    private Wrk() {
    }

    /** Whether {@code wrk} is on the PATH (Debian's package {@code wrk}). */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static Result run(Request request, int connections, int seconds, int expectedStatus) throws IOException, InterruptedException {
        Path script = Files.createTempFile("bench-wrk-", ".lua");
        try {
            Files.writeString(script, script(request, expectedStatus), StandardCharsets.UTF_8);
            int threads = Math.min(2, connections);
            Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                    "-s", script.toString(), request.url()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not end");
            }
            Matcher m = RESULT.matcher(out);
            if (!m.find()) throw new IllegalStateException("wrk printed no result: " + out);
            return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6, Long.parseLong(m.group(3)) / 1e3,
                    Long.parseLong(m.group(4)) / 1e3, Long.parseLong(m.group(5)) + Long.parseLong(m.group(6)));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** The Lua script: the request, the status count, and the figures in one line {@link #RESULT} reads. */
    static String script(Request request, int expectedStatus) {
        StringBuilder lua = new StringBuilder();
        lua.append("wrk.method = ").append(quote(request.method())).append('\n');
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            lua.append("wrk.headers[").append(quote(h.getKey())).append("] = ").append(quote(h.getValue())).append('\n');
        }
        if (request.body() != null) lua.append("wrk.body = ").append(quote(request.body())).append('\n');
        lua.append("""
                local expected = %d
                local threads = {}
                local next_id = 0
                function setup(thread)
                  next_id = next_id + 1
                  thread:set("id", next_id)
                  table.insert(threads, thread)
                end
                function init(args)
                  unexpected = 0
                  math.randomseed(os.time() * 1000 + id * 7919)
                end
                function response(status, headers, body)
                  if status ~= expected then unexpected = unexpected + 1 end
                end
                function done(summary, latency, requests)
                  local u = 0
                  for _, t in ipairs(threads) do u = u + t:get("unexpected") end
                  local e = summary.errors
                  io.write(string.format("RESULT requests=%%d duration_us=%%d p50_us=%%d p99_us=%%d unexpected=%%d errors=%%d\\n",
                    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), u,
                    e.connect + e.read + e.write + e.timeout))
                end
                """.formatted(expectedStatus));
        if (request.freshKeyHeader() != null) {
            lua.append("""
                    local B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    local CRC = {}
                    for i = 0, 255 do
                      local c = i
                      for _ = 1, 8 do
                        if bit.band(c, 1) == 1 then c = bit.bxor(bit.rshift(c, 1), 0xEDB88320) else c = bit.rshift(c, 1) end
                      end
                      CRC[i] = c
                    end
                    local function crc32(s)
                      local c = 0xFFFFFFFF
                      for i = 1, #s do
                        c = bit.bxor(bit.rshift(c, 8), CRC[bit.band(bit.bxor(c, s:byte(i)), 0xFF)])
                      end
                      c = bit.bxor(c, 0xFFFFFFFF)
                      if c < 0 then c = c + 4294967296 end
                      return c
                    end
                    local chars = {}
                    function request()
                      chars[1] = "oat_"
                      for i = 2, %d do
                        local r = math.random(1, 62)
                        chars[i] = B62:sub(r, r)
                      end
                      local body = table.concat(chars)
                      local c = crc32(body)
                      local sum = {}
                      for i = %d, 1, -1 do
                        local d = c %% 62
                        sum[i] = B62:sub(d + 1, d + 1)
                        c = math.floor(c / 62)
                      end
                      wrk.headers[%s] = body .. table.concat(sum)
                      return wrk.format()
                    end
                    """.formatted(1 + 43, 6, quote(request.freshKeyHeader())));
        }
        return lua.toString();
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') q.append('\\').append(c);
            else if (c < 0x20) q.append(String.format(Locale.ROOT, "\\%03d", (int) c));
            else q.append(c);
        }
        return q.append('"').toString();
    }
}
