/**
 * The demo's far ends and the network it breaks: {@link io.vigil.examples.demo.peer.PeerMain}, a plain-JDK peer run
 * in a child JVM ({@link io.vigil.examples.demo.peer.PeerProcess}) so that it can be stopped with {@code SIGSTOP};
 * {@link io.vigil.examples.demo.peer.NetnsRig}, a network namespace behind a veth pair whose blackhole route makes a
 * peer vanish (root only); and {@link io.vigil.examples.demo.peer.DropRelay}, the in-process stand-in for that
 * without root. Nothing here uses Vigil.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.demo.peer;

import org.jspecify.annotations.NullMarked;
