/**
 * Reading and writing PyTorch {@code torch.save} checkpoints ({@code .pth}) in Java, without executing anything.
 *
 * <p>The zip format of {@code torch.save} (PyTorch ≥ 1.6) holds {@code <name>/data.pkl}, a pickle (protocol 2)
 * whose tensors are persistent ids naming raw little-endian storages {@code <name>/data/<key>}. The pickle is
 * parsed in pure Java against an allow-list ({@link io.github.mae4j.torch.io.pth.AllowList}); storages are copied
 * once from the memory-mapped file into libtorch tensors. Entry point: {@link io.github.mae4j.torch.io.pth.TorchCheckpoint}.
 */
@NullMarked
package io.github.mae4j.torch.io.pth;

import org.jspecify.annotations.NullMarked;
