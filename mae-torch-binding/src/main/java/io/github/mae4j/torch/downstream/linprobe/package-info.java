/** Linear probing: frozen encoder, BatchNorm without affine, linear head, LARS. */
@NullMarked
package io.github.mae4j.torch.downstream.linprobe;

import org.jspecify.annotations.NullMarked;
