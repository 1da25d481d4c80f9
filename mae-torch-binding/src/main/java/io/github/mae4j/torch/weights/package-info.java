/**
 * Pretrained weights in the layouts users hold them in — official MAE ({@code models_mae.py} names), Hugging Face
 * {@code ViTMAEForPreTraining} ({@code config.json} + {@code model.safetensors}) and timm {@code vit_*} encoders —
 * read into and written from a {@link io.github.mae4j.torch.nn.MaskedAutoencoder}: the name tables
 * ({@link io.github.mae4j.torch.weights.NameMapping}), the HF configuration
 * ({@link io.github.mae4j.torch.weights.HfConfig}), files of every layout
 * ({@link io.github.mae4j.torch.weights.WeightFiles}) and fitting them to a model of another image size or channel
 * count ({@link io.github.mae4j.torch.weights.WeightFitting}).
 */
@NullMarked
package io.github.mae4j.torch.weights;

import org.jspecify.annotations.NullMarked;
