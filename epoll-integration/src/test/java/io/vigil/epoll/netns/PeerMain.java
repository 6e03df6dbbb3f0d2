package io.vigil.epoll.netns;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The far end of a real-kernel test, run in its own process inside the peer namespace (started by
 * {@link PeerProcess} with {@code ip netns exec}), so that it can be stopped with {@code SIGSTOP}. Plain JDK
 * blocking sockets, no Netty, no keepalive of its own. It speaks Vigil's heartbeat framing
 * ({@code DATA 0x00 len payload}, {@code PING 0x01 id}, {@code PONG 0x02 id}): it answers every {@code PING}, echoes
 * a {@code DATA} payload that starts with {@code 'E'} with the {@code 'E'} turned into {@code 'e'}, echoes one that
 * starts with {@code 'D'} and a number of milliseconds ({@code "D60"}) the same way after that delay, and ignores
 * everything else.
 *
 * <pre>
 *   server BIND_IP     listen on an ephemeral port, print "READY pid port", serve every connection
 *   client IP PORT     connect, print "CONNECTED pid localPort", send DATA "E1", serve the connection
 * </pre>
 * The process exits when its standard input closes (the test JVM ended), so it never outlives its test.
 */
public final class PeerMain {

    private PeerMain() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code server IP} or {@code client IP PORT}
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(PeerMain::exitWhenParentGone, "stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        long pid = ProcessHandle.current().pid();
        if (args[0].equals("server")) {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(args[1], 0));
            say("READY " + pid + " " + server.getLocalPort());
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "peer-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        } else {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 10_000);
            say("CONNECTED " + pid + " " + s.getLocalPort());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            writeData(out, "E1".getBytes(StandardCharsets.US_ASCII));
            serve(s);
        }
    }

    private static void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                if (type == 0) {
                    byte[] payload = new byte[in.readInt()];
                    in.readFully(payload);
                    if (payload.length > 0 && payload[0] == 'E') {
                        payload[0] = 'e';
                        writeData(out, payload);
                    } else if (payload.length > 1 && payload[0] == 'D') {
                        sleep(Long.parseLong(new String(payload, 1, payload.length - 1, StandardCharsets.US_ASCII)));
                        payload[0] = 'e';
                        writeData(out, payload);
                    }
                } else if (type == 1) {
                    long id = in.readLong();
                    out.write(2);
                    out.writeLong(id);
                    out.flush();
                } else {
                    in.readLong();
                }
            }
        } catch (IOException e) {
            say("CLOSED " + s.getPort() + " " + e.getMessage());
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void writeData(DataOutputStream out, byte[] payload) throws IOException {
        out.write(0);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void exitWhenParentGone() {
        try {
            InputStream in = System.in;
            while (in.read() >= 0) {
                // Nothing is sent on stdin; it only closes when the test JVM is gone.
            }
        } catch (IOException ignored) {
            // Treated as the parent gone.
        }
        System.exit(0);
    }
}
