/**
 * Data parallelism on libtorch's c10d: the process environment a launcher sets ({@link
 * io.github.mae4j.torch.dist.DistributedEnvironment}), the process group built from it ({@link
 * io.github.mae4j.torch.dist.DistributedContext}: rendezvous over a {@code TCPStore} or {@code FileStore}, Gloo
 * collectives with a timeout) and the gradient averaging of a training step ({@link
 * io.github.mae4j.torch.dist.GradientReducer}: c10d's {@code Reducer}, or bucketed allreduce after backward).
 * No collective or socket of our own: every byte between processes goes through c10d.
 */
@NullMarked
package io.github.mae4j.torch.dist;

import org.jspecify.annotations.NullMarked;
