/** What a pretrained MAE encoder is for: classifiers, fine-tuning, linear probing, k-NN, feature export. */
@NullMarked
package io.github.mae4j.torch.downstream;

import org.jspecify.annotations.NullMarked;
