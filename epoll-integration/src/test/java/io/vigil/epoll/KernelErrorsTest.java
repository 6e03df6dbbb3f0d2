package io.vigil.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vigil.core.event.DeathReason;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which native socket errors are the kernel's verdicts, on Netty's own exception type (end to end: the netns tests). */
class KernelErrorsTest {

    @BeforeAll
    static void nativeLibraryLoaded() {
        Epoll.ensureAvailability();
    }

    @Test
    void timedOutIsTheKernelsTimeoutVerdict() {
        Errors.NativeIoException e = new Errors.NativeIoException("readAddress", -KernelErrors.ETIMEDOUT);
        assertThat(e.getMessage()).as("110 is ETIMEDOUT here").endsWith("Connection timed out");
        assertThat(KernelErrors.classify(e)).isEqualTo(DeathReason.KERNEL_TIMEOUT);
        assertThat(EpollKernelInspector.INSTANCE.classify(e)).isEqualTo(DeathReason.KERNEL_TIMEOUT);
    }

    @Test
    void unreachableHostOrNetworkIsTheKernelsUnreachableVerdict() {
        assertThat(KernelErrors.classify(new Errors.NativeIoException("writev", Errors.ERROR_EHOSTUNREACH_NEGATIVE)))
                .isEqualTo(DeathReason.KERNEL_UNREACHABLE);
        assertThat(KernelErrors.classify(new Errors.NativeIoException("writev", Errors.ERROR_ENETUNREACH_NEGATIVE)))
                .isEqualTo(DeathReason.KERNEL_UNREACHABLE);
    }

    @Test
    void theKernelsErrorIsFoundBehindNettysClosedChannelException() {
        IOException closed = new java.nio.channels.ClosedChannelException();
        closed.initCause(new Errors.NativeIoException("writevAddresses", -KernelErrors.ETIMEDOUT));
        assertThat(KernelErrors.classify(closed)).isEqualTo(DeathReason.KERNEL_TIMEOUT);
    }

    @Test
    void otherErrorsAreNotVerdicts() {
        assertThat(KernelErrors.classify(new Errors.NativeIoException("read", Errors.ERRNO_ECONNRESET_NEGATIVE)))
                .isNull();
        assertThat(KernelErrors.classify(new Errors.NativeIoException("write", Errors.ERRNO_EPIPE_NEGATIVE)))
                .isNull();
        assertThat(KernelErrors.classify(new IOException("Connection timed out"))).as("text is not evidence")
                .isNull();
        assertThat(KernelErrors.classify(new RuntimeException())).isNull();
    }
}
