/** Checkpoint formats: state dicts by name and safetensors files. */
@NullMarked
package io.github.mae4j.torch.io;

import org.jspecify.annotations.NullMarked;
