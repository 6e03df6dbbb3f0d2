package io.vigil.examples.demo.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The far end of a demo connection, run in a child JVM ({@link PeerProcess}) so that it can be stopped with
 * {@code SIGSTOP} and put in a network namespace. Plain JDK blocking sockets, no Netty, no Vigil, no keepalive of
 * its own. It speaks the heartbeat framing ({@code DATA 0x00 len payload}, {@code PING 0x01 id}, {@code PONG 0x02
 * id}): it answers every {@code PING} and echoes a {@code DATA} payload that starts with {@code 'E'} with the
 * {@code 'E'} turned into {@code 'e'}.
 *
 * <pre>
 *   client HOST PORT[,PORT...] [TALK PERIOD_MS]   one connection per port; sends TALK "hello n" messages, one every
 *                                                 PERIOD_MS, then stays quiet and only answers
 *   sink HOST PORT[,PORT...] RCVBUF CHUNK PERIOD_MS   one connection per port with SO_RCVBUF = RCVBUF; reads CHUNK
 *                                                 bytes every PERIOD_MS and discards them, until told to stop
 * </pre>
 * It prints {@code CONNECTED pid localPort,...} once connected. Commands come as lines on standard input
 * ({@code stop-draining}); the process exits when its standard input closes, so it never outlives the demo.
 *
 * <p><b>Thread safety:</b> a program: one thread per connection, one for the commands.
 */
public final class PeerMain {

    /** The command that makes a sink stop reading (the window closes, the socket stays open). */
    public static final String STOP_DRAINING = "stop-draining";

    private static volatile boolean draining = true;

    private PeerMain() {
    }

    /**
     * Runs the peer.
     *
     * @param args see the class comment
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<Socket> sockets = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        for (String port : args[2].split(",")) {
            Socket s = new Socket();
            if (mode.equals("sink")) {
                s.setReceiveBufferSize(Integer.parseInt(args[3]));
            }
            s.connect(new InetSocketAddress(args[1], Integer.parseInt(port)), 10_000);
            sockets.add(s);
            ports.append(ports.length() == 0 ? "" : ",").append(s.getLocalPort());
        }
        say("CONNECTED " + ProcessHandle.current().pid() + " " + ports);
        for (Socket s : sockets) {
            Runnable work = mode.equals("sink")
                    ? () -> sink(s, Integer.parseInt(args[4]), Long.parseLong(args[5]))
                    : () -> serve(s, args.length > 3 ? Integer.parseInt(args[3]) : 0,
                            args.length > 4 ? Long.parseLong(args[4]) : 0);
            Thread t = new Thread(work, "peer-" + s.getLocalPort());
            t.setDaemon(true);
            t.start();
        }
        readCommands();
    }

    private static void serve(Socket s, int talk, long periodMillis) {
        try (s) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            if (talk > 0) {
                Thread talker = new Thread(() -> talk(out, talk, periodMillis), "talk-" + s.getLocalPort());
                talker.setDaemon(true);
                talker.start();
            }
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
                    }
                } else if (type == 1) {
                    long id = in.readLong();
                    synchronized (out) {
                        out.write(2);
                        out.writeLong(id);
                        out.flush();
                    }
                } else {
                    in.readLong();
                }
            }
        } catch (IOException e) {
            say("CLOSED " + s.getLocalPort() + " " + e.getMessage());
        }
    }

    private static void talk(DataOutputStream out, int count, long periodMillis) {
        try {
            for (int i = 1; i <= count; i++) {
                writeData(out, ("hello " + i).getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(periodMillis);
            }
        } catch (IOException | InterruptedException e) {
            say("TALK ended: " + e.getMessage());
        }
    }

    private static void sink(Socket s, int chunk, long periodMillis) {
        byte[] buffer = new byte[chunk];
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                Thread.sleep(periodMillis);
                if (!draining) {
                    continue;
                }
                for (int taken = 0; taken < chunk; ) {
                    int n = in.read(buffer, taken, chunk - taken);
                    if (n < 0) {
                        return;
                    }
                    taken += n;
                }
            }
        } catch (IOException | InterruptedException e) {
            say("CLOSED " + s.getLocalPort() + " " + e.getMessage());
        }
    }

    private static void writeData(DataOutputStream out, byte[] payload) throws IOException {
        synchronized (out) {
            out.write(0);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Reads commands from standard input; its end means the demo is gone. */
    private static void readCommands() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals(STOP_DRAINING)) {
                    draining = false;
                    say("STOPPED draining");
                }
            }
        } catch (IOException ignored) {
            // Treated as the demo gone.
        }
        System.exit(0);
    }
}
