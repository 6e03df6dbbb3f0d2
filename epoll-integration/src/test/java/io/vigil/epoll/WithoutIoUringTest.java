package io.vigil.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.vigil.core.kernel.KernelOptionsReport;
import io.vigil.core.policy.KeepAlivePolicy;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import io.vigil.core.socket.KernelAccessProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that the io_uring natives are optional in vigil-epoll: with {@code netty-transport-classes-io_uring} and
 * {@code netty-transport-native-io_uring} absent from the class path, the provider loads, says it serves epoll
 * only, and epoll sockets still get and report every option.
 *
 * <p>Run only by the surefire execution {@code without-io_uring} of this module's pom, whose class path leaves out
 * both io_uring artifacts; the default execution excludes it (selected with {@code -Dtest} in the default execution,
 * where io_uring is present, it fails).
 */
@Timeout(30)
class WithoutIoUringTest {

    @Test
    void ioUringIsReallyAbsentFromTheClassPath() {
        for (String name : List.of("io.netty.channel.uring.IoUringSocketChannel", "io.netty.channel.uring.IoUring")) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void theProviderLoadsAndServesEpollAlone() {
        List<KernelAccessProvider> providers = ServiceLoader.load(KernelAccessProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(providers).singleElement().hasToString("NativeKernelProvider(epoll)");
    }

    @Test
    void epollSocketsGetAndReportEveryOption() throws Exception {
        Epoll.ensureAvailability();
        KernelOptionsReport report = NativeChannelOptionsTest.readBackThroughChildOptions(KeepAlivePolicy.builder()
                .idle(Duration.ofSeconds(9)).interval(Duration.ofSeconds(3)).probes(2).build());
        assertThat(report.allApplied()).as(report.toString()).isTrue();
    }
}
