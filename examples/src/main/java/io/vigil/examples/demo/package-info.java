/**
 * The demo: a server and two clients over loopback; one client's application hangs and is found dead within the
 * policy's bound, while the other stays healthy.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.demo;

import org.jspecify.annotations.NullMarked;
