package io.firebreak.functions.statuspage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Where a stranger's webhook may never make firebreak post: every private, shared, metadata or embedded address. */
class SubscriptionsTest {

    static boolean open(String literal) throws Exception {
        return Subscriptions.publicAddress(InetAddress.getByName(literal));
    }

    @Test
    void onlyPublicAddressesAreDeliverable() throws Exception {
        for (String refused : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
            "100.100.100.200", "0.0.0.0", "0.1.2.3", "198.18.0.1", "240.0.0.1", "255.255.255.255", "224.0.0.1", "::1",
            "::", "::a9fe:a9fe", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "fd00::1", "fe80::1", "ff02::1",
            "2001:db8::1"}) {
            assertFalse(open(refused), refused + " is refused");
        }
        for (String allowed : new String[] {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"}) {
            assertTrue(open(allowed), allowed + " is a public address");
        }
        assertTrue(Subscriptions.privateHost("no-such-host.invalid"), "an unresolvable name is never posted to");
    }
}
