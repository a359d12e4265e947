package dev.orgapitokens.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network. Parsing accepts only address literals (never a host name, so no DNS
 * lookup can happen); a bare address means that single host.
 */
public final class Cidr {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** @throws IllegalArgumentException with a message fit for an API client */
    public static Cidr parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a CIDR must not be empty");
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)");
        }
        boolean ipv4 = IPV4.matcher(address).matches();
        int maxPrefix = ipv4 ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > maxPrefix) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + maxPrefix);
            }
            prefix = Integer.parseInt(digits);
        }
        // An IPv4-mapped network (::ffff:a.b.c.d/96+n) covers exactly the IPv4 network a.b.c.d/n. A
        // shorter prefix would reach past ::ffff:0:0/96 and admit every IPv4 client: refuse it.
        if (!ipv4 && isMapped(bytes) && prefix < 96) {
            throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped address with a prefix under 96, which would"
                    + " admit every IPv4 client; write the IPv4 network (e.g. 10.0.0.0/8) or add 96 to its prefix (::ffff:10.0.0.0/104)");
        }
        // IPv4 networks are kept as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n), so both families compare alike.
        return new Cidr(bytes, ipv4 ? 96 + prefix : prefix);
    }

    public boolean contains(String address) {
        byte[] candidate = literal(address);
        if (candidate == null) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) return false;
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) return true;
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static byte[] literal(String address) {
        if (address == null) return null;
        boolean v4 = IPV4.matcher(address).matches();
        if (v4) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) return null;
            }
        } else if (!IPV6.matcher(address).matches()) {
            return null;
        }
        try {
            // Safe: the patterns above admit only literals, which InetAddress parses without DNS.
            return mapped(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the 16 bytes are an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
    private static boolean isMapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) return false;
        }
        return v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF;
    }

    /**
     * Whether any of the stored CIDRs contains the address; one that no longer parses (stored before
     * a rule was tightened) contains nothing, so such a token fails closed.
     */
    public static boolean anyContains(java.util.List<String> cidrs, String address) {
        for (String cidr : cidrs) {
            try {
                if (parse(cidr).contains(address)) return true;
            } catch (IllegalArgumentException stale) {
                // fail closed
            }
        }
        return false;
    }

    /** Every address as 16 bytes: IPv4 a.b.c.d becomes ::ffff:a.b.c.d, the same address to a dual-stack server. */
    private static byte[] mapped(byte[] bytes) {
        if (bytes.length == 16) return bytes;
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xFF;
        v6[11] = (byte) 0xFF;
        System.arraycopy(bytes, 0, v6, 12, 4);
        return v6;
    }
}
