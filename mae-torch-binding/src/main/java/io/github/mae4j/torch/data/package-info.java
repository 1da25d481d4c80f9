/**
 * The data pipeline for MAE pretraining: datasets ({@link io.github.mae4j.torch.data.ImageFolderDataset},
 * {@link io.github.mae4j.torch.data.IdxDataset}, {@link io.github.mae4j.torch.data.SyntheticDataset}),
 * augmentations ({@link io.github.mae4j.torch.data.PretrainTransform},
 * {@link io.github.mae4j.torch.data.EvalTransform}) and the {@link io.github.mae4j.torch.data.DataLoader}, which
 * assembles float32 NCHW batches off-heap and hands them to libtorch without a copy.
 *
 * <p>Everything here is pure Java (javax.imageio, {@code java.lang.foreign}) except {@link
 * io.github.mae4j.torch.data.Batch#images()}, the one place a libtorch tensor is made.
 */
@NullMarked
package io.github.mae4j.torch.data;

import org.jspecify.annotations.NullMarked;
