package io.vigil.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what Netty's pipeline tail logs (its "unhandled exception" warnings) through {@code java.util.logging},
 * which Netty uses when neither SLF4J nor Log4j is on the class path, as in these tests. Close it to stop.
 */
public final class TailLog extends Handler implements AutoCloseable {

    /** The logger of {@code io.netty.channel.DefaultChannelPipeline}, where the tail logs. */
    public static final String LOGGER = "io.netty.channel.DefaultChannelPipeline";

    private final Logger logger = Logger.getLogger(LOGGER);
    private final List<LogRecord> records = new ArrayList<>();

    private TailLog() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /**
     * Starts capturing.
     *
     * @return the capture
     */
    public static TailLog capture() {
        return new TailLog();
    }

    /**
     * Returns the records captured at {@code WARNING} or above.
     *
     * @return the messages, with the thrown exception's class
     */
    public synchronized List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                out.add(r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown().getClass().getName()));
            }
        }
        return out;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
