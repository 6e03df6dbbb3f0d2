package io.vigil.epoll.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A peer network namespace joined to this (the test JVM's) namespace by a veth pair, addressed from the
 * benchmarking range 198.18.0.0/15 with a random /30 per rig: the test's own sockets stay in this namespace; the
 * peer, a separate process ({@link PeerProcess}), runs in the namespace, whose counters then count only the
 * test's traffic. IPv6 is off on both ends of the pair and {@code rp_filter} is 0 in the peer namespace and on
 * this side's end.
 *
 * <p>Names are unique per run and carry this JVM's pid ({@code vigil-PID-N}, interfaces {@code vgPIDhN} and
 * {@code vgPIDpN}). {@link #close()} kills the peers and deletes the namespace (which deletes the pair); a shutdown
 * hook closes every rig still open, and the first rig of a run deletes rigs left behind by runs whose JVM is gone.
 *
 * <p><b>Thread safety:</b> rigs may be created and closed from any thread.
 */
final class NetnsRig implements AutoCloseable {

    private static final Pattern OWN_NAMESPACE = Pattern.compile("^vigil-(\\d+)-\\d+");
    private static final Set<NetnsRig> OPEN = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> SUBNETS = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(NetnsRig::close),
                "netns-rig-teardown"));
        sweepStale();
    }

    private final String namespace;
    private final String hostInterface;
    private final String peerInterface;
    private final int subnet;
    private final String hostAddress;
    private final String peerAddress;
    private final List<PeerProcess> peers = new ArrayList<>();
    private boolean closed;

    private NetnsRig(int n, int subnet) {
        this.namespace = "vigil-" + PID + "-" + n;
        this.hostInterface = "vg" + PID + "h" + n;
        this.peerInterface = "vg" + PID + "p" + n;
        this.subnet = subnet;
        int base = (198 << 24) | (18 << 16) | (subnet << 2);
        this.hostAddress = dotted(base + 1);
        this.peerAddress = dotted(base + 2);
    }

    /**
     * Skips the calling test, saying why, where namespaces cannot be made here (not root, or no {@code ip netns});
     * under {@code CI=true} fails it instead.
     */
    static void assumeAvailable() {
        String why = null;
        if (!isRoot()) {
            why = "the real-kernel tests need root for network namespaces; this JVM runs as uid " + uid();
        } else {
            try {
                Shell.Result r = Shell.tryRun("ip", "netns", "list");
                if (r.exit() != 0) {
                    why = "'ip netns list' failed (" + r.exit() + "): " + r.output().strip();
                }
            } catch (IOException e) {
                why = "the 'ip' command (iproute2) is not available: " + e.getMessage();
            }
        }
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true, so the real-kernel tests must run, but " + why);
            }
            Assumptions.abort("Skipped: " + why);
        }
    }

    /**
     * Creates a rig.
     *
     * @return the rig, registered for teardown
     * @throws IOException if a command fails (the partial rig is torn down)
     */
    static NetnsRig create() throws IOException {
        NetnsRig rig = new NetnsRig(SEQUENCE.incrementAndGet(), freeSubnet());
        OPEN.add(rig);
        try {
            rig.setUp();
        } catch (IOException | RuntimeException e) {
            rig.close();
            throw e;
        }
        return rig;
    }

    private void setUp() throws IOException {
        Shell.run("ip", "netns", "add", namespace);
        Shell.run("ip", "link", "add", hostInterface, "type", "veth", "peer", "name", peerInterface,
                "netns", namespace);
        writeSysctl("net/ipv6/conf/" + hostInterface + "/disable_ipv6", "1");
        writeSysctl("net/ipv4/conf/" + hostInterface + "/rp_filter", "0");
        Shell.run("ip", "addr", "add", hostAddress + "/30", "dev", hostInterface);
        Shell.run("ip", "link", "set", hostInterface, "up");
        Shell.run("ip", "netns", "exec", namespace, "sysctl", "-q", "-w",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf." + peerInterface + ".rp_filter=0",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf." + peerInterface + ".disable_ipv6=1");
        Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
        Shell.run("ip", "-n", namespace, "addr", "add", peerAddress + "/30", "dev", peerInterface);
        Shell.run("ip", "-n", namespace, "link", "set", peerInterface, "up");
        // A permanent neighbour entry for the peer on our veth end: once the peer is silenced, the entry would go
        // stale after 15-45 s and the kernel's probes would wait on address resolution (a probe that cannot be sent
        // is retried 500 ms later, uncounted), which is not what the tests measure.
        String link = Shell.run("ip", "-n", namespace, "-o", "link", "show", peerInterface);
        Matcher mac = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(link);
        if (mac.find()) {
            Shell.run("ip", "neigh", "replace", peerAddress, "lladdr", mac.group(1), "dev", hostInterface, "nud",
                    "permanent");
        }
    }

    private static void writeSysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII);
    }

    /**
     * Returns this namespace's address, on this side's end of the pair.
     *
     * @return dotted IPv4
     */
    String hostAddress() {
        return hostAddress;
    }

    /**
     * Returns the peer namespace's address.
     *
     * @return dotted IPv4
     */
    String peerAddress() {
        return peerAddress;
    }

    /**
     * Returns the peer namespace's name.
     *
     * @return the name
     */
    String namespace() {
        return namespace;
    }

    /**
     * Starts a {@link PeerMain} in the peer namespace and waits (bounded) for its first line.
     *
     * @param args its arguments
     * @return the running peer, killed by {@link #close()}
     * @throws IOException if it cannot start or does not report in time
     */
    PeerProcess startPeer(String... args) throws IOException {
        PeerProcess peer = PeerProcess.start(namespace, args);
        synchronized (this) {
            peers.add(peer);
        }
        return peer;
    }

    /**
     * Makes the peer silent: a blackhole route to this side's address in the peer namespace drops everything the
     * peer sends (each dropped packet counts in the peer namespace's {@code IpOutNoRoutes}); what this side sends
     * still arrives.
     *
     * @throws IOException if the route cannot be added
     */
    void blackholePeerOutput() throws IOException {
        Shell.run("ip", "-n", namespace, "route", "add", "blackhole", hostAddress + "/32");
    }

    /**
     * Reads the peer namespace's {@code Ip: OutNoRoutes} counter from {@code /proc/net/snmp}.
     *
     * @return the count
     * @throws IOException if it cannot be read
     */
    long ipOutNoRoutes() throws IOException {
        String snmp = Shell.run("ip", "netns", "exec", namespace, "cat", "/proc/net/snmp");
        String[] header = null;
        for (String line : snmp.split("\n")) {
            if (!line.startsWith("Ip: ")) {
                continue;
            }
            String[] fields = line.substring(4).trim().split("\\s+");
            if (header == null) {
                header = fields;
            } else {
                for (int i = 0; i < header.length; i++) {
                    if (header[i].equals("OutNoRoutes")) {
                        return Long.parseLong(fields[i]);
                    }
                }
            }
        }
        throw new IOException("no Ip OutNoRoutes in /proc/net/snmp of " + namespace + ":\n" + snmp);
    }

    /** Kills the peers, deletes the namespace and with it the veth pair. Idempotent; never throws. */
    @Override
    public void close() {
        List<PeerProcess> toKill;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toKill = new ArrayList<>(peers);
        }
        toKill.forEach(PeerProcess::close);
        try {
            killAll(namespace);
            Shell.tryRun("ip", "link", "del", hostInterface);
            Shell.tryRun("ip", "netns", "del", namespace);
        } catch (IOException e) {
            System.err.println("netns rig teardown of " + namespace + " failed: " + e);
        }
        SUBNETS.remove(subnet);
        OPEN.remove(this);
    }

    @Override
    public String toString() {
        return namespace + " (" + hostAddress + " <-> " + peerAddress + ")";
    }

    /** Kills whatever still runs in a namespace: a process left there keeps the namespace and the pair alive. */
    private static void killAll(String namespace) throws IOException {
        Shell.Result pids = Shell.tryRun("ip", "netns", "pids", namespace);
        if (pids.exit() != 0) {
            return;
        }
        for (String pid : pids.output().trim().split("\\s+")) {
            if (!pid.isEmpty()) {
                Shell.tryRun("kill", "-CONT", pid);
                Shell.tryRun("kill", "-KILL", pid);
            }
        }
    }

    /** Deletes the namespaces (and so the veth pairs) of earlier runs whose JVM no longer exists. */
    private static void sweepStale() {
        try {
            Shell.Result list = Shell.tryRun("ip", "netns", "list");
            if (list.exit() != 0) {
                return;
            }
            for (String line : list.output().split("\n")) {
                Matcher m = OWN_NAMESPACE.matcher(line.trim());
                if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    String ns = line.trim().split("\\s+")[0];
                    killAll(ns);
                    Shell.tryRun("ip", "netns", "del", ns);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("sweeping stale vigil namespaces failed: " + e);
        }
    }

    /** Picks a /30 of 198.18.0.0/15 that no rig of this JVM uses and no interface of this namespace holds. */
    private static int freeSubnet() throws IOException {
        String inUse = Shell.run("ip", "-4", "-o", "addr", "show");
        for (int attempt = 0; attempt < 64; attempt++) {
            int subnet = ThreadLocalRandom.current().nextInt(1, 1 << 15);
            int base = (198 << 24) | (18 << 16) | (subnet << 2);
            boolean taken = false;
            for (int host = 0; host < 4 && !taken; host++) {
                taken = inUse.contains(" " + dotted(base + host) + "/");
            }
            if (!taken && SUBNETS.add(subnet)) {
                return subnet;
            }
        }
        throw new IOException("no free /30 found in 198.18.0.0/15");
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
                + (address & 0xff);
    }

    private static boolean isRoot() {
        return "0".equals(uid());
    }

    private static String uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1];
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }
}
