/**
 * Runnable examples of Vigil. Copy freely.
 *
 * @since 0.1
 */
@NullMarked
package io.vigil.examples;

import org.jspecify.annotations.NullMarked;
