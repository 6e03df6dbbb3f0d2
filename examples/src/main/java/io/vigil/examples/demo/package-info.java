/**
 * The demo: a Vigil server watches a healthy client, a hung peer process, a vanished peer and a slow consumer with
 * the kernel layer, the userspace layer or both, from one policy, and checks each verdict against its bound. See
 * {@link io.vigil.examples.demo.Demo}.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples.demo;

import org.jspecify.annotations.NullMarked;
