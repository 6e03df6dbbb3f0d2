package io.vigil.core.socket;

import io.netty.channel.Channel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the {@link KernelInspector} for a channel among the {@link KernelInspectorProvider}s on the class path.
 *
 * <p><b>Thread safety:</b> thread-safe.
 *
 * @since 0.1
 */
public final class KernelInspectors {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KernelInspectors.class);
    private static final List<KernelInspectorProvider> PROVIDERS = load();

    private KernelInspectors() {
    }

    private static List<KernelInspectorProvider> load() {
        List<KernelInspectorProvider> found = new ArrayList<>();
        try {
            for (KernelInspectorProvider p : ServiceLoader.load(
                    KernelInspectorProvider.class, KernelInspectors.class.getClassLoader())) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            logger.warn("A KernelInspectorProvider could not be loaded; kernel evidence is off for its transport.", e);
        }
        return List.copyOf(found);
    }

    /**
     * Returns the inspector for a channel: the first provider's that knows it, otherwise
     * {@link KernelInspector#NONE}.
     *
     * @param channel the channel
     * @return never null
     */
    public static KernelInspector forChannel(Channel channel) {
        for (KernelInspectorProvider p : PROVIDERS) {
            KernelInspector inspector = p.inspectorFor(channel);
            if (inspector != null) {
                return inspector;
            }
        }
        return KernelInspector.NONE;
    }
}
