package dev.lookalike.web;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which addresses a pasted photo URL may reach (no name lookups: literal addresses only). */
class PhotoFetcherTest {

    static boolean isPublic(String literal) throws Exception {
        return PhotoFetcher.isPublic(InetAddress.getByName(literal));
    }

    @Test
    void privateLoopbackLinkLocalAndReservedAddressesAreRefused() throws Exception {
        for (String a : new String[] {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                "198.18.0.1", "192.0.0.8", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1",
                "::ffff:10.1.1.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "ff02::1"}) {
            assertFalse(isPublic(a), a);
        }
    }

    @Test
    void publicAddressesAreAllowed() throws Exception {
        for (String a : new String[] {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                "2606:4700::6810:85e5", "2002:5db8:d822::1"}) {
            assertTrue(isPublic(a), a);
        }
    }

    @Test
    void onlyHttpUrlsWithAHostAndNoUser() {
        assertEquals("shop.example", PhotoFetcher.parse("https://shop.example/a.jpg").getHost());
        for (String bad : new String[] {"file:///etc/passwd", "ftp://x/y.jpg", "gopher://x", "http:///x.jpg",
                "https://user:pw@shop.example/a.jpg", "not a url", "javascript:alert(1)"}) {
            WebProblem p = assertThrows(WebProblem.class, () -> PhotoFetcher.parse(bad), bad);
            assertEquals(400, p.status());
        }
    }
}
