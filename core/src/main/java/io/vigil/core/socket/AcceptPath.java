package io.vigil.core.socket;

/**
 * Where a server's accepted sockets get the kernel keepalive options from, in
 * {@link SocketKeepAlive#configure(io.netty.bootstrap.ServerBootstrap)}.
 *
 * <p>Linux copies {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT} and
 * {@code TCP_USER_TIMEOUT} from a listening socket to every socket it accepts (the accepted socket is a clone of the
 * listener's). Setting them once on the listener saves five {@code setsockopt} per accepted connection.
 *
 * <p><b>Thread safety:</b> an enum; immutable.
 *
 * @since 0.2
 */
public enum AcceptPath {

    /**
     * The default: the options are set once on the listening socket, when it registers (before it binds), and read
     * back there; accepted sockets inherit them, and each accepted child sets only what the listener could not carry.
     * Epoll and io_uring (with {@code vigil-epoll}) carry all five; NIO's {@code ServerSocketChannel} takes
     * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL} and {@code TCP_KEEPCOUNT} but not {@code SO_KEEPALIVE}, so each
     * NIO child still sets that one ({@code TCP_USER_TIMEOUT} does not exist on JDK 17's NIO); any other transport
     * sets everything per child, as {@link #EACH_CHILD}. See {@link SocketKeepAlive.Builder#childReports(int)} for
     * which children are read back and reported.
     */
    LISTENER,

    /**
     * Every accepted child sets all five options itself when it registers, and is read back and reported: five
     * {@code setsockopt} and five {@code getsockopt} per accepted connection. For a listener whose options must stay
     * untouched, or a kernel other than Linux.
     */
    EACH_CHILD
}
