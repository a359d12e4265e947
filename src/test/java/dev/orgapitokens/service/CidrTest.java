package dev.orgapitokens.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4Networks() {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertTrue(net.contains("10.1.255.3"));
        assertFalse(net.contains("10.2.0.1"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("203.0.113.9"));
        assertTrue(Cidr.parse("192.168.1.7").contains("192.168.1.7"));
        assertFalse(Cidr.parse("192.168.1.7").contains("192.168.1.8"));
        assertTrue(Cidr.parse("10.0.0.0/9").contains("10.127.0.1"));
        assertFalse(Cidr.parse("10.0.0.0/9").contains("10.128.0.1"));
    }

    @Test
    void ipv6NetworksAndMappedIpv4() {
        Cidr net = Cidr.parse("2001:db8::/32");
        assertTrue(net.contains("2001:db8:1::5"));
        assertFalse(net.contains("2001:db9::1"));
        assertFalse(net.contains("10.0.0.1"), "families do not mix");
        assertTrue(Cidr.parse("10.0.0.0/8").contains("::ffff:10.9.8.7"));
        assertTrue(Cidr.parse("::1").contains("0:0:0:0:0:0:0:1"));
        assertTrue(Cidr.parse("::ffff:10.0.0.0/104").contains("10.1.2.3"), "an IPv4-mapped network takes IPv6 prefix lengths");
        assertFalse(Cidr.parse("::ffff:10.0.0.0/104").contains("11.1.2.3"));
        assertFalse(Cidr.parse("::/0").contains("not-an-address"));
    }

    /** SPEC §7: an IPv4-mapped network covers exactly the IPv4 network it maps; under /96 it would reach every IPv4 client. */
    @Test
    void mappedNetworksCoverExactlyTheirIpv4Network() {
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        Cidr plain = Cidr.parse("10.0.0.0/8");
        for (String address : new String[] {"10.0.0.0", "10.255.255.255", "9.255.255.255", "11.0.0.0", "127.0.0.1", "203.0.113.9",
                "::ffff:10.1.2.3", "::ffff:11.1.2.3", "::1", "2001:db8::1", "::a01:203"}) {
            assertEquals(plain.contains(address), mapped.contains(address), address);
        }
        assertTrue(Cidr.parse("::ffff:0:0/96").contains("203.0.113.9"), "/96: every IPv4 address, as 0.0.0.0/0");
        assertFalse(Cidr.parse("::ffff:0:0/96").contains("2001:db8::1"), "... and no IPv6 one");
        assertTrue(Cidr.parse("::ffff:0a00:0000/104").contains("10.9.9.9"), "the hex form alike");
        assertTrue(Cidr.parse("::ffff:10.1.2.3").contains("10.1.2.3"), "a mapped host");
        assertFalse(Cidr.parse("::ffff:10.1.2.3").contains("10.1.2.4"));
    }

    @Test
    void aMappedPrefixUnder96IsRefused() {
        for (String bad : new String[] {"::ffff:10.0.0.0/8", "::ffff:10.0.0.0/95", "::ffff:0:0/0", "::FFFF:10.0.0.0/64", "0:0:0:0:0:ffff:a00:0/80"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
            assertTrue(e.getMessage().contains("prefix under 96"), e.getMessage());
        }
    }

    @Test
    void storedCidrsThatNoLongerParseContainNothing() {
        assertFalse(Cidr.anyContains(java.util.List.of("::ffff:10.0.0.0/8"), "203.0.113.9"), "fails closed");
        assertTrue(Cidr.anyContains(java.util.List.of("::ffff:10.0.0.0/8", "203.0.113.0/24"), "203.0.113.9"));
    }

    @Test
    void rejectsWhatIsNotALiteralCidr() {
        for (String bad : new String[] {"", "example.com", "localhost", "10.0.0.0/33", "10.0.0/8", "256.0.0.1",
                "10.0.0.0/-1", "10.0.0.0/", "2001:db8::/129", "10.0.0.0/8 ", "1.2.3.4/08x"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertFalse(Cidr.parse("10.0.0.0/8").contains("not-an-address"));
    }
}
