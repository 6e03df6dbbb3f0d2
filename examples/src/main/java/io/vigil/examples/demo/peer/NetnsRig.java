package io.vigil.examples.demo.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A peer network namespace joined to the demo's namespace by a veth pair, addressed from the benchmarking range
 * 198.18.0.0/15 (RFC 2544) with a random /30: the demo's sockets stay in its own namespace, the peer process runs in
 * the new one. {@link #blackholePeerOutput()} makes the peer vanish: a blackhole route in its namespace drops
 * everything it sends, while what the demo sends still arrives and is never answered.
 *
 * <p>Names are unique per run and carry the JVM's pid ({@code vigil-demo-PID-N}, interfaces {@code vdPIDhN} and
 * {@code vdPIDpN}). {@link #close()} deletes the namespace, which kills nothing by itself: close the peer processes
 * first. The first rig of a run deletes rigs left behind by runs whose JVM is gone (a {@code kill -9}). Needs root
 * and iproute2: see {@link #unavailableReason()}.
 *
 * <p><b>Thread safety:</b> rigs may be created and closed from any thread.
 */
public final class NetnsRig implements AutoCloseable {

    private static final Pattern OWN_NAMESPACE = Pattern.compile("^vigil-demo-(\\d+)-\\d+");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    private final String namespace;
    private final String hostInterface;
    private final String peerInterface;
    private final String hostAddress;
    private final String peerAddress;
    private boolean closed;

    private NetnsRig(int n, int subnet) {
        this.namespace = "vigil-demo-" + PID + "-" + n;
        this.hostInterface = "vd" + PID + "h" + n;
        this.peerInterface = "vd" + PID + "p" + n;
        int base = (198 << 24) | (18 << 16) | (subnet << 2);
        this.hostAddress = dotted(base + 1);
        this.peerAddress = dotted(base + 2);
    }

    /**
     * Tells why namespaces cannot be made here, if they cannot.
     *
     * @return null when they can (root and a working {@code ip netns}), otherwise the reason
     */
    public static @Nullable String unavailableReason() {
        String uid = uid();
        if (!"0".equals(uid)) {
            return "network namespaces need root; this JVM runs as uid " + uid;
        }
        try {
            Shell.Result r = Shell.tryRun("ip", "netns", "list");
            return r.exit() == 0 ? null : "'ip netns list' failed (" + r.exit() + "): " + r.output().strip();
        } catch (IOException e) {
            return "the 'ip' command (iproute2) is not available: " + e.getMessage();
        }
    }

    /**
     * Creates a rig.
     *
     * @return the rig; close it
     * @throws IOException if a command fails (the partial rig is torn down)
     */
    public static NetnsRig create() throws IOException {
        if (SEQUENCE.get() == 0) {
            sweepStale();
        }
        NetnsRig rig = new NetnsRig(SEQUENCE.incrementAndGet(), freeSubnet());
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
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf", hostInterface, "disable_ipv6"), "1",
                StandardCharsets.US_ASCII);
        Shell.run("ip", "addr", "add", hostAddress + "/30", "dev", hostInterface);
        Shell.run("ip", "link", "set", hostInterface, "up");
        // rp_filter off in the peer namespace: with it on, the blackhole route would also drop what arrives there
        // (the reverse path check fails), and the demo's probes must arrive and go unanswered.
        Shell.run("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf." + peerInterface + ".rp_filter=0");
        Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
        Shell.run("ip", "-n", namespace, "addr", "add", peerAddress + "/30", "dev", peerInterface);
        Shell.run("ip", "-n", namespace, "link", "set", peerInterface, "up");
    }

    /**
     * Returns the demo's address on its end of the pair, where the peer connects to.
     *
     * @return dotted IPv4
     */
    public String hostAddress() {
        return hostAddress;
    }

    /**
     * Returns the command prefix that runs a program in the peer namespace.
     *
     * @return {@code ip netns exec NAME}
     */
    public List<String> exec() {
        return List.of("ip", "netns", "exec", namespace);
    }

    /**
     * Makes the peer vanish: a blackhole route in its namespace drops all it sends to the demo.
     *
     * @throws IOException if the route cannot be added
     */
    public void blackholePeerOutput() throws IOException {
        Shell.run("ip", "-n", namespace, "route", "add", "blackhole", hostAddress + "/32");
    }

    /** Deletes the namespace and with it the veth pair, after killing whatever still runs in it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            killAll(namespace);
            Shell.tryRun("ip", "link", "del", hostInterface);
            Shell.tryRun("ip", "netns", "del", namespace);
        } catch (IOException e) {
            System.err.println("tearing down network namespace " + namespace + " failed: " + e);
        }
    }

    @Override
    public String toString() {
        return "network namespace " + namespace + " (" + hostAddress + " <-> " + peerAddress + ")";
    }

    /** A process left in a namespace keeps it (and the pair) alive. */
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

    private static void sweepStale() {
        try {
            Shell.Result list = Shell.tryRun("ip", "netns", "list");
            for (String line : list.exit() == 0 ? list.output().split("\n") : new String[0]) {
                Matcher m = OWN_NAMESPACE.matcher(line.trim());
                if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    String ns = line.trim().split("\\s+")[0];
                    killAll(ns);
                    Shell.tryRun("ip", "netns", "del", ns);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("sweeping stale demo namespaces failed: " + e);
        }
    }

    /** A /30 of 198.18.0.0/15 that no interface of this namespace holds. */
    private static int freeSubnet() throws IOException {
        String inUse = Shell.run("ip", "-4", "-o", "addr", "show");
        for (int attempt = 0; attempt < 64; attempt++) {
            int subnet = ThreadLocalRandom.current().nextInt(1, 1 << 15);
            int base = (198 << 24) | (18 << 16) | (subnet << 2);
            if (!inUse.contains(" " + dotted(base + 1) + "/") && !inUse.contains(" " + dotted(base + 2) + "/")) {
                return subnet;
            }
        }
        throw new IOException("no free /30 found in 198.18.0.0/15");
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
                + (address & 0xff);
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
