/**
 * The masked autoencoder of He et al. (2021) on libtorch: {@link io.github.mae4j.torch.nn.MaskedAutoencoder} and
 * its parts (patch embedding, ViT blocks, sin-cos position embeddings, masking, loss), with parameter names equal
 * to the reference PyTorch implementation.
 */
@NullMarked
package io.github.mae4j.torch.nn;

import org.jspecify.annotations.NullMarked;
